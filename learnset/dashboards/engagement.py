"""Engagement: who came, wrote, shared and worked on their live challenges, month by month.

Each participant's own activity, live, for their tutors (and for themselves, on "What your
tutors see about you"). Reflections and challenges are counted in SQL, never read: no query
here selects a title or a word of text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from types import MappingProxyType
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    cast,
    exists,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import QueryableAttribute, Session

from learnset import authz
from learnset.accounts.models import User
from learnset.assessment.models import SelfAssessment
from learnset.challenges.models import Challenge, ChallengeUpdate
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.dashboards.kept import Kept
from learnset.dashboards.models import EngagementStamp
from learnset.dashboards.months import (
    Month,
    in_month,
    month_bounds,
    month_number,
    month_table,
    months_between,
    within_months,
)
from learnset.dashboards.participants import (
    ONE_COHORT,
    ParticipantName,
    participant_ids,
)
from learnset.dates import uk_month
from learnset.db import plain_rows
from learnset.meetings.models import Attendance, Meeting
from learnset.meetings.queries import Rate
from learnset.reflections.models import Reflection, Visibility

# --- Engagement ----------------------------------------------------------------------------------


class MonthActivity(NamedTuple):
    """One participant's month. Reflections are counted whatever their visibility, never read.
    A tuple, never changed: the counts a worker keeps are shared by its requests."""

    attended: int = 0
    attendance_recorded: int = 0
    reflections: int = 0
    reflections_shared: int = 0
    assessments_shared: int = 0
    challenges_updated: int = 0

    @property
    def attendance(self) -> Rate:
        return Rate(self.attended, self.attendance_recorded)


NO_ACTIVITY = MonthActivity()


def added_up(activities: Iterable[MonthActivity]) -> MonthActivity:
    return MonthActivity(*(sum(counts) for counts in zip(NO_ACTIVITY, *activities, strict=True)))


@dataclass
class ParticipantEngagement:
    participant: ParticipantName
    # By month key (2026-03).
    months: dict[str, MonthActivity] = field(default_factory=dict)
    not_seen_lately: bool = False

    def month(self, key: str) -> MonthActivity:
        return self.months.get(key, NO_ACTIVITY)

    @property
    def total(self) -> MonthActivity:
        return added_up(self.months.values())


@dataclass(frozen=True)
class Engagement:
    months: list[Month]
    participants: list[ParticipantEngagement]

    @property
    def not_seen_lately(self) -> list[ParticipantName]:
        return [entry.participant for entry in self.participants if entry.not_seen_lately]


def engagement_months(cohort: Cohort, now: datetime) -> list[Month]:
    """From the cohort's start (or this month, before it starts) to this month, UK time."""
    this_month = uk_month(now)
    start = cohort.start_month or this_month
    return months_between(min(start, this_month), this_month)


# The activity query's six counts, in MonthActivity's order; each of its four selects gives its
# own and 0 for the others (constants of ours, written into the statement).
ACTIVITY_COUNTS = MonthActivity._fields
NONE_COUNTED: ColumnClause[int] = literal_column("0")
ONE_COUNTED: ColumnClause[int] = literal_column("1")


def _counting(
    person: QueryableAttribute[int] | ColumnElement[int],
    number: ColumnElement[int],
    **counts: ColumnElement[int],
) -> Select[*tuple[Any, ...]]:
    """One of the activity query's selects: a person, a month's number and its own counts by
    name, with 0 for the others."""
    assert counts.keys() <= set(ACTIVITY_COUNTS), "a count MonthActivity does not have"
    return select(
        person.label("person"),
        number,
        *(counts.get(name, NONE_COUNTED).label(name) for name in ACTIVITY_COUNTS),
    )


def _one_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 for a row that meets `condition`, else 0: a row's part of a count the query sums."""
    return cast(condition, Integer)


def _challenge_moments(cohort_id: Any) -> Subquery:
    """When each of the cohort's challenges was worked on by its owner: recorded, last
    edited, an action, experiment, gain or insight added, or what happened written up."""
    owned = and_(
        ChallengeUpdate.challenge_id == Challenge.id,
        ChallengeUpdate.author_id == Challenge.owner_id,
        Challenge.cohort_id == cohort_id,
    )
    return union_all(
        select(Challenge.id, Challenge.owner_id, Challenge.created_at.label("moment")).where(
            Challenge.cohort_id == cohort_id
        ),
        select(Challenge.id, Challenge.owner_id, Challenge.updated_at).where(
            Challenge.cohort_id == cohort_id
        ),
        select(Challenge.id, Challenge.owner_id, ChallengeUpdate.created_at).where(owned),
        select(Challenge.id, Challenge.owner_id, ChallengeUpdate.outcome_at).where(
            owned, ChallengeUpdate.outcome_at.is_not(None)
        ),
    ).subquery("challenge_moments")


def _counts(month_count: int) -> Subquery:
    """Four selects in a UNION ALL: a row for each attendance, reflection and shared
    self-assessment with its month's number and its 1s and 0s, and a row for each participant
    and month of live challenges worked on, counted; the statements over it sum them. (Three
    sums over the rows as they come cost SQLite less than three more groupings.)"""
    # The months once, as a CTE, for the three selects that join them.
    table = month_table(month_count, shared=True)
    participants = select(Membership.user_id).where(
        Membership.cohort_id == ONE_COHORT, Membership.role == Role.PARTICIPANT
    )
    attendance = (
        _counting(
            Attendance.user_id,
            table.c.number,
            attended=_one_if(Attendance.present.is_(True)),
            attendance_recorded=ONE_COUNTED,
        )
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(table, in_month(Meeting.starts_at, table))
        .where(Meeting.cohort_id == ONE_COHORT, Attendance.user_id.in_(participants))
    )
    reflections = (
        _counting(
            Reflection.author_id,
            table.c.number,
            reflections=ONE_COUNTED,
            reflections_shared=_one_if(Reflection.visibility != Visibility.PRIVATE),
        )
        .join(table, in_month(Reflection.created_at, table))
        .where(
            Reflection.cohort_id == ONE_COHORT,
            Reflection.deleted_at.is_(None),
            Reflection.author_id.in_(participants),
        )
    )
    assessments = (
        _counting(SelfAssessment.participant_id, table.c.number, assessments_shared=ONE_COUNTED)
        .join(table, in_month(SelfAssessment.submitted_at, table))
        .where(SelfAssessment.cohort_id == ONE_COHORT, authz.shared_with_tutors_clause())
    )
    # A challenge counts once in a month however often it was worked on: grouped here. Its
    # moments are numbered by a CASE of the months' ends, not joined to the months: no index
    # orders them, and the join compared each with every month.
    moments = _challenge_moments(ONE_COHORT)
    numbered = (
        select(
            moments.c.id,
            moments.c.owner_id,
            month_number(moments.c.moment, month_count).label("number"),
        )
        .where(within_months(moments.c.moment, month_count), moments.c.owner_id.in_(participants))
        .subquery("numbered")
    )
    challenges = _counting(
        numbered.c.owner_id,
        numbered.c.number,
        challenges_updated=func.count(numbered.c.id.distinct()),
    ).group_by(numbered.c.owner_id, numbered.c.number)
    return union_all(attendance, reflections, assessments, challenges).subquery("counts")


@cache
def _activity_statement(month_count: int) -> Select[*tuple[Any, ...]]:
    counts = _counts(month_count)
    return select(
        counts.c.person,
        counts.c.number,
        # Integers on both engines (PostgreSQL's sums of counts are decimals): a few hundred
        # rows a download, turned into MonthActivity as they come.
        *(cast(func.sum(column), Integer) for column in list(counts.c)[2:]),
    ).group_by(counts.c.person, counts.c.number)


# A set's counts as a worker last read them, under the set's engagement stamp and its months:
# counts only (no names, no text), as the set's tutors see them, for 128 sets at most.
_KEPT: Kept[Mapping[tuple[int, int], MonthActivity]] = Kept(128)


STAMP = select(EngagementStamp.stamp).where(EngagementStamp.cohort_id == ONE_COHORT)


def activity(
    db: Session, cohort_id: int, months: list[Month]
) -> Mapping[tuple[int, int], MonthActivity]:
    """Attendance, reflections written and shared, self-assessments shared and live challenges
    worked on, per participant and month number (read only). Reflections and challenges are
    counted, never read: the query selects no title and no text.

    One statement reads the set's engagement stamp, which the database changes with anything
    the counts are made from (dashboards/models.py). The counts kept under that stamp and these
    months are the answer; else one more statement counts them (four selects in a UNION ALL,
    summed to one row a participant and month). The stamp is read first, so counts kept are
    never older than their stamp."""
    if not months:
        return {}
    stamp = db.scalar(STAMP, {"cohort_id": cohort_id})
    key = None if stamp is None else (cohort_id, stamp, months[0], months[-1])
    return _KEPT.get(key, lambda: _count_activity(db, cohort_id, months))


def _count_activity(
    db: Session, cohort_id: int, months: list[Month]
) -> Mapping[tuple[int, int], MonthActivity]:
    rows = plain_rows(
        db, _activity_statement(len(months)), {"cohort_id": cohort_id, **month_bounds(months)}
    ).all()
    return MappingProxyType({(row[0], row[1]): MonthActivity(*row[2:]) for row in rows})


@cache
def _not_seen_lately_statement() -> Select[int]:
    # EXISTS rather than IN (all attendances): the unique (meeting_id, user_id) index answers it.
    recorded = (
        select(Meeting.id)
        .where(
            Meeting.cohort_id == ONE_COHORT,
            exists().where(Attendance.meeting_id == Meeting.id),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(2)
        .scalar_subquery()
    )
    return (
        select(Attendance.user_id)
        .where(
            Attendance.meeting_id.in_(recorded),
            Attendance.present.is_(False),
            Attendance.user_id.in_(participant_ids(ONE_COHORT)),
        )
        .group_by(Attendance.user_id)
        .having(func.count() == 2)
    )


def not_seen_lately(db: Session, cohort_id: int) -> set[int]:
    """Participants recorded as absent from both of the cohort's last two sessions with
    attendance recorded (one query)."""
    return set(db.scalars(_not_seen_lately_statement(), {"cohort_id": cohort_id}))


@cache
def _participants_statement() -> Select[int, str, bool]:
    absent = User.id.in_(_not_seen_lately_statement())
    return (
        select(User.id, User.name, absent.label("absent"))
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == ONE_COHORT, Membership.role == Role.PARTICIPANT)
        .order_by(User.name, User.id)
    )


def participants_and_absent(db: Session, cohort_id: int) -> tuple[list[ParticipantName], set[int]]:
    """The cohort's participants by name, and those of them `not_seen_lately` (one query)."""
    participants, absent = [], set()
    found = plain_rows(db, _participants_statement(), {"cohort_id": cohort_id}).all()
    for user_id, name, missed in found:
        participants.append(ParticipantName(user_id, name))
        if missed:
            absent.add(user_id)
    return participants, absent


def engagement_of(
    db: Session,
    cohort_id: int,
    months: list[Month],
    participants: list[ParticipantName] | None = None,
    absent: set[int] | None = None,
) -> Engagement:
    """Each participant's activity month by month, and whether they have missed the last two
    sessions (two queries, or one when the caller already knows who takes part and who has
    not been seen)."""
    if participants is None:
        participants, seen = participants_and_absent(db, cohort_id)
        absent = seen if absent is None else absent
    elif absent is None:
        absent = not_seen_lately(db, cohort_id)
    found = activity(db, cohort_id, months)
    keys = [month.key for month in months]  # named once, not once a participant
    entries = []
    for participant in participants:
        person = participant.id
        entry = ParticipantEngagement(participant, not_seen_lately=person in absent)
        for number, key in enumerate(keys):
            found_in_month = found.get((person, number))
            if found_in_month is not None:
                entry.months[key] = found_in_month
        entries.append(entry)
    return Engagement(months, entries)


def engagement_in_month(
    db: Session, cohort_id: int, months: list[Month], chosen: Month
) -> Engagement:
    """What the engagement page shows: each participant's activity in the `chosen` month and
    over all the months, and whether they have missed the last two sessions. Every month comes
    from the same kept counts (`activity`), so this is `engagement_of` for one of the months."""
    assert chosen in months, "a month outside the set's months"
    return engagement_of(db, cohort_id, months)
