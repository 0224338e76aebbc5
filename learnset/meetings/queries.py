"""Read-only queries behind the session pages, the cohort page and the home page.

Each loads what a page shows in a fixed number of statements, whatever the number of
sessions, materials, topics or members; rates are computed in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    case,
    func,
    select,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges import queries as challenge_queries
from learnset.cohorts.models import Cohort
from learnset.db import PERSON
from learnset.framework.models import Capability
from learnset.library.models import (
    ContentItem,
    content_item_capabilities,
    library_order,
)
from learnset.meetings.models import (
    Attendance,
    EmergentTopic,
    Meeting,
    MeetingItem,
    MeetingStatus,
    PresenterSlot,
    TopicStatus,
    TopicVote,
)


@dataclass(frozen=True)
class Rate:
    present: int
    recorded: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.present / self.recorded) if self.recorded else None


NO_RATE = Rate(0, 0)


def _rates(rows: Iterable[tuple[int, int | None, int]]) -> dict[int, Rate]:
    return {key: Rate(int(present or 0), int(recorded)) for key, present, recorded in rows}


def _attendance_by(db: Session, key: Any, cohort_id: int) -> dict[int, Rate]:
    """Attended and recorded across the cohort's sessions, grouped by `key`."""
    return _rates(
        db.execute(
            select(key, func.count().filter(Attendance.present.is_(True)), func.count())
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(Meeting.cohort_id == cohort_id)
            .group_by(key)
        )
    )


def attendance_by_meeting(db: Session, cohort_id: int) -> dict[int, Rate]:
    """Attended and recorded, per session of the cohort."""
    return _attendance_by(db, Attendance.meeting_id, cohort_id)


def attendance_by_participant(db: Session, cohort_id: int) -> dict[int, Rate]:
    """Attended and recorded, per participant across the cohort's sessions."""
    return _attendance_by(db, Attendance.user_id, cohort_id)


def overall_attendance(db: Session, cohort_id: int) -> Rate:
    """Attended out of recorded, across every session of the cohort."""
    present, recorded = db.execute(
        select(func.count().filter(Attendance.present.is_(True)), func.count())
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.cohort_id == cohort_id)
    ).one()
    return Rate(int(present or 0), int(recorded or 0))


def own_attendance(
    db: Session, user: User, cohort_id: int, now: datetime
) -> list[tuple[Meeting, bool | None]]:
    """The user's record for each published session of the cohort that has started."""
    rows = db.execute(
        select(Meeting, Attendance.present)
        .outerjoin(
            Attendance, and_(Attendance.meeting_id == Meeting.id, Attendance.user_id == user.id)
        )
        .where(
            Meeting.cohort_id == cohort_id,
            Meeting.status == MeetingStatus.PUBLISHED,
            Meeting.starts_at <= now,
        )
        .order_by(Meeting.starts_at)
    )
    return [(meeting, present) for meeting, present in rows]


# --- The cohort page ---------------------------------------------------------------------


@dataclass(frozen=True)
class CohortPage:
    meetings: list[Meeting]
    next_meeting: Meeting | None
    open_topics: int
    by_meeting: dict[int, Rate]
    overall: Rate
    by_participant: dict[int, Rate]
    own: list[tuple[Meeting, bool | None]]


_COHORT = bindparam("cohort_id", type_=Integer)


@cache
def _cohort_meetings(admin: bool) -> Select[Meeting]:
    return authz.visible_meetings(PERSON, admin=admin).where(Meeting.cohort_id == _COHORT)


def cohort_meetings(user: User, cohort_id: int) -> tuple[Select[Meeting], dict[str, int]]:
    """The cohort's sessions the user may see, in date order: a statement built once and the
    values it takes."""
    return _cohort_meetings(user.is_admin), {"person_id": user.id, "cohort_id": cohort_id}


def cohort_page(db: Session, user: User, cohort: Cohort, now: datetime) -> CohortPage:
    """The cohort page's sessions, topics and attendance: others' attendance only for managers."""
    meetings = list(db.scalars(*cohort_meetings(user, cohort.id)))
    upcoming = [meeting for meeting in meetings if meeting.ends_at > now]
    open_topics = db.scalar(
        select(func.count()).where(
            EmergentTopic.cohort_id == cohort.id, EmergentTopic.status == TopicStatus.OPEN
        )
    )
    manages = authz.can(user, "cohort:members", cohort)
    return CohortPage(
        meetings=meetings,
        next_meeting=upcoming[0] if upcoming else None,
        open_topics=open_topics or 0,
        by_meeting=attendance_by_meeting(db, cohort.id) if manages else {},
        overall=overall_attendance(db, cohort.id) if manages else NO_RATE,
        by_participant=attendance_by_participant(db, cohort.id) if manages else {},
        own=own_attendance(db, user, cohort.id, now)
        if authz.is_participant(user, cohort.id)
        else [],
    )


def item_counts(db: Session, meeting_ids: list[int]) -> dict[int, int]:
    """How many library items each session uses."""
    if not meeting_ids:
        return {}
    return dict(db.execute(_item_counts(), {"meeting_ids": meeting_ids}).all())


@cache
def _item_counts() -> Select[int, int]:
    return (
        select(MeetingItem.meeting_id, func.count())
        .where(MeetingItem.meeting_id.in_(bindparam("meeting_ids", type_=Integer, expanding=True)))
        .group_by(MeetingItem.meeting_id)
    )


# --- The session page --------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingPage:
    items: list[MeetingItem]
    topics: list[EmergentTopic]
    slots: list[PresenterSlot]
    readable_challenges: set[int]
    attendance: Rate
    own_attendance: bool | None


# A session's parts are read by its page and its plan; their statements are built once.
_MEETING = bindparam("meeting_id", type_=Integer)


@cache
def _meeting_items() -> Select[MeetingItem]:
    return (
        select(MeetingItem)
        .where(MeetingItem.meeting_id == _MEETING)
        .options(joinedload(MeetingItem.content_item).selectinload(ContentItem.capabilities))
        .order_by(MeetingItem.position, MeetingItem.id)
    )


def meeting_items(db: Session, meeting_id: int) -> list[MeetingItem]:
    return list(db.scalars(_meeting_items(), {"meeting_id": meeting_id}).unique())


@cache
def _meeting_topics() -> Select[EmergentTopic]:
    return (
        select(EmergentTopic)
        .where(EmergentTopic.meeting_id == _MEETING)
        .options(joinedload(EmergentTopic.proposed_by))
        .order_by(EmergentTopic.id)
    )


def meeting_topics(db: Session, meeting_id: int) -> list[EmergentTopic]:
    return list(db.scalars(_meeting_topics(), {"meeting_id": meeting_id}))


@cache
def _meeting_slots() -> Select[PresenterSlot]:
    return (
        select(PresenterSlot)
        .where(PresenterSlot.meeting_id == _MEETING)
        .options(joinedload(PresenterSlot.presenter), joinedload(PresenterSlot.challenge))
        .order_by(PresenterSlot.position, PresenterSlot.id)
    )


def meeting_slots(db: Session, meeting_id: int) -> list[PresenterSlot]:
    return list(db.scalars(_meeting_slots(), {"meeting_id": meeting_id}))


def readable_slot_challenges(db: Session, user: User, slots: list[PresenterSlot]) -> set[int]:
    """The slots' challenges the user may read: the others are named only as "a live
    challenge", since a challenge is for its set alone (issue 7)."""
    ids = [slot.challenge_id for slot in slots if slot.challenge_id is not None]
    return challenge_queries.readable_ids(db, user, ids)


def meeting_page(db: Session, user: User, meeting: Meeting) -> MeetingPage:
    own = db.scalar(
        select(Attendance.present).where(
            Attendance.meeting_id == meeting.id, Attendance.user_id == user.id
        )
    )
    rates = (
        attendance_by_meeting_ids(db, [meeting.id])
        if authz.can(user, "attendance:record", meeting)
        else {}
    )
    slots = meeting_slots(db, meeting.id)
    return MeetingPage(
        items=meeting_items(db, meeting.id),
        topics=meeting_topics(db, meeting.id),
        slots=slots,
        readable_challenges=readable_slot_challenges(db, user, slots),
        attendance=rates.get(meeting.id, NO_RATE),
        own_attendance=own,
    )


def attendance_by_meeting_ids(db: Session, meeting_ids: list[int]) -> dict[int, Rate]:
    return _rates(
        db.execute(
            select(
                Attendance.meeting_id,
                func.count().filter(Attendance.present.is_(True)),
                func.count(),
            )
            .where(Attendance.meeting_id.in_(meeting_ids))
            .group_by(Attendance.meeting_id)
        )
    )


# --- Topics ------------------------------------------------------------------------------


class TopicShown(NamedTuple):
    """An open topic as the home page's panel and its vote buttons read it (the vote rule reads
    `cohort_id`): a row, not the topic loaded with the ORM, which cost the page more."""

    id: int
    cohort_id: int
    title: str
    status: str

    @property
    def is_open(self) -> bool:
        return self.status == TopicStatus.OPEN


@dataclass(frozen=True)
class TopicRow:
    topic: EmergentTopic | TopicShown
    votes: int
    voted: bool


def votes_for_topic() -> ScalarSelect[int]:
    return (
        select(func.count())
        .where(TopicVote.topic_id == EmergentTopic.id)
        .correlate(EmergentTopic)
        .scalar_subquery()
    )


def voted_by(user_id: int | ColumnElement[int]) -> ColumnElement[int]:
    """1 when the user (or the parameter standing for them) voted for the topic, else 0."""
    voted = (
        select(TopicVote.id)
        .where(TopicVote.topic_id == EmergentTopic.id, TopicVote.user_id == user_id)
        .correlate(EmergentTopic)
        .exists()
    )
    return case((voted, 1), else_=0)


@cache
def topic_rows() -> Select[EmergentTopic, int, int]:
    """Topics of a cohort in the given states, with their votes and whether the user voted;
    the most wanted first. Built once: run it with `topic_values`."""
    votes = votes_for_topic()
    return (
        select(EmergentTopic, votes, voted_by(PERSON))
        .options(joinedload(EmergentTopic.proposed_by), joinedload(EmergentTopic.meeting))
        .where(
            EmergentTopic.cohort_id == bindparam("cohort_id", type_=Integer),
            EmergentTopic.status.in_(bindparam("statuses", expanding=True)),
        )
        .order_by(votes.desc(), EmergentTopic.created_at.desc(), EmergentTopic.id.desc())
    )


def topic_values(user: User, cohort_id: int, statuses: tuple[str, ...]) -> dict[str, Any]:
    """What topic_rows asks: whose votes, which cohort, which states."""
    return {"person_id": user.id, "cohort_id": cohort_id, "statuses": list(statuses)}


class TopicTitle(NamedTuple):
    """An open topic as the plan lists it: its title and votes, not who proposed it."""

    id: int
    title: str
    votes: int


@cache
def _open_topic_titles(limit: int) -> Select[int, str, int]:
    """Built once for each limit: the set's open topics, the most wanted first (as topic_rows
    orders them)."""
    votes = votes_for_topic()
    return (
        select(EmergentTopic.id, EmergentTopic.title, votes)
        .where(
            EmergentTopic.cohort_id == bindparam("cohort_id", type_=Integer),
            EmergentTopic.status == TopicStatus.OPEN,
        )
        .order_by(votes.desc(), EmergentTopic.created_at.desc(), EmergentTopic.id.desc())
        .limit(limit)
    )


def open_topic_titles(db: Session, cohort_id: int, limit: int) -> list[TopicTitle]:
    rows = db.execute(_open_topic_titles(limit), {"cohort_id": cohort_id})
    return [TopicTitle(id_, title, int(votes)) for id_, title, votes in rows]


@cache
def _taken_topic_titles() -> Select[int, str]:
    return (
        select(EmergentTopic.id, EmergentTopic.title)
        .where(EmergentTopic.meeting_id == _MEETING)
        .order_by(EmergentTopic.id)
    )


class TakenTopic(NamedTuple):
    id: int
    title: str


def taken_topic_titles(db: Session, meeting_id: int) -> list[TakenTopic]:
    """The topics taken into a session, as meeting_topics orders them: ids and titles."""
    rows = db.execute(_taken_topic_titles(), {"meeting_id": meeting_id})
    return [TakenTopic(id_, title) for id_, title in rows]


def published_sessions(cohort_id: int) -> Select[Meeting]:
    """The learning set's published sessions, for the caller to narrow by time and order."""
    return select(Meeting).where(
        Meeting.cohort_id == cohort_id, Meeting.status == MeetingStatus.PUBLISHED
    )


def upcoming_meetings(db: Session, cohort_id: int, now: datetime) -> list[Meeting]:
    """Sessions of the cohort that have not finished, for a tutor choosing where a topic goes."""
    return list(
        db.scalars(
            select(Meeting)
            .where(Meeting.cohort_id == cohort_id, Meeting.ends_at > now)
            .order_by(Meeting.starts_at)
        )
    )


# --- Picking from the library ------------------------------------------------------------


def library_choices(
    kind: str | None, capability: str | None, exclude_meeting_id: int
) -> Select[ContentItem]:
    """Library items a tutor may add: not archived, not already in the session, filtered."""
    already = select(MeetingItem.content_item_id).where(
        MeetingItem.meeting_id == exclude_meeting_id
    )
    query = (
        select(ContentItem)
        .where(ContentItem.archived_at.is_(None), ContentItem.id.not_in(already))
        .options(selectinload(ContentItem.capabilities))
        .order_by(*library_order())
    )
    if kind:
        query = query.where(ContentItem.kind == kind)
    if capability:
        query = query.where(
            ContentItem.id.in_(
                select(content_item_capabilities.c.content_item_id)
                .join(Capability, Capability.id == content_item_capabilities.c.capability_id)
                .where(Capability.slug == capability)
            )
        )
    return query


def next_meetings(
    db: Session, user: User, cohort_ids: list[int], now: datetime
) -> dict[int, Meeting]:
    """The next session the user can see in each of the cohorts, by cohort id."""
    if not cohort_ids:
        return {}
    visible = (
        authz.visible_meetings(user)
        .where(Meeting.cohort_id.in_(cohort_ids), Meeting.ends_at > now)
        .order_by(None)
        .subquery()
    )
    firsts = (
        select(visible.c.cohort_id, func.min(visible.c.starts_at).label("starts_at"))
        .group_by(visible.c.cohort_id)
        .subquery()
    )
    meetings = db.scalars(
        select(Meeting)
        .join(
            firsts,
            and_(Meeting.cohort_id == firsts.c.cohort_id, Meeting.starts_at == firsts.c.starts_at),
        )
        .join(visible, visible.c.id == Meeting.id)
        .order_by(Meeting.id)
    )
    found: dict[int, Meeting] = {}
    for meeting in meetings:
        found.setdefault(meeting.cohort_id, meeting)
    return found
