"""Recording a challenge, changing it, pausing, closing, reopening and deleting it."""

from sqlalchemy import select

from learnset.challenges import services
from learnset.challenges.models import Challenge, ChallengeUpdate, Story, TrappedNote
from learnset.db import utcnow
from learnset.meetings.models import PresenterSlot
from learnset.reflections.models import Reflection
from tests import factories
from tests.helpers import count_rows, press, submit, text_of

VALID = {
    "title": "Frailty support that keeps people at home",
    "context": "Admissions of frail older people rise every winter.",
    "outcomes": "Older people in the north of the borough stay well at home for longer.",
    "stakeholders": "Practices, community nursing, the council, Age UK",
}


def test_a_participant_records_a_challenge_with_what_is_trapped(login, db, people):
    browser = login(people.participant)
    path = f"/cohorts/{people.cohort.id}/challenges/new"
    form = text_of(browser.get(path))
    assert "not the service you expect to buy" in form
    assert "Do not identify patients" in form
    response = submit(
        browser,
        path,
        {
            **VALID,
            "trapped": ["buildings", "attitudes"],
            "note_attitudes": "A sense that nothing will change",
            "note_potential": "Community groups keen to help",
        },
    )
    assert response.status_code == 302
    challenge = db.scalar(select(Challenge))
    assert response.location == f"/challenges/{challenge.id}"
    assert (challenge.owner_id, challenge.cohort_id, challenge.status) == (
        people.participant.id,
        people.cohort.id,
        "open",
    )
    # A note counts as a tick, so nothing typed is thrown away.
    assert [(note.kind, note.note) for note in challenge.trapped] == [
        ("buildings", ""),
        ("attitudes", "A sense that nothing will change"),
        ("potential", "Community groups keen to help"),
    ]
    page = text_of(browser.get(response.location))
    assert "Only the participants and tutors of Riverside set can read this challenge" in page
    assert "Resources in buildings or services" in page
    assert "A sense that nothing will change" in page


def test_the_form_explains_what_is_missing_and_writes_nothing(login, db, people):
    browser = login(people.participant)
    path = f"/cohorts/{people.cohort.id}/challenges/new"
    cases = [
        ({**VALID, "title": ""}, "Enter a title for your challenge"),
        ({**VALID, "outcomes": " "}, "Describe the outcomes you want for people and communities"),
        ({**VALID, "title": "x" * 201}, "Title must be 200 characters or fewer"),
        ({**VALID, "context": "Seen with NHS number 943 476 5919"}, "looks like an NHS number"),
        (
            {**VALID, "note_processes": "y" * 1001},
            "Note on resources captured by processes must be",
        ),
    ]
    for data, message in cases:
        response = submit(browser, path, data)
        assert response.status_code == 422, message
        page = text_of(response, 422)
        assert "There is a problem" in page and message in page
        assert "<title>Error: " in page
    assert count_rows(db, Challenge) == 0


def test_tutors_and_other_sets_cannot_record_a_challenge_here(login, db, people):
    path = f"/cohorts/{people.cohort.id}/challenges/new"
    assert login(people.tutor).get(path).status_code == 403
    assert login(people.outsider).get(path).status_code == 404
    page = text_of(login(people.tutor).get(f"/cohorts/{people.cohort.id}/challenges"))
    assert "Record a live challenge" not in page
    assert "No challenges yet" in page


def test_the_owner_edits_the_challenge_and_can_untick_what_is_trapped(login, db, people):
    challenge = factories.make_challenge(
        db, people.participant, trapped={"buildings": "The old clinic", "attitudes": ""}
    )
    db.commit()
    browser = login(people.participant)
    path = f"/challenges/{challenge.id}/edit"
    form = text_of(browser.get(path))
    assert "The old clinic" in form
    response = submit(browser, path, {**VALID, "trapped": ["attitudes"], "note_attitudes": "Fixed"})
    assert response.status_code == 302
    db.expire_all()
    assert challenge.title == VALID["title"]
    assert [(note.kind, note.note) for note in challenge.trapped] == [("attitudes", "Fixed")]
    assert count_rows(db, TrappedNote) == 1
    # Nobody else may, and the page offers them no way to.
    assert login(people.fellow).get(path).status_code == 403
    assert "Edit<span" not in text_of(login(people.fellow).get(f"/challenges/{challenge.id}"))
    try:
        services.update_challenge(
            db, challenge, people.fellow, services.ChallengeInput("x"), utcnow()
        )
    except services.ChallengeError as error:
        assert "Only the owner" in str(error)
    else:
        raise AssertionError("a fellow changed someone else's challenge")


def test_pausing_closing_and_reopening(login, db, people, challenge):
    browser = login(people.participant)
    path = f"/challenges/{challenge.id}/status"
    assert "Where is this challenge now?" in text_of(browser.get(path))
    assert submit(browser, path, {"status": "paused"}).status_code == 302
    db.expire_all()
    assert challenge.status == "paused" and challenge.closed_at is None
    closed = submit(browser, path, {"status": "closed"})
    assert "You can publish it as a story" in text_of(browser.get(closed.location))
    db.expire_all()
    assert challenge.status == "closed" and challenge.closed_at is not None
    assert submit(browser, path, {"status": "sideways"}).status_code == 422
    assert submit(browser, path, {"status": "open"}).status_code == 302
    db.expire_all()
    assert challenge.status == "open" and challenge.closed_at is None


def test_a_participant_may_hold_several_challenges(db, people):
    for title in ("One", "Two", "Three"):
        services.create_challenge(
            db, people.participant, people.cohort, services.ChallengeInput(title), utcnow()
        )
    assert count_rows(db, Challenge) == 3


def test_deleting_asks_first_then_takes_everything_said_about_it(login, db, people):
    challenge = factories.make_challenge(db, people.participant, title="To be deleted")
    factories.make_update(db, challenge, people.fellow)
    factories.make_update(db, challenge, people.participant, "gain")
    factories.make_story(db, challenge, published=False)
    meeting = factories.make_meeting(db, people.cohort, status="published")
    slot = factories.make_challenge_slot(db, meeting, challenge)
    reflection = factories.make_reflection(db, people.participant, challenge_id=challenge.id)
    db.commit()
    browser = login(people.participant)
    path = f"/challenges/{challenge.id}/delete"
    confirm = text_of(browser.get(path))
    assert "Delete &ldquo;To be deleted&rdquo;?" in confirm and "cannot be undone" in confirm
    assert count_rows(db, Challenge) == 1
    response = press(browser, path)
    assert response.status_code == 302
    db.expire_all()
    assert [count_rows(db, model) for model in (Challenge, ChallengeUpdate, Story)] == [0, 0, 0]
    # The session keeps its presenter; the reflection stays, pointing at nothing.
    assert db.get(PresenterSlot, slot.id).challenge_id is None
    assert db.get(Reflection, reflection.id).challenge_id is None
    session_page = text_of(login(people.tutor).get(f"/sessions/{meeting.id}"))
    assert "Pat Participant</strong>: a live challenge" in session_page
