"""Quick notes: jotting one (idempotently), the inbox on the log, turning a note into a
reflection in one transaction, deleting one, and that nobody but the writer ever reaches it."""

import uuid

import pytest
from sqlalchemy import select

from learnset.db import utcnow
from learnset.reflections import notes, services
from learnset.reflections.models import Note, Reflection, ReflectionDraft
from tests import factories
from tests.helpers import count_rows, csrf_from, editor_fields, html_of, press, submit
from tests.matrix import SIGNED_IN


def _jot(browser, body="Talked to the GP lead after the meeting", **fields):
    data = {"note_id": str(uuid.uuid4()), "body": body, **fields}
    return submit(browser, "/notes/new", data), data["note_id"]


def test_a_note_lands_in_the_inbox_at_the_top_of_the_log(login, db, people):
    browser = login(people.participant)
    page = html_of(browser.get("/notes/new"))
    assert "Jot a note" in page and 'name="note_id"' in page
    response, _ = _jot(browser)
    assert response.status_code == 302 and response.location == "/notes/new"
    note = db.scalar(select(Note))
    assert note.author_id == people.participant.id
    log = html_of(browser.get("/reflections"))
    assert log.index("Notes to reflect on") < log.index("Reflections</h2>")
    assert "Talked to the GP lead after the meeting" in log


def test_the_same_note_sent_twice_is_stored_once(login, db, people):
    browser = login(people.participant)
    data = {"note_id": str(uuid.uuid4()), "body": "Sent again after a lost answer"}
    token = csrf_from(browser, "/notes/new")
    json = {"Accept": "application/json"}
    first = browser.post("/notes/new", data={**data, "csrf_token": token}, headers=json)
    again = browser.post("/notes/new", data={**data, "csrf_token": token}, headers=json)
    assert first.status_code == 201 and first.json["new"] is True
    assert again.status_code == 200 and again.json == {"id": first.json["id"], "new": False}
    assert count_rows(db, Note) == 1


def test_the_same_note_id_from_another_person_is_their_own_note(db, people):
    client_id = str(uuid.uuid4())
    mine, _ = notes.add_note(db, people.participant, client_id, "Mine", utcnow())
    theirs, new = notes.add_note(db, people.fellow, client_id, "Theirs", utcnow())
    assert new and theirs.id != mine.id and mine.body == "Mine"


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"body": "   "}, "body", "Write your note"),
        ({"body": "x" * 2001}, "body", "Your note must be 2,000 characters or fewer"),
        ({"cohort": "other"}, "cohort", "Choose one of your learning sets"),
        ({"meeting": "999999"}, "meeting", "Choose one of your learning sets&#39; sessions"),
    ],
)
def test_bad_notes_are_refused_beside_the_field_and_nothing_is_stored(
    login, db, people, fields, field, message
):
    if fields.get("cohort") == "other":
        fields = {"cohort": str(people.other_cohort.id)}
    browser = login(people.participant)
    response, _ = _jot(browser, **fields)
    page = html_of(response, 422)
    assert f'id="{field}-error"' in page
    assert message in page
    assert count_rows(db, Note) == 0


def test_bad_notes_sent_by_the_script_get_the_message_as_json(login, db, people):
    browser = login(people.participant)
    token = csrf_from(browser, "/notes/new")
    response = browser.post(
        "/notes/new",
        data={"note_id": str(uuid.uuid4()), "body": "", "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    assert response.json == {"errors": {"body": "Write your note"}}


def test_a_note_without_a_form_token_is_refused(login, db, people):
    browser = login(people.participant)
    response = browser.post("/notes/new", data={"note_id": str(uuid.uuid4()), "body": "Hello"})
    assert response.status_code == 400
    assert count_rows(db, Note) == 0


def test_only_the_writer_s_own_sets_and_published_sessions_are_offered(login, db, people):
    published = factories.make_published_meeting(db, people.cohort, title="Data as a vehicle")
    factories.make_meeting(db, people.cohort, title="Still a draft")
    factories.make_published_meeting(db, people.other_cohort, title="Someone else's session")
    db.commit()
    browser = login(people.participant)
    page = html_of(browser.get("/notes/new"))
    assert "Riverside set" in page and "Data as a vehicle" in page
    assert "Eastvale set" not in page
    assert "Still a draft" not in page and "Someone else" not in page
    response, _ = _jot(browser, meeting=str(published.id))
    assert response.status_code == 302
    note = db.scalar(select(Note))
    # A session names its learning set too.
    assert (note.cohort_id, note.meeting_id) == (people.cohort.id, published.id)


def test_a_note_becomes_a_reflection_and_goes_only_when_it_is_saved(login, db, people):
    browser = login(people.participant)
    _jot(browser, body="The data pack opened a new conversation\nwith the practice managers")
    note = db.scalar(select(Note))
    response = press(browser, f"/notes/{note.id}/reflect", page="/reflections")
    assert response.status_code == 302
    editor = response.location
    page = html_of(browser.get(editor))
    assert "The data pack opened a new conversation" in page
    # Still in the inbox until the reflection is saved, and asking again gives the same draft.
    assert count_rows(db, Note) == 1
    assert press(browser, f"/notes/{note.id}/reflect", page="/reflections").location == editor
    assert count_rows(db, ReflectionDraft) == 1
    saved = submit(browser, editor, editor_fields(people.cohort))
    assert saved.status_code == 302
    assert count_rows(db, Note) == 0
    assert count_rows(db, Reflection) == 1


def test_a_note_stays_when_saving_its_reflection_fails(db, people):
    note, _ = notes.add_note(db, people.participant, str(uuid.uuid4()), "Kept", utcnow())
    key = notes.start_reflection(db, people.participant, note, utcnow())
    db.commit()
    data = factories.reflection_input(people.other_cohort)
    with pytest.raises(services.ReflectionError):
        services.create_reflection(db, people.participant, data, utcnow(), draft_key=key)
    db.rollback()
    assert count_rows(db, Note) == 1
    created = services.create_reflection(
        db, people.participant, factories.reflection_input(people.cohort), utcnow(), key
    )
    assert created.id and count_rows(db, Note) == 0


def test_deleting_a_note_asks_first(login, db, people):
    browser = login(people.participant)
    _jot(browser, body="Not worth keeping")
    note = db.scalar(select(Note))
    page = html_of(browser.get(f"/notes/{note.id}/delete"))
    assert "Delete this note?" in page and "Not worth keeping" in page
    assert count_rows(db, Note) == 1
    response = submit(browser, f"/notes/{note.id}/delete", {})
    assert response.status_code == 302
    assert count_rows(db, Note) == 0


@pytest.mark.parametrize("role", [r for r in SIGNED_IN if r != "participant"])
def test_a_note_is_a_404_for_everyone_but_its_writer(login, db, people, role):
    note, _ = notes.add_note(db, people.participant, str(uuid.uuid4()), "Private", utcnow())
    db.commit()
    browser = login(people.by_role(role))
    assert browser.get(f"/notes/{note.id}/delete").status_code == 404
    token = csrf_from(browser, "/notes/new")
    for action in ("reflect", "delete"):
        response = browser.post(f"/notes/{note.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 404
    assert "Private" not in html_of(browser.get("/reflections"))
    assert "Private" not in html_of(browser.get("/notes"))
    assert count_rows(db, Note) == 1


def test_the_status_names_only_the_signed_in_person(login, people):
    answer = login(people.fellow).get("/notes/status")
    assert answer.json["user"] == people.fellow.id and answer.json["csrf_token"]
    assert login(None).get("/notes/status").status_code == 302


def test_the_inbox_pages_in_a_fixed_number_of_queries(login, db, people, count_queries):
    browser = login(people.participant)

    def queries(path):
        with count_queries() as statements:
            html_of(browser.get(path))
        return len(statements)

    for index in range(3):
        notes.add_note(db, people.participant, str(uuid.uuid4()), f"Note {index}", utcnow())
    db.commit()
    few = (queries("/reflections"), queries("/notes"))
    for index in range(30):
        notes.add_note(db, people.participant, str(uuid.uuid4()), f"More {index}", utcnow())
    db.commit()
    assert (queries("/reflections"), queries("/notes")) == few
    log = html_of(browser.get("/reflections"))
    assert "See all 33 notes" in log
    assert "Pages of your notes" in html_of(browser.get("/notes"))


def test_titles_start_from_the_note_s_first_words():
    assert notes.title_from("Short line\nmore") == "Short line"
    long = "word " * 30
    assert notes.title_from(long).endswith("…") and len(notes.title_from(long)) <= 61


def test_notes_are_in_the_writer_s_download_only(login, db, people):
    notes.add_note(db, people.participant, str(uuid.uuid4()), "For my download", utcnow())
    db.commit()
    mine = login(people.participant).get("/account/your-data.json")
    theirs = login(people.fellow).get("/account/your-data.json")
    assert [n["body"] for n in mine.json["reflective_log"]["notes"]] == ["For my download"]
    assert theirs.json["reflective_log"]["notes"] == []
