"""The programme report's queries: each one grouped over every chosen set at once, so the
report costs the same for 3 sets as for 300, and for a month as for a year. Reflections,
comments and challenges are counted, never read: no query here selects a title or a word."""

from __future__ import annotations

import enum
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    case,
    exists,
    extract,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from learnset import authz
from learnset.assessment.models import SelfAssessment
from learnset.challenges.models import Challenge, ChallengeUpdate, UpdateKind
from learnset.cohorts.models import Cohort, Invitation, Membership, Role
from learnset.dashboards.report_cells import Cell
from learnset.meetings.models import Attendance, Meeting
from learnset.reflections.models import Reflection, ReflectionComment, Visibility


class Measure(enum.StrEnum):
    """Engagement, counted: what each row of the engagement query counts, and its label."""

    REFLECTIONS = "reflections"
    SHARES = "shares"
    CHECK_INS = "check_ins"
    COMMENTS = "comments"

    @property
    def label(self) -> str:
        return _MEASURE_LABELS[self]

    @property
    def sql(self) -> Any:
        # A constant of our own, never user input: written into the statement as a literal.
        return literal_column(f"'{self.value}'")


_MEASURE_LABELS = {
    Measure.REFLECTIONS: "Reflections written",
    Measure.SHARES: "Reflections shared",
    Measure.CHECK_INS: "Check-ins completed",
    Measure.COMMENTS: "Comments",
}


def report_years(db: Session) -> list[int]:
    """The years learning sets start in, newest first (one query): the report's filter."""
    year = extract("year", Cohort.start_month)
    found = db.scalars(select(year).where(Cohort.start_month.is_not(None)).distinct())
    return sorted({int(value) for value in found}, reverse=True)


@lru_cache(maxsize=16)
def chosen_sets(year: int | None) -> Select[Any]:
    """The sets starting in `year` (all of them with None): built once for each year, so what
    is built on it can be too; a statement is never changed in place."""
    query = select(Cohort.id)
    if year is not None:
        query = query.where(
            Cohort.start_month >= date(year, 1, 1), Cohort.start_month < date(year + 1, 1, 1)
        )
    return query


def sets_of(db: Session, chosen: Select[Any]) -> list[Any]:
    """The chosen sets, newest first, with how many participants each has now (one query)."""
    participants = func.count(Membership.id).filter(Membership.role == Role.PARTICIPANT)
    rows = db.execute(
        select(Cohort.id, Cohort.name, Cohort.status, Cohort.start_month, participants)
        .outerjoin(Membership, Membership.cohort_id == Cohort.id)
        .where(Cohort.id.in_(chosen))
        .group_by(Cohort.id, Cohort.name, Cohort.status, Cohort.start_month)
        .order_by(Cohort.start_month.desc(), Cohort.name, Cohort.id)
    )
    return list(rows)


def invitations(db: Session, chosen: Select[Any]) -> dict[int, tuple[int, int]]:
    """By set: how many addresses were invited as participants (withdrawn invitations aside),
    and how many who accepted are no longer in the set (one query)."""
    still_in = exists().where(
        Membership.cohort_id == Invitation.cohort_id,
        Membership.user_id == Invitation.accepted_by_id,
        Membership.role == Role.PARTICIPANT,
    )
    left = case((and_(Invitation.accepted_at.is_not(None), ~still_in), Invitation.accepted_by_id))
    invited = case((Invitation.revoked_at.is_(None), Invitation.email))
    return {
        cohort_id: (int(invited_count or 0), int(left_count or 0))
        for cohort_id, invited_count, left_count in db.execute(
            select(
                Invitation.cohort_id,
                func.count(invited.distinct()),
                func.count(left.distinct()),
            )
            .where(Invitation.cohort_id.in_(chosen), Invitation.role == Role.PARTICIPANT)
            .group_by(Invitation.cohort_id)
        )
    }


def sessions(db: Session, chosen: Select[Any]) -> list[Any]:
    """Each session with attendance recorded: places present and recorded (one query)."""
    return list(
        db.execute(
            select(
                Meeting.cohort_id,
                Meeting.number,
                Meeting.title,
                Meeting.starts_at,
                func.count().filter(Attendance.present.is_(True)),
                func.count(),
            )
            .join(Attendance, Attendance.meeting_id == Meeting.id)
            .where(Meeting.cohort_id.in_(chosen))
            .group_by(Meeting.id, Meeting.cohort_id, Meeting.number, Meeting.title)
            .group_by(Meeting.starts_at)
            .order_by(Meeting.cohort_id, Meeting.starts_at, Meeting.id)
        )
    )


def attendance(db: Session, chosen: Select[Any]) -> dict[int, tuple[int, int, int]]:
    """By set: places present, places recorded, and how many people they were (one query)."""
    return {
        cohort_id: (int(present or 0), int(recorded), int(people))
        for cohort_id, present, recorded, people in db.execute(
            select(
                Meeting.cohort_id,
                func.count().filter(Attendance.present.is_(True)),
                func.count(),
                func.count(Attendance.user_id.distinct()),
            )
            .join(Attendance, Attendance.meeting_id == Meeting.id)
            .where(Meeting.cohort_id.in_(chosen))
            .group_by(Meeting.cohort_id)
        )
    }


def engagement(db: Session, chosen: Select[Any]) -> dict[tuple[int, str], Cell]:
    """Reflections written and shared, check-ins completed and comments, by set, with how many
    people each count comes from (one query of four grouped selects; no text selected)."""
    kept = and_(Reflection.cohort_id.in_(chosen), Reflection.deleted_at.is_(None))
    reflections = select(
        Reflection.cohort_id.label("cohort_id"),
        Measure.REFLECTIONS.sql.label("measure"),
        func.count().label("counted"),
        func.count(Reflection.author_id.distinct()).label("people"),
    ).where(kept)
    shares = select(
        Reflection.cohort_id,
        Measure.SHARES.sql,
        func.count(),
        func.count(Reflection.author_id.distinct()),
    ).where(kept, Reflection.visibility != Visibility.PRIVATE)
    check_ins = select(
        SelfAssessment.cohort_id,
        Measure.CHECK_INS.sql,
        func.count(),
        func.count(SelfAssessment.participant_id.distinct()),
    ).where(SelfAssessment.cohort_id.in_(chosen), authz.shared_with_tutors_clause())
    comments = (
        select(
            Reflection.cohort_id,
            Measure.COMMENTS.sql,
            func.count(),
            func.count(ReflectionComment.author_id.distinct()),
        )
        .select_from(ReflectionComment)
        .join(Reflection, Reflection.id == ReflectionComment.reflection_id)
        .where(kept)
    )
    statement = union_all(
        reflections.group_by(Reflection.cohort_id),
        shares.group_by(Reflection.cohort_id),
        check_ins.group_by(SelfAssessment.cohort_id),
        comments.group_by(Reflection.cohort_id),
    )
    return {
        (cohort_id, measure): Cell(int(counted), int(people))
        for cohort_id, measure, counted, people in db.execute(statement)
    }


ALL_GAINS = "all"


def gains(db: Session, chosen: Select[Any]) -> dict[tuple[int, str], Cell]:
    """Gains recorded on each set's live challenges whose owners still take part, by kind and
    in all, with how many owners they come from (one query)."""
    gains = and_(
        ChallengeUpdate.kind == UpdateKind.GAIN,
        Challenge.cohort_id.in_(chosen),
        authz.owner_takes_part_clause(),
    )
    by_kind = (
        select(
            Challenge.cohort_id,
            ChallengeUpdate.gain_kind,
            func.count(),
            func.count(Challenge.owner_id.distinct()),
        )
        .select_from(ChallengeUpdate)
        .join(Challenge, Challenge.id == ChallengeUpdate.challenge_id)
        .where(gains)
        .group_by(Challenge.cohort_id, ChallengeUpdate.gain_kind)
    )
    in_all = (
        select(
            Challenge.cohort_id,
            literal_column(f"'{ALL_GAINS}'", String),
            func.count(),
            func.count(Challenge.owner_id.distinct()),
        )
        .select_from(ChallengeUpdate)
        .join(Challenge, Challenge.id == ChallengeUpdate.challenge_id)
        .where(gains)
        .group_by(Challenge.cohort_id)
    )
    rows: list[Any] = list(db.execute(union_all(by_kind, in_all)))
    return {
        (cohort_id, kind): Cell(int(counted), int(people))
        for cohort_id, kind, counted, people in rows
        if kind is not None
    }
