"""Writing and editing: validation beside the field, links the writer may use, versions, history."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learnset.db import utcnow
from learnset.reflections import services
from learnset.reflections.forms import saved_fields
from learnset.reflections.models import Reflection, ReflectionDraft, ReflectionVersion
from learnset.reflections.structures import convert_parts
from tests import factories
from tests.helpers import count_rows, csrf_from, editor_fields, html_of, new_editor, submit


def test_participant_writes_a_reflection(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    page = html_of(browser.get(path))
    assert "Do not identify patients" in page
    assert "What happened?" in page and "So what?" in page and "Now what?" in page
    assert "Leave out anything that could identify a patient" in page
    # The only learning set is chosen already.
    assert f'value="{people.cohort.id}" checked' in page
    response = submit(browser, path, editor_fields(people.cohort))
    assert response.status_code == 302
    reflection = db.scalar(select(Reflection))
    assert response.location == f"/reflections/{reflection.id}"
    assert reflection.author_id == people.participant.id
    assert reflection.cohort_id == people.cohort.id
    assert reflection.visibility == "private"
    assert reflection.experienced_on == date(2026, 3, 5)
    assert reflection.cpd_minutes == 45
    assert (
        reflection.text_by_part["so_what"] == "Data opened the conversation instead of closing it."
    )
    assert [v.number for v in services.versions_of(db, reflection)] == [1]
    assert count_rows(db, ReflectionDraft) == 0
    shown = html_of(browser.get(response.location))
    assert "Your reflection has been saved." in shown
    assert "Data opened the conversation" in shown


def test_gibbs_has_six_parts_with_hints(login, people):
    browser = login(people.participant)
    path = browser.get("/reflections/new?structure=gibbs").location
    page = html_of(browser.get(path))
    for label in ("Description", "Feelings", "Evaluation", "Analysis", "Conclusion", "Action plan"):
        assert f">{label}<" in page or f"{label}\n" in page, label
    assert "What were you thinking and feeling at the time?" in page


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"title": " \r\n\t "}, "title", "Enter a title"),
        ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
        (
            {"part_what": "", "part_so_what": " ", "part_now_what": ""},
            "part_what",
            "Write something in at least one part",
        ),
        (
            {"part_so_what": "x" * 20_001},
            "part_so_what",
            "So what? must be 20,000 characters or fewer",
        ),
        (
            {"experienced_on-day": "", "experienced_on-month": "", "experienced_on-year": ""},
            "experienced_on",
            "Enter the date of the experience",
        ),
        ({"experienced_on-month": ""}, "experienced_on", "must include a month"),
        (
            {"experienced_on-day": "31", "experienced_on-month": "2"},
            "experienced_on",
            "Date of the experience must be a real date",
        ),
        ({"experienced_on-year": "two"}, "experienced_on", "must be a real date"),
        ({"cpd_minutes": "an hour"}, "cpd_minutes", "whole number of minutes"),
        ({"cpd_minutes": "-5"}, "cpd_minutes", "whole number of minutes"),
        ({"cpd_minutes": "\u00b2"}, "cpd_minutes", "whole number of minutes"),
        ({"cpd_minutes": "1441"}, "cpd_minutes", "1,440 minutes (24 hours) or fewer"),
        ({"visibility": "everyone"}, "visibility", "Not a valid choice"),
    ],
)
def test_bad_input_is_explained_beside_the_field(login, db, people, overrides, field, message):
    browser = login(people.participant)
    path = new_editor(browser)
    response = submit(browser, path, editor_fields(people.cohort, **overrides))
    assert response.status_code == 422
    page = html_of(response, 422)
    assert message in page
    # Errors link to their field; a date's, to its first box (the NHS.UK pattern).
    target = f"{field}-day" if field == "experienced_on" else field
    assert f'href="#{target}"' in page
    assert "Error: Write a reflection" in page
    assert count_rows(db, Reflection) == 0


def test_a_date_in_the_future_is_refused(login, db, people):
    tomorrow = date.today() + timedelta(days=2)
    browser = login(people.participant)
    response = submit(
        browser,
        new_editor(browser),
        editor_fields(
            people.cohort,
            **{
                "experienced_on-day": str(tomorrow.day),
                "experienced_on-month": str(tomorrow.month),
                "experienced_on-year": str(tomorrow.year),
            },
        ),
    )
    assert response.status_code == 422
    assert "Date of the experience must be today or in the past" in html_of(response, 422)


def test_an_empty_reflection_can_be_kept_as_a_draft_but_not_saved(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    fields = editor_fields(
        people.cohort, title="", part_what="Only a start", part_so_what="", part_now_what=""
    )
    assert submit(browser, path, fields).status_code == 422
    response = submit(browser, path, {**fields, "action": "draft"})
    assert response.status_code == 302
    assert count_rows(db, Reflection) == 0
    draft = db.scalar(select(ReflectionDraft))
    assert draft.data["part_what"] == ["Only a start"]


def test_invalid_text_is_kept_as_a_draft_while_the_writer_fixes_it(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    response = submit(browser, path, editor_fields(people.cohort, title="", cpd_minutes="lots"))
    assert response.status_code == 422
    assert "lots" in html_of(response, 422)  # what was typed comes back as typed
    draft = db.scalar(select(ReflectionDraft))
    assert draft.data["cpd_minutes"] == ["lots"]
    assert "Data opened the conversation" in html_of(browser.get(path))


def test_cohort_must_be_chosen_when_the_writer_has_several(login, db, people):
    factories.make_member(db, people.other_cohort, "participant", user=people.participant)
    db.commit()
    browser = login(people.participant)
    path = new_editor(browser)
    page = html_of(browser.get(path))
    assert "Riverside set" in page and "Eastvale set" in page
    assert "checked" not in page.split('name="cohort"')[1].split("</div>")[0]
    response = submit(browser, path, editor_fields())
    assert response.status_code == 422
    assert "Choose the learning set this reflection belongs to" in html_of(response, 422)
    response = submit(browser, path, editor_fields(people.other_cohort))
    assert response.status_code == 302
    assert db.scalar(select(Reflection)).cohort_id == people.other_cohort.id


def test_writer_in_several_sets_sees_each_session_and_challenge_with_its_set(login, db, people):
    factories.make_member(db, people.other_cohort, "participant", user=people.participant)
    factories.make_meeting(db, people.other_cohort, number=3, title="Flow", status="published")
    factories.make_challenge(db, people.participant, people.other_cohort, title="Discharges")
    factories.make_meeting(db, people.cohort, number=4, title="Hidden", status="draft")
    db.commit()
    browser = login(people.participant)
    page = html_of(browser.get(new_editor(browser)))
    assert "Eastvale set: Session 3: Flow (" in page
    assert "Eastvale set: Discharges" in page
    assert "Hidden" not in page  # a draft session is not offered


def test_someone_in_no_learning_set_keeps_a_private_log(login, db, people):
    browser = login(people.admin)
    path = new_editor(browser)
    page = html_of(browser.get(path))
    assert 'name="cohort"' not in page
    assert "Only you." in page
    assert submit(browser, path, editor_fields()).status_code == 302
    reflection = db.scalar(select(Reflection))
    assert reflection.cohort_id is None and reflection.visibility == "private"
    with pytest.raises(services.ReflectionError):
        services.change_visibility(db, reflection, "set", utcnow())


def test_links_to_a_session_library_item_and_capabilities(login, db, people):
    meeting = factories.make_meeting(
        db, people.cohort, title="Data as a vehicle", status="published"
    )
    item = factories.make_content_item(db, kind="exercise", title="Mapping what is trapped")
    domain = factories.make_domain(db, name="Unlocking conversations")
    chosen = factories.make_capability(db, domain, name="Using data for discussion")
    factories.make_capability(db, domain, name="Credibility with clinicians")
    db.commit()
    browser = login(people.participant)
    path = new_editor(browser)
    page = html_of(browser.get(path))
    assert "Data as a vehicle" in page
    assert "Exercise: Mapping what is trapped" in page
    assert "Unlocking conversations" in page and "Using data for discussion" in page
    fields = editor_fields(
        people.cohort,
        meeting=str(meeting.id),
        content_item=str(item.id),
        capabilities=[str(chosen.id)],
    )
    assert submit(browser, path, fields).status_code == 302
    reflection = db.scalar(select(Reflection))
    assert reflection.meeting_id == meeting.id
    assert reflection.content_item_id == item.id
    assert [c.id for c in reflection.capabilities] == [chosen.id]


@pytest.mark.parametrize("which", ["draft session", "other cohort's session", "archived item"])
def test_links_the_writer_may_not_use_are_refused(login, db, people, which):
    if which == "draft session":
        fields = {"meeting": str(factories.make_meeting(db, people.cohort, status="draft").id)}
    elif which == "other cohort's session":
        fields = {
            "meeting": str(factories.make_meeting(db, people.other_cohort, status="published").id)
        }
    else:
        item = factories.make_content_item(db, archived_at=utcnow())
        fields = {"content_item": str(item.id)}
    db.commit()
    browser = login(people.participant)
    response = submit(browser, new_editor(browser), editor_fields(people.cohort, **fields))
    assert response.status_code == 422
    assert "Not a valid choice" in html_of(response, 422)
    assert count_rows(db, Reflection) == 0


def test_service_refuses_a_session_of_another_learning_set(db, people):
    factories.make_member(db, people.other_cohort, "participant", user=people.participant)
    meeting = factories.make_meeting(db, people.other_cohort, status="published")
    data = factories.reflection_input(people.cohort, meeting_id=meeting.id)
    with pytest.raises(services.ReflectionError, match="learning set this reflection belongs"):
        services.create_reflection(db, people.participant, data, utcnow())


def test_only_a_learning_set_the_writer_takes_part_in(db, people):
    data = factories.reflection_input(people.other_cohort)
    with pytest.raises(services.ReflectionError, match="Choose one of your learning sets"):
        services.create_reflection(db, people.participant, data, utcnow())
    # A tutor of a cohort is not a participant of it.
    data.cohort_id = people.cohort.id
    with pytest.raises(services.ReflectionError):
        services.create_reflection(db, people.tutor, data, utcnow())


def test_editing_keeps_every_version_and_restoring_adds_one(login, db, people):
    reflection = factories.make_reflection(
        db, people.participant, title="First title", parts={"what": "First words"}
    )
    db.commit()
    browser = login(people.participant)
    path = f"/reflections/{reflection.id}/edit"
    page = html_of(browser.get(path))
    assert "First words" in page
    fields = editor_fields(
        people.cohort,
        title="Second title",
        part_what="Second words",
        part_so_what="",
        part_now_what="",
    )
    assert submit(browser, path, fields).status_code == 302
    versions = services.versions_of(db, reflection)
    assert [(v.number, v.title) for v in versions] == [(2, "Second title"), (1, "First title")]

    history = html_of(browser.get(f"/reflections/{reflection.id}/history"))
    assert "First words" in history and "Second words" in history
    first = versions[-1]
    token = csrf_from(browser, f"/reflections/{reflection.id}/history")
    response = browser.post(
        f"/reflections/{reflection.id}/history/{first.id}/restore", data={"csrf_token": token}
    )
    assert response.status_code == 302
    db.expire_all()
    assert reflection.title == "First title"
    assert reflection.text_by_part["what"] == "First words"
    assert [(v.number, v.restored_from) for v in services.versions_of(db, reflection)] == [
        (3, 1),
        (2, None),
        (1, None),
    ]


def test_saving_without_changes_adds_no_version(login, db, people):
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    browser = login(people.participant)
    path = f"/reflections/{reflection.id}/edit"
    # Post back exactly what the editor shows.
    fields = dict(saved_fields(reflection))
    response = browser.post(
        path, data={**fields, "action": "save", "csrf_token": csrf_from(browser, path)}
    )
    assert response.status_code == 302
    assert len(services.versions_of(db, reflection)) == 1


def test_restoring_an_old_version_never_widens_sharing(db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="private")
    first = services.versions_of(db, reflection)[0]
    reflection.visibility = "tutors"
    services.restore_version(db, reflection, first, utcnow())
    assert reflection.visibility == "tutors"
    reflection.visibility = "private"
    services.restore_version(db, reflection, first, utcnow())
    assert reflection.visibility == "private"


def test_version_of_another_reflection_is_404(login, db, people):
    mine = factories.make_reflection(db, people.participant)
    theirs = factories.make_reflection(db, people.fellow)
    version = services.versions_of(db, theirs)[0]
    db.commit()
    browser = login(people.participant)
    token = csrf_from(browser, f"/reflections/{mine.id}/history")
    response = browser.post(
        f"/reflections/{mine.id}/history/{version.id}/restore", data={"csrf_token": token}
    )
    assert response.status_code == 404


def test_clearing_history_keeps_only_the_current_version(login, db, people):
    reflection = factories.make_reflection(db, people.participant, parts={"what": "Mr Smith"})
    data = factories.reflection_input(
        people.cohort,
        title="Redacted",
        parts={"what": "A patient"},
        experienced_on=reflection.experienced_on,
    )
    services.update_reflection(db, reflection, data, utcnow())
    db.commit()
    browser = login(people.participant)
    page = html_of(browser.get(f"/reflections/{reflection.id}/history/clear"))
    assert "Delete all earlier versions of this reflection?" in page
    assert submit(browser, f"/reflections/{reflection.id}/history/clear", {}).status_code == 302
    versions = services.versions_of(db, reflection)
    assert [v.number for v in versions] == [2]
    assert "Mr Smith" not in html_of(browser.get(f"/reflections/{reflection.id}/history"))


def test_changing_structure_moves_the_text_and_keeps_it(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    fields = editor_fields(people.cohort, action="structure")
    response = submit(browser, path, fields)
    assert response.status_code == 302 and response.location == path
    page = html_of(browser.get(path))
    assert "Your reflection now follows Gibbs" in page
    assert "Action plan" in page
    assert "Start each locality meeting with one chart" in page
    assert count_rows(db, Reflection) == 0
    draft = db.scalar(select(ReflectionDraft))
    assert draft.data["structure"] == ["gibbs"]
    assert draft.data["part_conclusion"] == ["Data opened the conversation instead of closing it."]


def test_converting_gibbs_to_driscoll_loses_nothing():
    parts = {
        "description": "D",
        "feelings": "F",
        "evaluation": "E",
        "analysis": "A",
        "conclusion": "C",
        "action_plan": "P",
    }
    driscoll = convert_parts(parts, "gibbs", "driscoll")
    assert driscoll["what"] == "**Description**\n\nD\n\n**Feelings**\n\nF"
    assert "**Analysis**\n\nA" in driscoll["so_what"] and "C" in driscoll["so_what"]
    assert driscoll["now_what"] == "P"
    back = convert_parts(driscoll, "driscoll", "gibbs")
    assert back["action_plan"] == "P"
    assert all(value in "".join(back.values()) for value in parts.values())


def test_editing_a_binned_reflection_is_refused(login, db, people):
    reflection = factories.make_reflection(db, people.participant, deleted_at=utcnow())
    db.commit()
    assert login(people.participant).get(f"/reflections/{reflection.id}/edit").status_code == 403


def test_versions_table_holds_snapshots(db, people):
    reflection = factories.make_reflection(db, people.participant)
    assert (
        db.scalar(
            select(ReflectionVersion.parts).where(ReflectionVersion.reflection_id == reflection.id)
        )
        == reflection.text_by_part
    )


def test_editor_loads_autosave_as_a_module_and_works_without_it(login, people):
    browser = login(people.participant)
    path = new_editor(browser)
    page = html_of(browser.get(path))
    assert re.search(r'<script type="module" src="/assets/app/autosave\.js\?v=\w+"></script>', page)
    assert f'data-autosave-url="{path}/draft"' in page
    # "Save draft" is a plain submit button: it needs no JavaScript.
    assert re.search(r'<button[^>]*name="action"[^>]*type="submit" value="draft"', page)
    assert "<script>" not in page


def test_navigation_shows_the_log_to_participants_and_shared_to_tutors(login, people):
    def links(role):
        page = html_of(login(people.by_role(role)).get("/"))
        return ("Your log</a>" in page, "Shared with you</a>" in page)

    assert links("participant") == (True, False)
    assert links("tutor") == (False, True)
    assert links("admin") == (False, False)
