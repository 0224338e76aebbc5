"""What sessions and topics add to the home page: for each set a participant takes part in, the
next and previous sessions and the topics to vote on; for each set a tutor runs, the next
session and draft. A fixed number of statements, whatever the number of sets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Role
from learnset.db import COHORTS, NOW, PERSON, plain_rows
from learnset.library.models import ContentItem
from learnset.meetings.models import (
    EmergentTopic,
    Meeting,
    MeetingItem,
    MeetingRow,
    MeetingStatus,
    TopicStatus,
)
from learnset.meetings.queries import TopicRow, TopicShown, voted_by, votes_for_topic

_TOPICS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class SessionShown(MeetingRow):
    """A session as the panel shows it (the when and where macros): not its agenda or plan."""

    cohort_id: int
    ends_at: datetime
    place: str
    online_link: str


class Material(NamedTuple):
    """One of a session's materials as the materials macro reads it: `content_item` is a row of
    what the panel shows of the library item (not its text, nor its capabilities)."""

    content_item: Any


@dataclass(frozen=True)
class ParticipantHome:
    cohort: Cohort
    next_meeting: SessionShown | None
    previous_meeting: SessionShown | None
    open_topics: list[TopicRow]
    open_topic_count: int
    next_materials: list[Material]
    previous_materials: list[Material]


_SHOWN = (
    Meeting.id,
    Meeting.cohort_id,
    Meeting.number,
    Meeting.title,
    Meeting.starts_at,
    Meeting.ends_at,
    Meeting.place,
    Meeting.online_link,
)


@cache
def _materials() -> Select[int, str, str, str, str, int, datetime | None]:
    """Built once: some sessions' materials in running order, with what the panel shows of
    each library item. Rows rather than the sessions' items loaded with them, which cost the
    home page more to build each time than the statement costs to run."""
    return (
        select(
            MeetingItem.meeting_id,
            ContentItem.slug,
            ContentItem.kind,
            ContentItem.title,
            ContentItem.summary,
            ContentItem.minutes,
            ContentItem.archived_at,
        )
        .join(ContentItem, ContentItem.id == MeetingItem.content_item_id)
        .where(MeetingItem.meeting_id.in_(bindparam("meeting_ids", expanding=True)))
        .order_by(MeetingItem.position, MeetingItem.id)
    )


def _materials_of(db: Session, meetings: list[SessionShown]) -> dict[int, list[Material]]:
    """Each session's materials, in one statement (none when there is no session)."""
    found: dict[int, list[Material]] = {meeting.id: [] for meeting in meetings}
    if found:
        for row in plain_rows(db, _materials(), {"meeting_ids": list(found)}):
            found[row.meeting_id].append(Material(row))
    return found


@cache
def _open_topics() -> Select[int, int, str, str, int, int, int]:
    """Built once: each cohort's most wanted open topics, with their votes, whether the person
    voted, and how many topics are open."""
    votes = votes_for_topic()
    ranked = (
        select(
            EmergentTopic.id,
            votes.label("votes"),
            voted_by(PERSON).label("voted"),
            func.row_number()
            .over(
                partition_by=EmergentTopic.cohort_id,
                order_by=(votes.desc(), EmergentTopic.created_at.desc(), EmergentTopic.id.desc()),
            )
            .label("place"),
            func.count().over(partition_by=EmergentTopic.cohort_id).label("open_count"),
        )
        .where(EmergentTopic.cohort_id.in_(COHORTS), EmergentTopic.status == TopicStatus.OPEN)
        .subquery()
    )
    return (
        select(
            # What the panel and its vote buttons read of a topic (TopicShown), and nothing more.
            EmergentTopic.id,
            EmergentTopic.cohort_id,
            EmergentTopic.title,
            EmergentTopic.status,
            ranked.c.votes,
            ranked.c.voted,
            ranked.c.open_count,
        )
        .join(ranked, ranked.c.id == EmergentTopic.id)
        .where(ranked.c.place <= _TOPICS_SHOWN)
        .order_by(ranked.c.place)
    )


def _open_topics_by_cohort(
    db: Session, user: User, cohort_ids: list[int]
) -> dict[int, tuple[list[TopicRow], int]]:
    """Each cohort's most wanted open topics (up to five) and how many are open, in one
    statement for all the cohorts."""
    found: dict[int, tuple[list[TopicRow], int]] = {}
    values = {"person_id": user.id, "cohort_ids": cohort_ids}
    for id_, cohort_id, title, status, votes_, voted_, open_count in plain_rows(
        db, _open_topics(), values
    ):
        rows, _open = found.setdefault(cohort_id, ([], int(open_count)))
        rows.append(TopicRow(TopicShown(id_, cohort_id, title, status), int(votes_), bool(voted_)))
    return found


@cache
def _next_and_previous() -> Select[int, int, int, str, datetime, datetime, str, str, int]:
    """Built once: each cohort's next and previous published sessions, as the panel shows
    them."""
    upcoming = Meeting.ends_at > NOW
    within = (Meeting.cohort_id, upcoming)
    ranked = (
        select(
            Meeting.id,
            case((upcoming, 1), else_=0).label("upcoming"),
            func.row_number()
            .over(partition_by=within, order_by=(Meeting.starts_at, Meeting.id))
            .label("soonest"),
            func.row_number()
            .over(partition_by=within, order_by=(Meeting.starts_at.desc(), Meeting.id.desc()))
            .label("latest"),
        )
        .where(Meeting.cohort_id.in_(COHORTS), Meeting.status == MeetingStatus.PUBLISHED)
        .subquery()
    )
    return (
        select(*_SHOWN, ranked.c.upcoming)
        .join(ranked, ranked.c.id == Meeting.id)
        .where(
            or_(
                and_(ranked.c.upcoming == 1, ranked.c.soonest == 1),
                and_(ranked.c.upcoming == 0, ranked.c.latest == 1),
            )
        )
    )


def participant_home(db: Session, user: User, now: datetime) -> list[ParticipantHome]:
    """For each set the user takes part in: the next and previous published sessions with
    their materials, and the open topics to vote on. Two statements (and the materials'),
    whatever the number of sets."""
    cohorts = authz.cohorts_as(db, user, Role.PARTICIPANT)
    if not cohorts:
        return []
    cohort_ids = [cohort.id for cohort in cohorts]
    next_meeting: dict[int, SessionShown] = {}
    previous_meeting: dict[int, SessionShown] = {}
    rows = plain_rows(db, _next_and_previous(), {"cohort_ids": cohort_ids, "now": now})
    for id_, cohort_id, number, title, starts_at, ends_at, place, link, is_upcoming in rows:
        meeting = SessionShown(id_, number, title, starts_at, cohort_id, ends_at, place, link)
        (next_meeting if is_upcoming else previous_meeting)[meeting.cohort_id] = meeting
    materials = _materials_of(db, [*next_meeting.values(), *previous_meeting.values()])
    topics = _open_topics_by_cohort(db, user, cohort_ids)
    homes = []
    for cohort in cohorts:
        upcoming, previous = next_meeting.get(cohort.id), previous_meeting.get(cohort.id)
        homes.append(
            ParticipantHome(
                cohort,
                upcoming,
                previous,
                *topics.get(cohort.id, ([], 0)),
                next_materials=materials[upcoming.id] if upcoming else [],
                previous_materials=materials[previous.id] if previous else [],
            )
        )
    return homes


@dataclass(frozen=True)
class TutorHome:
    cohort: Cohort
    next_meeting: Meeting | None
    next_draft: Meeting | None
    open_topics: int


@cache
def _next_and_draft() -> Select[Meeting, int, int, int]:
    """Built once: each cohort's next session and next draft, ranked."""
    soonest_first = (Meeting.starts_at, Meeting.id)
    ranked = (
        select(
            Meeting.id,
            case((Meeting.status == MeetingStatus.DRAFT, 1), else_=0).label("draft"),
            func.row_number()
            .over(partition_by=Meeting.cohort_id, order_by=soonest_first)
            .label("soonest"),
            func.row_number()
            .over(partition_by=(Meeting.cohort_id, Meeting.status), order_by=soonest_first)
            .label("soonest_of_status"),
        )
        .where(Meeting.cohort_id.in_(COHORTS), Meeting.ends_at > NOW)
        .subquery()
    )
    return (
        select(Meeting, ranked.c.soonest, ranked.c.draft, ranked.c.soonest_of_status)
        .join(ranked, ranked.c.id == Meeting.id)
        .where(
            or_(ranked.c.soonest == 1, and_(ranked.c.draft == 1, ranked.c.soonest_of_status == 1))
        )
    )


@cache
def _open_topic_counts() -> Select[int, int]:
    """Built once: how many topics are open in each cohort."""
    return (
        select(EmergentTopic.cohort_id, func.count())
        .where(EmergentTopic.cohort_id.in_(COHORTS), EmergentTopic.status == TopicStatus.OPEN)
        .group_by(EmergentTopic.cohort_id)
    )


def tutor_home(db: Session, user: User, now: datetime) -> list[TutorHome]:
    """For each set the user tutors: the next session, the next one still in draft, and how
    many topics are open. Two statements, whatever the number of sets."""
    cohorts = authz.cohorts_as(db, user, Role.TUTOR)
    if not cohorts:
        return []
    values = {"cohort_ids": [cohort.id for cohort in cohorts], "now": now}
    next_meeting: dict[int, Meeting] = {}
    next_draft: dict[int, Meeting] = {}
    for meeting, soonest, draft, soonest_of_status in db.execute(_next_and_draft(), values):
        if soonest == 1:
            next_meeting[meeting.cohort_id] = meeting
        if draft == 1 and soonest_of_status == 1:
            next_draft[meeting.cohort_id] = meeting
    open_topics: dict[int, int] = dict(db.execute(_open_topic_counts(), values).all())
    return [
        TutorHome(
            cohort,
            next_meeting.get(cohort.id),
            next_draft.get(cohort.id),
            open_topics.get(cohort.id, 0),
        )
        for cohort in cohorts
    ]
