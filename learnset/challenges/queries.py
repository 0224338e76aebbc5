"""Read-only queries behind the challenge lists, the gains board, stories and the home page (a
challenge's own page is in timeline.py).

Every list is scoped to the viewer in SQL with `authz.visible_challenges`, and each page loads
what it shows in a fixed number of statements however many challenges and updates there are.
The dashboards reuse `gain_counts` and `gains_of_cohort`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, and_, bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges.models import (
    Challenge,
    ChallengeStatus,
    ChallengeUpdate,
    GainKind,
    Story,
    UpdateKind,
)
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.db import NOW, PERSON, plain_rows, shared_alias
from learnset.meetings.models import Meeting, MeetingRow, MeetingStatus, PresenterSlot

STATUS_FILTERS = {
    "current": (ChallengeStatus.OPEN.value, ChallengeStatus.PAUSED.value),
    "closed": (ChallengeStatus.CLOSED.value,),
    "all": tuple(ChallengeStatus),
}


@cache
def _readable() -> Select[int]:
    return (
        authz.visible_challenges(PERSON)
        .where(Challenge.id.in_(bindparam("challenge_ids", expanding=True)))
        .with_only_columns(Challenge.id)
    )


def readable_ids(db: Session, user: User, challenge_ids: list[int]) -> set[int]:
    """Which of these challenges the user may read, in one query (for lists that name them;
    none when there are none)."""
    if not challenge_ids:
        return set()
    return set(db.scalars(_readable(), {"person_id": user.id, "challenge_ids": challenge_ids}))


# --- The set's challenges --------------------------------------------------------------------


@dataclass(frozen=True)
class ChallengeRow:
    challenge: Challenge
    questions: int
    gains: int


def cohort_challenges(
    user: User, cohort_id: int, status: str = "current"
) -> Select[*tuple[Any, ...]]:
    """The set's challenges the user may read, with their counts; the user's own first, then
    the most recently active."""
    statuses = STATUS_FILTERS.get(status, STATUS_FILTERS["current"])
    in_cohort = select(Challenge.id).where(Challenge.cohort_id == cohort_id)
    counts = (
        select(
            ChallengeUpdate.challenge_id,
            func.count().filter(ChallengeUpdate.kind == UpdateKind.QUESTION).label("questions"),
            func.count().filter(ChallengeUpdate.kind == UpdateKind.GAIN).label("gains"),
        )
        .where(ChallengeUpdate.challenge_id.in_(in_cohort))
        .group_by(ChallengeUpdate.challenge_id)
        .subquery()
    )
    own_first = (Challenge.owner_id == user.id).desc()
    return (
        authz.visible_challenges(user)
        .add_columns(func.coalesce(counts.c.questions, 0), func.coalesce(counts.c.gains, 0))
        .outerjoin(counts, counts.c.challenge_id == Challenge.id)
        .options(joinedload(Challenge.owner))
        .where(Challenge.cohort_id == cohort_id, Challenge.status.in_(statuses))
        .order_by(own_first, Challenge.updated_at.desc(), Challenge.id.desc())
    )


def challenge_rows(rows: list[Any]) -> list[ChallengeRow]:
    return [
        ChallengeRow(challenge, int(questions), int(gains)) for challenge, questions, gains in rows
    ]


def status_counts(db: Session, user: User, cohort_id: int) -> dict[str, int]:
    """How many of the set's challenges the user can read are open, paused and closed."""
    visible = authz.visible_challenges(user).where(Challenge.cohort_id == cohort_id).subquery()
    rows = db.execute(select(visible.c.status, func.count()).group_by(visible.c.status))
    counts = {status.value: 0 for status in ChallengeStatus}
    counts.update({key: count for key, count in rows})  # noqa: C416 - rows are not pairs
    return counts


# --- Gains -----------------------------------------------------------------------------------


def _gains(user: User, cohort_id: int, kind: str | None = None) -> Select[ChallengeUpdate]:
    visible = authz.visible_challenges(user).where(Challenge.cohort_id == cohort_id)
    query = select(ChallengeUpdate).where(
        ChallengeUpdate.kind == UpdateKind.GAIN,
        ChallengeUpdate.challenge_id.in_(visible.with_only_columns(Challenge.id)),
    )
    if kind in set(GainKind):
        query = query.where(ChallengeUpdate.gain_kind == kind)
    return query


def gains_of_cohort(user: User, cohort_id: int, kind: str | None = None) -> Select[ChallengeUpdate]:
    """The gains of the set's challenges the user may read, newest first, with their
    challenge and owner; optionally of one kind."""
    return (
        _gains(user, cohort_id, kind)
        .options(joinedload(ChallengeUpdate.challenge).joinedload(Challenge.owner))
        .order_by(ChallengeUpdate.created_at.desc(), ChallengeUpdate.id.desc())
    )


def _counts_statement(gains: Select[ChallengeUpdate]) -> Select[tuple[str, int]]:
    found = gains.subquery()
    return select(found.c.gain_kind, func.count()).group_by(found.c.gain_kind)


def _counted(rows: Any) -> dict[str, int]:
    """Every kind of gain with how many there are (0 when none)."""
    counts = {kind.value: 0 for kind in GainKind}
    counts.update({kind: count for kind, count in rows if kind in counts})
    return counts


def gain_counts(db: Session, user: User, cohort_id: int) -> dict[str, int]:
    """How many gains of each kind the set's challenges have recorded, as the user may see
    them; every kind is present, with 0 when there are none."""
    return _counted(db.execute(_counts_statement(_gains(user, cohort_id))))


@cache
def _set_gains_statement() -> Select[tuple[str, int]]:
    # Built once (every cohort dashboard asks), bound to a cohort by its parameter.
    return _counts_statement(
        select(ChallengeUpdate)
        .join(Challenge, Challenge.id == ChallengeUpdate.challenge_id)
        .where(
            ChallengeUpdate.kind == UpdateKind.GAIN,
            Challenge.cohort_id == bindparam("cohort_id", type_=Integer),
            authz.owner_takes_part_clause(),
        )
    )


def set_gain_counts(db: Session, cohort_id: int) -> dict[str, int]:
    """The same counts for the whole set, whoever asks (the cohort dashboard's aggregates, for
    its tutors and the programme's admins): the gains themselves are read on the gains board,
    by the set. Challenges whose owners have left count no more, as on the board."""
    return _counted(db.execute(_set_gains_statement(), {"cohort_id": cohort_id}))


@dataclass(frozen=True)
class CohortChallenges:
    """What the cohort page says about the set's challenges."""

    statuses: dict[str, int]
    gains: dict[str, int]

    @property
    def current(self) -> int:
        return self.statuses[ChallengeStatus.OPEN] + self.statuses[ChallengeStatus.PAUSED]

    @property
    def total_gains(self) -> int:
        return sum(self.gains.values())


def cohort_summary(db: Session, user: User, cohort: Cohort) -> CohortChallenges | None:
    """Counts for the cohort page, for members of the set only (None for anyone else)."""
    if not authz.can(user, "cohort:challenges", cohort):
        return None
    return CohortChallenges(
        statuses=status_counts(db, user, cohort.id), gains=gain_counts(db, user, cohort.id)
    )


# --- Stories ---------------------------------------------------------------------------------


def stories() -> Select[Story]:
    """Published stories, the most recently published first, with their challenge and owner."""
    return (
        authz.published_stories()
        .options(
            joinedload(Story.challenge).joinedload(Challenge.owner),
            joinedload(Story.challenge).joinedload(Challenge.cohort),
        )
        .order_by(Story.published_at.desc(), Story.id.desc())
    )


def gains_of(db: Session, challenge_id: int) -> list[ChallengeUpdate]:
    """A challenge's gains, oldest first: what a story shows, the owner's own record and never
    the set's words. Call only once the viewer may read the challenge or its story."""
    return list(
        db.scalars(
            select(ChallengeUpdate)
            .where(
                ChallengeUpdate.challenge_id == challenge_id,
                ChallengeUpdate.kind == UpdateKind.GAIN,
            )
            .order_by(ChallengeUpdate.created_at, ChallengeUpdate.id)
        )
    )


# The challenge's owner is (still) a participant of its set: their membership row.
_OWNER_TAKES_PART = and_(
    Membership.user_id == Challenge.owner_id,
    Membership.cohort_id == Challenge.cohort_id,
    Membership.role == Role.PARTICIPANT,
)


# --- Presenter slots -------------------------------------------------------------------------


class AssignableChallenge(NamedTuple):
    """A challenge as the presenter slot's choices name it: its owner's name and its title."""

    id: int
    owner_name: str
    title: str


@cache
def _assignable() -> Select[int, str, str]:
    return (
        authz.visible_challenges(PERSON)
        .with_only_columns(Challenge.id, User.name, Challenge.title)
        .join(User, User.id == Challenge.owner_id)
        .join(Membership, _OWNER_TAKES_PART)
        .where(
            Challenge.cohort_id == bindparam("cohort_id", type_=Integer),
            Challenge.status == ChallengeStatus.OPEN,
        )
        .order_by(User.name, Challenge.title, Challenge.id)
    )


def assignable_challenges(db: Session, user: User, cohort_id: int) -> list[AssignableChallenge]:
    """Open challenges of the set a tutor can give a presenter slot to: those the user can
    read whose owners still take part, by owner and title."""
    values = {"person_id": user.id, "cohort_id": cohort_id}
    return [AssignableChallenge(*row) for row in db.execute(_assignable(), values)]


# --- The home page ---------------------------------------------------------------------------


class Plan(NamedTuple):
    """Something the owner said they would try and have not yet said what happened: the
    columns the home page shows, not the whole update."""

    id: int
    kind: str
    body: str


class ChallengeTitle(NamedTuple):
    """What the home page shows of a challenge and links by: not its story."""

    id: int
    title: str


@dataclass(frozen=True)
class OwnChallenge:
    challenge: ChallengeTitle
    # What the owner said they would try and have not yet said what happened.
    plans: list[Plan]
    # The next published session where the owner presents it, if one is planned.
    presenting: MeetingRow | None = None


# Made once: a new alias costs about half a millisecond per request on first use.
_PRESENTING_AT, _UPCOMING = shared_alias(Meeting), shared_alias(Meeting)


@cache
def _own_open_with_plans() -> Select[*tuple[Any, ...]]:
    """Built once: the person's open challenges, where each is presented next, and each of its
    open plans on a row of its own (a challenge without one has a single row with none)."""
    next_presenting = (
        select(Meeting.id)
        .join(PresenterSlot, PresenterSlot.meeting_id == Meeting.id)
        .where(
            PresenterSlot.challenge_id == Challenge.id,
            Meeting.status == MeetingStatus.PUBLISHED,
            Meeting.ends_at > NOW,
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
        .correlate(Challenge)
        .scalar_subquery()
    )
    presenting_at = _PRESENTING_AT
    open_plan = and_(
        ChallengeUpdate.challenge_id == Challenge.id,
        ChallengeUpdate.kind.in_((UpdateKind.ACTION, UpdateKind.EXPERIMENT)),
        ChallengeUpdate.outcome_at.is_(None),
    )
    return (
        select(
            Challenge.id,
            Challenge.title,
            ChallengeUpdate.id,
            ChallengeUpdate.kind,
            ChallengeUpdate.body,
            presenting_at.id,
            presenting_at.number,
            presenting_at.title,
            presenting_at.starts_at,
        )
        .join(Membership, _OWNER_TAKES_PART)
        .outerjoin(presenting_at, presenting_at.id == next_presenting)
        .outerjoin(ChallengeUpdate, open_plan)
        .where(Challenge.owner_id == PERSON, Challenge.status == ChallengeStatus.OPEN)
        .order_by(
            Challenge.updated_at.desc(),
            Challenge.id.desc(),
            ChallengeUpdate.created_at,
            ChallengeUpdate.id,
        )
    )


def own_open_challenges(db: Session, user: User, now: datetime) -> list[OwnChallenge]:
    """The user's open challenges in the sets they take part in, each with what they said
    they would try before the next session and have not reported on yet, and where they
    present it next. One statement, whatever there is."""
    found: dict[int, OwnChallenge] = {}
    values = {"person_id": user.id, "now": now}
    for row in plain_rows(db, _own_open_with_plans(), values):
        challenge_id, title, plan_id, kind, body, meeting_id = row[:6]
        own = found.get(challenge_id)
        if own is None:
            meeting = MeetingRow(*row[5:]) if meeting_id is not None else None
            own = found[challenge_id] = OwnChallenge(
                ChallengeTitle(challenge_id, title), [], meeting
            )
        if plan_id is not None:
            own.plans.append(Plan(plan_id, kind, body))
    return list(found.values())


@dataclass(frozen=True)
class Presenting:
    cohort: Cohort
    meeting: Meeting
    slots: list[PresenterSlot]


@cache
def _next_sessions_tutored() -> Select[Meeting, PresenterSlot | None]:
    """Built once: the next session of each set the person tutors, a row for each of its
    presenter slots (with presenter and challenge), or one row without a slot."""
    tutored = select(Membership.cohort_id).where(
        Membership.user_id == PERSON, Membership.role == Role.TUTOR
    )
    upcoming = _UPCOMING
    first = (
        select(func.min(upcoming.starts_at))
        .where(upcoming.cohort_id == Meeting.cohort_id, upcoming.ends_at > NOW)
        .scalar_subquery()
    )
    return (
        select(Meeting, PresenterSlot)
        .outerjoin(PresenterSlot, PresenterSlot.meeting_id == Meeting.id)
        .where(Meeting.cohort_id.in_(tutored), Meeting.ends_at > NOW)
        .where(Meeting.starts_at == first)
        .options(
            joinedload(Meeting.cohort),
            joinedload(PresenterSlot.presenter),
            joinedload(PresenterSlot.challenge),
        )
        .order_by(Meeting.starts_at, Meeting.id, PresenterSlot.position, PresenterSlot.id)
    )


def presenting_next(db: Session, user: User, now: datetime) -> list[Presenting]:
    """For each set the user tutors, the challenges presenting at its next session (the
    first by id when two start together). One query whatever there is, so the home page
    stays the same size."""
    found: dict[int, Presenting] = {}
    for meeting, slot in db.execute(_next_sessions_tutored(), {"person_id": user.id, "now": now}):
        presenting = found.setdefault(meeting.cohort_id, Presenting(meeting.cohort, meeting, []))
        if slot is not None and presenting.meeting is meeting:
            presenting.slots.append(slot)
    return list(found.values())
