"""Answering a session's three questions (issue 19, item 3): only the set's participants, one
answer each, changed only while the window is open, with mistakes shown beside the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learnset.db import utcnow
from learnset.session_feedback import services
from learnset.session_feedback.models import SessionFeedback
from learnset.session_feedback.services import Answers, SessionFeedbackError
from tests import factories
from tests.helpers import count_rows, export_section, html_of, submit, text_of
from tests.session_feedback.helpers import answer_as, closed_session, open_session


def _rows(db, meeting):
    db.expire_all()
    return list(db.scalars(select(SessionFeedback).where(SessionFeedback.meeting_id == meeting.id)))


def test_a_participant_answers_and_changes_their_answers_while_the_window_is_open(
    login, db, people
):
    meeting = open_session(db, people.cohort)
    db.commit()
    browser = login(people.participant)
    page = text_of(browser.get(f"/sessions/{meeting.id}/feedback"))
    assert "How useful was this session for your work?" in page
    assert "Who sees your answers" in page and "3 or more" in page
    response = submit(
        browser,
        f"/sessions/{meeting.id}/feedback",
        {"usefulness": "4", "do_differently": "  Ask about outcomes first.  "},
    )
    assert response.status_code == 302
    assert response.location == f"/sessions/{meeting.id}"
    [row] = _rows(db, meeting)
    assert (row.user_id, row.usefulness, row.do_differently) == (
        people.participant.id,
        4,
        "Ask about outcomes first.",
    )
    assert row.change_one_thing == ""
    again = html_of(browser.get(f"/sessions/{meeting.id}/feedback"))
    assert "You have answered already" in again and "Ask about outcomes first." in again
    submit(
        browser,
        f"/sessions/{meeting.id}/feedback",
        {"usefulness": "2", "do_differently": "", "change_one_thing": "More time in pairs."},
    )
    [row] = _rows(db, meeting)
    assert (row.usefulness, row.do_differently, row.change_one_thing) == (
        2,
        "",
        "More time in pairs.",
    )


def test_the_same_form_sent_twice_keeps_one_answer(login, db, people):
    meeting = open_session(db, people.cohort)
    db.commit()
    browser = login(people.participant)
    data = {"usefulness": "5"}
    submit(browser, f"/sessions/{meeting.id}/feedback", data)
    submit(browser, f"/sessions/{meeting.id}/feedback", data)
    assert len(_rows(db, meeting)) == 1


def test_the_database_refuses_a_second_answer_from_the_same_person(db, people):
    meeting = open_session(db, people.cohort)
    answer_as(db, people.participant, meeting, 3)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(SessionFeedback(meeting_id=meeting.id, user_id=people.participant.id, usefulness=4))
        db.flush()


def test_an_answer_that_lost_the_race_becomes_a_change_to_the_first(db, people, monkeypatch):
    """Two copies of the form at once: the second insert meets the unique constraint, and is
    made a change to the answer the first one saved."""
    meeting = open_session(db, people.cohort)
    first = answer_as(db, people.participant, meeting, 2)
    real = services.own_answers
    looks: list[bool] = []

    def not_yet_seen_the_first(*args):
        # The second copy looked before the first was saved; when it looks again, it sees it.
        looks.append(True)
        return None if len(looks) == 1 else real(*args)

    monkeypatch.setattr(services, "own_answers", not_yet_seen_the_first)
    answer_as(db, people.participant, meeting, 5, "Listen more.")
    [row] = _rows(db, meeting)
    assert row.id == first.id and row.usefulness == 5 and row.do_differently == "Listen more."
    assert len(looks) == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "usefulness", "Choose how useful the session was"),
        ({"usefulness": "9"}, "usefulness", "Choose how useful the session was"),
        ({"usefulness": "x"}, "usefulness", "Choose how useful the session was"),
        (
            {"usefulness": "3", "do_differently": "a" * 501},
            "do_differently",
            "must be 500 characters or fewer",
        ),
        (
            {"usefulness": "3", "change_one_thing": "b" * 501},
            "change_one_thing",
            "must be 500 characters or fewer",
        ),
    ],
)
def test_mistakes_are_shown_beside_the_field_and_nothing_is_saved(
    login, db, people, data, field, message
):
    meeting = open_session(db, people.cohort)
    db.commit()
    browser = login(people.participant)
    response = submit(browser, f"/sessions/{meeting.id}/feedback", data)
    html = html_of(response, 422)
    # The field's own error message, which the field names in aria-describedby.
    start = html.index(f'id="{field}-error"')
    assert message in html[start : start + 300]
    assert _rows(db, meeting) == []


def test_without_the_csrf_token_nothing_is_saved(login, db, people):
    meeting = open_session(db, people.cohort)
    db.commit()
    response = login(people.participant).post(
        f"/sessions/{meeting.id}/feedback", data={"usefulness": "4"}
    )
    assert response.status_code == 400
    assert _rows(db, meeting) == []


def test_only_participants_of_the_set_may_answer(db, people):
    meeting = open_session(db, people.cohort)
    now = meeting.ends_at + timedelta(hours=1)
    for someone in (people.tutor, people.admin, people.outsider, people.other_tutor):
        with pytest.raises(SessionFeedbackError):
            services.answer(db, someone, meeting, Answers(4), now)
    draft = factories.make_past_meeting(db, people.cohort, days_ago=2)
    with pytest.raises(SessionFeedbackError):
        services.answer(db, people.participant, draft, Answers(4), now)
    assert count_rows(db, SessionFeedback) == 0


def test_a_participant_who_left_the_set_can_no_longer_answer(login, db, people):
    meeting = open_session(db, people.cohort)
    membership = next(m for m in people.fellow.memberships if m.cohort_id == people.cohort.id)
    db.delete(membership)
    db.commit()
    db.refresh(people.fellow)
    assert login(people.fellow).get(f"/sessions/{meeting.id}/feedback").status_code == 404


def test_another_set_s_session_and_a_draft_answer_404(login, db, people):
    theirs = open_session(db, people.other_cohort)
    draft = factories.make_past_meeting(db, people.cohort, days_ago=2)
    db.commit()
    browser = login(people.participant)
    for meeting in (theirs, draft):
        assert browser.get(f"/sessions/{meeting.id}/feedback").status_code == 404
        assert submit_blind(browser, meeting).status_code == 404
    assert count_rows(db, SessionFeedback) == 0


def submit_blind(browser, meeting):
    """A post made without opening the page (it cannot be opened), with a token from home."""
    from tests.helpers import press

    return press(browser, f"/sessions/{meeting.id}/feedback", {"usefulness": "4"})


def test_before_the_session_and_after_the_window_nothing_changes(login, db, people):
    upcoming = factories.make_meeting(db, people.cohort, status="published")
    closed = closed_session(db, people.cohort)
    kept = answer_as(db, people.participant, closed, 3, "Keep a log.")
    db.commit()
    with pytest.raises(SessionFeedbackError, match="once the session has started"):
        services.answer(db, people.participant, upcoming, Answers(4), utcnow())
    with pytest.raises(SessionFeedbackError, match="closed on"):
        services.answer(db, people.participant, closed, Answers(5), utcnow())
    browser = login(people.participant)
    page = text_of(browser.get(f"/sessions/{closed.id}/feedback"))
    assert "Feedback on this session closed on" in page and "Keep a log." in page
    assert 'name="usefulness"' not in html_of(browser.get(f"/sessions/{closed.id}/feedback"))
    response = submit_blind(browser, closed)
    assert "closed on" in html_of(response, 422)
    assert "once the session has started" in text_of(
        browser.get(f"/sessions/{upcoming.id}/feedback")
    )
    db.expire_all()
    assert (kept.usefulness, kept.do_differently) == (3, "Keep a log.")
    assert count_rows(db, SessionFeedback) == 1


def test_the_window_is_a_setting(app, login, db, people):
    meeting = open_session(db, people.cohort)
    db.commit()
    app.config["SESSION_FEEDBACK_DAYS"] = 1
    page = text_of(login(people.participant).get(f"/sessions/{meeting.id}/feedback"))
    assert "closed on" in page


def test_participants_are_asked_on_their_home_page_and_the_session_page(login, db, people):
    meeting = open_session(db, people.cohort, title="Outcomes, not services")
    closed = closed_session(db, people.cohort, title="Long ago")
    db.commit()
    browser = login(people.participant)
    home = text_of(browser.get("/"))
    assert "Answer three questions about Outcomes, not services" in home
    assert "Long ago" not in home.split("Tell us how your sessions went")[1].split("\n\n")[0]
    assert "Tell us how this session went" in text_of(browser.get(f"/sessions/{meeting.id}"))
    assert "Tell us how this session went" not in text_of(browser.get(f"/sessions/{closed.id}"))
    answer_as(db, people.participant, meeting, 4)
    db.commit()
    assert "Change your answers about Outcomes, not services" in text_of(browser.get("/"))
    # Tutors are not asked; their session page leads to the answers instead.
    tutor = login(people.tutor)
    assert "Tell us how your sessions went" not in text_of(tutor.get("/"))
    tutor_page = text_of(tutor.get(f"/sessions/{meeting.id}"))
    assert "Tell us how this session went" not in tutor_page and "Session feedback" in tutor_page


def test_download_your_data_has_one_s_own_answers_and_deletion_keeps_them_without_a_name(
    db, people
):
    meeting = open_session(db, people.cohort, title="Open Space")
    answer_as(db, people.participant, meeting, 4, "Try Open Space.")
    [exported] = export_section(db, people.participant, "session_feedback")
    assert exported["session"] == "Open Space" and exported["do_differently"] == "Try Open Space."
    assert export_section(db, people.fellow, "session_feedback") == []
    services.erase_personal_data(db, people.participant)
    [row] = _rows(db, meeting)
    assert row.user_id is None and row.usefulness == 4
