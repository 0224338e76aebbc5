"""What a session's tutors see of its feedback (issue 19, item 3): nothing while the window is
open, nothing unless 3 or more answered, and then figures that never change, with the words
unattributed, in alphabetical order and without times."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest

from learnset.accounts.models import User
from learnset.dates import UK, uk_date
from learnset.db import utcnow
from learnset.session_feedback import release, services
from learnset.session_feedback.release import Shown
from learnset.session_feedback.summary import summaries_for_cohorts
from tests import factories
from tests.helpers import statements_for, submit, text_of
from tests.session_feedback.helpers import (
    answer_as,
    closed_session,
    open_session,
    participants,
)


def _answers_page(login, user, meeting, status=200):
    return text_of(login(user).get(f"/sessions/{meeting.id}/feedback/answers"), status)


def test_nothing_is_shown_while_the_window_is_open_not_even_how_many_answered(login, db, people):
    meeting = open_session(db, people.cohort)
    for person in participants(db, people.cohort, 4):
        answer_as(db, person, meeting, 5, "Call the provider.")
    db.commit()
    page = _answers_page(login, people.tutor, meeting)
    assert "Participants can answer until" in page
    assert "Call the provider." not in page and "4 participants" not in page
    assert "Why the answers are shown this way" in page


def test_two_answers_show_nothing_and_three_show_the_figures(login, db, people):
    two = closed_session(db, people.cohort)
    three = closed_session(db, people.cohort)
    others = participants(db, people.cohort, 1)
    for person, (level, words) in zip(
        (people.participant, people.fellow), ((5, "Zebra crossing"), (4, "Apple")), strict=True
    ):
        answer_as(db, person, two, level, words)
    answer_as(db, people.participant, three, 5, "zoom out", "Shorter lunch")
    answer_as(db, people.fellow, three, 4, "", "")
    answer_as(db, others[0], three, 2, "Ask the GP federation", "")
    db.commit()

    page = _answers_page(login, people.tutor, two)
    assert "Fewer than 3 participants answered, so nothing is shown" in page
    assert "Zebra" not in page and "Apple" not in page and "2 participants" not in page

    page = _answers_page(login, people.tutor, three)
    assert "3 participants answered" in page and "3.7 out of 5" in page
    # The words without names, in alphabetical order, with no dates or times.
    assert page.index("Ask the GP federation") < page.index("zoom out")
    for name in ("Pat Participant", "Fay Fellow", others[0].name):
        assert name not in page
    assert "Nobody answered this question" not in page
    assert "Shorter lunch" in page
    answered_on = uk_date(three.ends_at + timedelta(hours=1))
    assert answered_on not in page
    # Counts of 1 are hidden, with enough beside them that the total cannot give them back.
    figures = release.session_figures(db, three, utcnow()).figures
    assert figures.distribution.counts is not None
    assert sum(1 for count in figures.distribution.counts if count is None) >= 2
    assert figures.mean.value == Decimal("3.7") and figures.responses == 3


def test_a_hidden_count_is_not_given_back_by_the_average(login, db, people):
    """4, 4, 4 and 1: the average 3.3 beside levels 2, 3 and 5 at 0 would leave one way to fill
    levels 1 and 4, so how many chose each answer is not shown at all."""
    meeting = closed_session(db, people.cohort)
    for person, level in zip(participants(db, people.cohort, 4), (4, 4, 4, 1), strict=True):
        answer_as(db, person, meeting, level, "")
    db.commit()
    page = _answers_page(login, people.tutor, meeting)
    assert "4 participants answered" in page and "3.3 out of 5" in page
    assert "How many chose each answer is not shown" in page
    assert "How useful participants found the session" not in page
    assert release.session_figures(db, meeting, utcnow()).figures.distribution.counts == (
        (None,) * 5
    )


def test_every_count_is_shown_when_none_is_1_or_2(login, db, people):
    meeting = closed_session(db, people.cohort)
    for person, level in zip(participants(db, people.cohort, 6), (5, 5, 5, 3, 3, 3), strict=True):
        answer_as(db, person, meeting, level, "")
    db.commit()
    page = _answers_page(login, people.tutor, meeting)
    assert "How useful participants found the session" in page
    assert "How many chose each answer is not shown" not in page
    figures = release.session_figures(db, meeting, utcnow()).figures
    assert figures.distribution.counts == (0, 0, 3, 0, 3)


def test_the_figures_never_change_once_shown(db, people):
    meeting = closed_session(db, people.cohort)
    answerers = [people.participant, people.fellow, *participants(db, people.cohort, 2)]
    for level, person in enumerate(answerers, start=2):
        answer_as(db, person, meeting, level, f"Idea {level}")
    before = release.session_figures(db, meeting, utcnow())
    assert before.shown == Shown.RELEASED
    # Nobody can answer, change or add an answer now; an account that goes leaves its answer.
    later = utcnow() + timedelta(days=1)
    for person in answerers:
        with pytest.raises(services.SessionFeedbackError):
            services.answer(db, person, meeting, services.Answers(1, "Changed"), later)
    db.delete(db.get(User, answerers[0].id))
    db.flush()
    db.expire_all()
    assert release.session_figures(db, meeting, later) == before


def test_a_tutor_of_another_set_and_participants_cannot_read_the_answers(login, db, people):
    meeting = closed_session(db, people.cohort)
    for person in [people.participant, people.fellow, *participants(db, people.cohort, 1)]:
        answer_as(db, person, meeting, 4, "Secret plan")
    db.commit()
    assert (
        login(people.other_tutor).get(f"/sessions/{meeting.id}/feedback/answers").status_code == 404
    )
    assert login(people.outsider).get(f"/sessions/{meeting.id}/feedback/answers").status_code == 404
    assert (
        login(people.participant).get(f"/sessions/{meeting.id}/feedback/answers").status_code == 403
    )
    assert "Secret plan" in _answers_page(login, people.admin, meeting)
    assert "Session feedback" not in text_of(
        login(people.participant).get(f"/sessions/{meeting.id}")
    )


def test_the_answers_page_costs_the_same_however_many_answered(login, db, people, count_queries):
    few = closed_session(db, people.cohort)
    many = closed_session(db, people.cohort)
    crowd = participants(db, people.cohort, 9)
    for person in crowd[:3]:
        answer_as(db, person, few, 3, "A", "B")
    for person in crowd:
        answer_as(db, person, many, 4, "C", "D")
    db.commit()
    browser = login(people.tutor)
    path = "/sessions/{}/feedback/answers"
    assert statements_for(count_queries, browser, path.format(few.id)) == statements_for(
        count_queries, browser, path.format(many.id)
    )


def test_the_session_page_leads_tutors_to_the_answers_once_it_has_started(login, db, people):
    started = closed_session(db, people.cohort)
    upcoming = factories.make_meeting(db, people.cohort, status="published")
    db.commit()
    browser = login(people.tutor)
    assert "Session feedback" in text_of(browser.get(f"/sessions/{started.id}"))
    assert "Session feedback" not in text_of(browser.get(f"/sessions/{upcoming.id}"))


def test_a_session_moved_later_does_not_reopen_a_window_already_closed(login, db, people):
    meeting = closed_session(db, people.cohort)
    crowd = [people.participant, people.fellow, *participants(db, people.cohort, 1)]
    for person in crowd:
        answer_as(db, person, meeting, 4, "Before the move")
    db.commit()
    shown = release.session_figures(db, meeting, utcnow())
    summary = summaries_for_cohorts(db, [people.cohort.id], utcnow())
    # The tutor moves the session to last week: by its new dates its window would be open.
    meeting.starts_at = utcnow().replace(microsecond=0) - timedelta(days=7)
    meeting.ends_at = meeting.starts_at + timedelta(hours=3)
    db.commit()
    with pytest.raises(services.SessionFeedbackError, match="closed on"):
        services.answer(db, crowd[0], meeting, services.Answers(1, "After the move"), utcnow())
    assert release.session_figures(db, meeting, utcnow()) == shown
    assert summaries_for_cohorts(db, [people.cohort.id], utcnow()) == summary
    assert "Tell us how your sessions went" not in text_of(login(crowd[0]).get("/"))
    assert "closed on" in text_of(login(crowd[0]).get(f"/sessions/{meeting.id}/feedback"))
    assert "Tell us how this session went" not in text_of(
        login(crowd[0]).get(f"/sessions/{meeting.id}")
    )


def _figures_on(page):
    return page[page.index("<h1>Session feedback") : page.index("Why the answers are shown")]


def test_a_session_moved_earlier_and_back_does_not_reopen_its_window(login, db, people):
    """A tutor moves a session a month back, so its window would close, and reads the
    figures; then moves it back so that one more person answers, and reads again: whatever
    the first look showed, the second must show the same, or the difference gives that
    person's answer away."""
    meeting = open_session(db, people.cohort)
    crowd = [people.participant, people.fellow, *participants(db, people.cohort, 2)]
    for person in crowd[:3]:
        answer_as(db, person, meeting, 5, "Before")
    db.commit()
    tutor = login(people.tutor)
    edit = f"/sessions/{meeting.id}/edit"
    starts = meeting.starts_at.astimezone(UK)
    as_it_was = {
        "title": meeting.title,
        "day-day": str(starts.day),
        "day-month": str(starts.month),
        "day-year": str(starts.year),
        "starts": starts.strftime("%H:%M"),
        "ends": meeting.ends_at.astimezone(UK).strftime("%H:%M"),
        "place": meeting.place,
        "online_link": meeting.online_link,
        "agenda": meeting.agenda,
    }
    month_ago = starts - timedelta(days=30)
    earlier = {
        **as_it_was,
        "day-day": str(month_ago.day),
        "day-month": str(month_ago.month),
        "day-year": str(month_ago.year),
    }
    assert submit(tutor, edit, earlier).status_code == 302
    first_look = _figures_on(_answers_page(login, people.tutor, meeting))
    assert submit(tutor, edit, as_it_was).status_code == 302
    db.expire_all()
    with contextlib.suppress(services.SessionFeedbackError):
        services.answer(db, crowd[3], meeting, services.Answers(1, "Later words"), utcnow())
    db.commit()
    assert submit(tutor, edit, earlier).status_code == 302
    second_look = _figures_on(_answers_page(login, people.tutor, meeting))
    if "3 participants answered" in first_look:
        assert second_look == first_look
    assert "Later words" not in second_look
