"""The programme report's part (issue 19, items 3 and 6): each set's released session feedback,
under the same rules as a session's page, in three statements whatever the number of sets."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from learnset.db import utcnow
from learnset.session_feedback import services
from learnset.session_feedback.services import Answers
from learnset.session_feedback.summary import summaries_for_cohorts
from tests import factories
from tests.session_feedback.helpers import answer_as, closed_session, open_session, participants


def test_each_set_gets_the_released_sessions_figures_and_how_many_wrote(db, people):
    crowd = participants(db, people.cohort, 4)
    released = closed_session(db, people.cohort)
    for person, level in zip(crowd[:3], (5, 4, 4), strict=True):
        answer_as(db, person, released, level, f"Differently {level}", "Change")
    too_few = closed_session(db, people.cohort)
    answer_as(db, crowd[0], too_few, 1, "Only me")
    still_open = open_session(db, people.cohort)
    for person in crowd:
        answer_as(db, person, still_open, 2, "Not yet")
    closed_session(db, people.cohort)  # nobody answered
    factories.make_past_meeting(db, people.cohort, days_ago=40)  # a draft: not counted

    summaries = summaries_for_cohorts(db, [people.cohort.id, people.other_cohort.id], utcnow())
    ours = summaries[people.cohort.id]
    assert (ours.sessions_closed, ours.sessions_released) == (3, 1)
    assert ours.figures.responses == 3
    assert ours.figures.mean.value == Decimal("4.3")
    # Counts of 1 and 2 hidden, as the dashboards hide them, and so every count beside the mean.
    assert ours.figures.distribution.counts == (None,) * 5
    # How many wrote each answer, of the released session's alone; the words stay on its page.
    assert (ours.did_differently, ours.suggested_change) == (3, 3)
    assert ours.figures.do_differently == ours.figures.change_one_thing == []

    theirs = summaries[people.other_cohort.id]
    assert (theirs.sessions_closed, theirs.sessions_released) == (0, 0)
    assert theirs.figures.responses is None and theirs.figures.mean.suppressed
    assert theirs.figures.distribution.suppressed and theirs.did_differently == 0

    # Without the count of sessions closed (the programme report's way): the same figures.
    without = summaries_for_cohorts(
        db, [people.cohort.id, people.other_cohort.id], utcnow(), with_closed=False
    )
    assert without[people.cohort.id].sessions_closed is None
    assert without[people.cohort.id].figures == ours.figures
    assert without[people.cohort.id].sessions_released == 1


def test_a_set_with_only_small_sessions_shows_nothing(db, people):
    crowd = participants(db, people.cohort, 2)
    for _ in range(3):
        meeting = closed_session(db, people.cohort)
        for person in crowd:
            answer_as(db, person, meeting, 5, "Pooled would be six")
    summary = summaries_for_cohorts(db, [people.cohort.id], utcnow())[people.cohort.id]
    assert (summary.sessions_closed, summary.sessions_released) == (3, 0)
    assert summary.figures.responses is None and summary.did_differently == 0


def test_the_window_is_the_one_given(db, people):
    crowd = participants(db, people.cohort, 3)
    open_session(db, people.cohort)
    assert (
        summaries_for_cohorts(db, [people.cohort.id], utcnow())[people.cohort.id].sessions_closed
        == 0
    )
    assert (
        summaries_for_cohorts(db, [people.cohort.id], utcnow(), days=1)[
            people.cohort.id
        ].sessions_closed
        == 1
    )
    # Answered under a one-day window: shown once that has passed, whatever the setting now.
    answered = open_session(db, people.cohort)
    for person in crowd:
        services.answer(
            db, person, answered, Answers(3), answered.ends_at + timedelta(hours=1), days=1
        )
    summary = summaries_for_cohorts(db, [people.cohort.id], utcnow())[people.cohort.id]
    assert summary.sessions_released == 1 and summary.sessions_closed == 1


def _programme(db, sets: int, sessions: int) -> list[int]:
    ids = []
    for number in range(sets):
        cohort = factories.make_cohort(db, name=f"Set {number}")
        crowd = participants(db, cohort, 3)
        for _ in range(sessions):
            meeting = closed_session(db, cohort)
            for person in crowd:
                answer_as(db, person, meeting, 4, "Words")
        ids.append(cohort.id)
    return ids


def test_the_statements_do_not_grow_with_sets_or_sessions(db, people, count_queries):
    small = _programme(db, 1, 1)
    large = _programme(db, 4, 3)
    db.commit()
    with count_queries() as few:
        summaries_for_cohorts(db, small, utcnow())
    with count_queries() as many:
        summaries = summaries_for_cohorts(db, large, utcnow())
    assert len(few) == len(many) == 3
    with count_queries() as fewer:
        summaries_for_cohorts(db, large, utcnow(), with_closed=False)
    assert len(fewer) == 2
    assert all(summary.sessions_released == 3 for summary in summaries.values())
