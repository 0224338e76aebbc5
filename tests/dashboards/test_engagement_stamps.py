"""A set's engagement stamp changes with anything its engagement counts are made from, and the
counts a worker keeps under it are never older than the data (dashboards/engagement.py).

The stamps are written by triggers, on both engines: the tests change rows with the ORM and with
plain SQL, as a bulk statement or a hand-written fix would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update

from learnset.assessment.models import SelfAssessment
from learnset.challenges.models import Challenge, ChallengeUpdate
from learnset.cohorts.models import Membership
from learnset.dashboards import engagement
from learnset.dashboards.models import EngagementStamp
from learnset.dashboards.months import months_between
from learnset.meetings.models import Attendance, Meeting
from learnset.reflections.models import Reflection, Visibility
from tests import factories
from tests.dashboards.conftest import SetHistory, month, on

# Each trigger the migration makes, by table (SQLite has one an event; PostgreSQL one a table).
COUNTED_TABLES = [
    "reflections",
    "attendances",
    "meetings",
    "memberships",
    "self_assessments",
    "challenges",
    "challenge_updates",
    "cohorts",
]


def stamp_of(db, cohort_id: int) -> int | None:
    return db.scalar(select(EngagementStamp.stamp).where(EngagementStamp.cohort_id == cohort_id))


def test_every_table_the_counts_read_has_its_trigger(db):
    """A later migration that rebuilds one of these tables (SQLite's batch mode copies a table
    and drops the old one, with its triggers) must make its trigger again: this says so."""
    if db.get_bind().dialect.name == "postgresql":
        found = db.execute(
            text(
                "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
                "WHERE trigger_name = 'engagement_changed'"
            )
        ).all()
        events = {(table, event.lower()) for table, event in found}
    else:
        names = db.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all()
        events = {tuple(name.removeprefix("engagement_").rsplit("_", 1)) for name in names}
    for table in COUNTED_TABLES:
        assert {(table, "insert"), (table, "delete")} <= events, table
        if table != "cohorts":
            assert (table, "update") in events, table


def test_a_new_set_has_a_stamp_from_the_start(db):
    cohort = factories.make_cohort(db)
    db.flush()
    assert stamp_of(db, cohort.id) is not None


# What a change does, given the session and the set's history; each changes something counted.
COUNTED_CHANGES: dict[str, Callable[[Any, SetHistory, Any], None]] = {
    "a reflection written": lambda db, h, cohort: factories.make_reflection(
        db, h.fay, cohort_id=cohort.id, created_at=on(1, 5)
    ),
    "a reflection shared": lambda db, h, cohort: db.execute(
        update(Reflection)
        .where(Reflection.author_id == h.pat.id)
        .values(visibility=Visibility.TUTORS)
    ),
    "a reflection put in the bin": lambda db, h, cohort: db.execute(
        update(Reflection).where(Reflection.author_id == h.pat.id).values(deleted_at=on(2, 1))
    ),
    "a reflection deleted": lambda db, h, cohort: db.execute(
        delete(Reflection).where(Reflection.author_id == h.pat.id)
    ),
    "an attendance recorded": lambda db, h, cohort: factories.make_attendance(
        db, factories.make_meeting(db, cohort, starts_at=on(1, 20)), h.fay
    ),
    "an attendance corrected": lambda db, h, cohort: db.execute(
        update(Attendance).where(Attendance.user_id == h.cal.id).values(present=True)
    ),
    "a session moved": lambda db, h, cohort: db.execute(
        update(Meeting)
        .where(Meeting.id == h.sessions[0].id)
        .values(starts_at=on(1, 3), ends_at=on(1, 3, 15))
    ),
    "a session deleted": lambda db, h, cohort: db.execute(
        delete(Meeting).where(Meeting.id == h.sessions[0].id)
    ),
    "a participant joined": lambda db, h, cohort: factories.make_member(db, cohort, "participant"),
    "a participant left": lambda db, h, cohort: db.execute(
        delete(Membership).where(Membership.user_id == h.ann.id)
    ),
    "a participant made a tutor": lambda db, h, cohort: db.execute(
        update(Membership).where(Membership.user_id == h.ann.id).values(role="tutor")
    ),
    "a self-assessment kept private": lambda db, h, cohort: db.execute(
        update(SelfAssessment)
        .where(SelfAssessment.participant_id == h.fay.id)
        .values(shared_with_tutors=False)
    ),
    "a challenge recorded": lambda db, h, cohort: factories.make_challenge(
        db, h.pat, cohort, now=on(2, 3)
    ),
    "a challenge worked on": lambda db, h, cohort: db.execute(
        update(Challenge).where(Challenge.owner_id == h.pat.id).values(updated_at=on(2, 9))
    ),
    "a challenge's update added": lambda db, h, cohort: factories.make_update(
        db, factories.make_challenge(db, h.fay, cohort, now=on(0, 3)), h.fay, "action", at=on(1, 9)
    ),
    "a challenge's update's outcome": lambda db, h, cohort: db.execute(
        update(ChallengeUpdate)
        .where(ChallengeUpdate.author_id == h.pat.id)
        .values(outcome_at=on(2, 11))
    ),
    "someone's account deleted": lambda db, h, cohort: db.execute(
        text("DELETE FROM users WHERE id = :id"), {"id": h.ben.id}
    ),
}


@pytest.fixture
def worked_on(db, people, history):
    """The history, with a live challenge of Pat's that she has worked on."""
    challenge = factories.make_challenge(db, history.pat, people.cohort, now=on(0, 2))
    factories.make_update(db, challenge, history.pat, "action", at=on(1, 8))
    db.commit()
    return history


@pytest.mark.parametrize("change", list(COUNTED_CHANGES))
def test_a_change_the_counts_read_gives_the_set_a_new_stamp_and_no_other(
    db, people, worked_on, change
):
    other = people.other_cohort
    before, other_before = stamp_of(db, people.cohort.id), stamp_of(db, other.id)
    COUNTED_CHANGES[change](db, worked_on, people.cohort)
    db.commit()
    assert stamp_of(db, people.cohort.id) != before
    assert stamp_of(db, other.id) == other_before


def test_changes_the_counts_do_not_read_keep_the_stamp(db, people, worked_on):
    before = stamp_of(db, people.cohort.id)
    db.execute(
        update(Reflection).where(Reflection.author_id == worked_on.pat.id).values(title="New")
    )
    db.execute(update(Meeting).where(Meeting.cohort_id == people.cohort.id).values(place="Room 4"))
    db.execute(update(Challenge).where(Challenge.owner_id == worked_on.pat.id).values(title="T"))
    db.commit()
    assert stamp_of(db, people.cohort.id) == before


def _counted_afresh(db, cohort_id, months):
    return dict(engagement._count_activity(db, cohort_id, months))


def test_the_counts_kept_are_read_again_only_when_the_stamp_changes(
    db, people, worked_on, count_queries
):
    months = months_between(month(0), month(2))
    first = engagement.activity(db, people.cohort.id, months)
    with count_queries() as statements:
        again = engagement.activity(db, people.cohort.id, months)
    assert again is first and len(statements) == 1  # the stamp alone
    factories.make_reflection(db, worked_on.fay, cohort_id=people.cohort.id, created_at=on(1, 5))
    db.commit()
    with count_queries() as statements:
        after = engagement.activity(db, people.cohort.id, months)
    assert len(statements) == 2
    assert after[(worked_on.fay.id, 1)].reflections == first[(worked_on.fay.id, 1)].reflections + 1


@pytest.mark.parametrize("change", list(COUNTED_CHANGES))
def test_the_counts_given_after_a_change_are_the_counts_made_afresh(db, people, worked_on, change):
    months = months_between(month(0), month(2))
    engagement.activity(db, people.cohort.id, months)  # kept
    COUNTED_CHANGES[change](db, worked_on, people.cohort)
    db.commit()
    given = dict(engagement.activity(db, people.cohort.id, months))
    assert given == _counted_afresh(db, people.cohort.id, months)


def test_the_engagement_page_adds_up_the_counts_kept(db, people, worked_on):
    """The page's month and totals come from the same counts as the downloads' every month."""
    months = months_between(month(0), month(2))
    everything = engagement.engagement_of(db, people.cohort.id, months)
    for chosen in months:
        shown = engagement.engagement_in_month(db, people.cohort.id, months, chosen)
        for entry, full in zip(shown.participants, everything.participants, strict=True):
            assert entry.month(chosen.key) == full.month(chosen.key)
            assert entry.total == full.total
