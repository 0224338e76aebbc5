"""Sessions: the schedule, drafting, materials, presenter slots, publishing and attendance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort, Role
from learnset.errors import DomainError
from learnset.library.models import ContentItem
from learnset.meetings.models import (
    Attendance,
    Meeting,
    MeetingItem,
    MeetingStatus,
    PresenterSlot,
)
from learnset.meetings.notices import tell_about_session
from learnset.meetings.schedule import (
    PlannedSession,
    ScheduleRule,
    occurrences,
    uk_to_utc,
    utc_to_uk,
)
from learnset.meetings.topics import release_topic

# What has a place in a session's running order.
Positioned = TypeVar("Positioned", MeetingItem, PresenterSlot)


class MeetingError(DomainError):
    """A rule about sessions was broken."""


@dataclass(frozen=True)
class MeetingDetails:
    """What a tutor types about one session, in UK time."""

    day: date
    starts: time
    ends: time
    title: str = ""
    place: str = ""
    online_link: str = ""
    agenda: str = ""


def renumber(db: Session, cohort_id: int) -> None:
    """Sessions are numbered 1, 2, 3 in date order within their cohort."""
    db.flush()
    meetings = db.scalars(
        select(Meeting)
        .where(Meeting.cohort_id == cohort_id)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    for number, meeting in enumerate(meetings, start=1):
        if meeting.number != number:
            meeting.number = number
    db.flush()


def _times(details: MeetingDetails) -> tuple[datetime, datetime]:
    if details.ends <= details.starts:
        raise MeetingError("End time must be after the start time", "ends")
    return uk_to_utc(details.day, details.starts), uk_to_utc(details.day, details.ends)


def add_meeting(db: Session, cohort: Cohort, details: MeetingDetails, now: datetime) -> Meeting:
    """A single draft session, outside or alongside the generated schedule."""
    starts_at, ends_at = _times(details)
    meeting = Meeting(
        cohort=cohort,
        title=details.title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=details.place.strip(),
        online_link=details.online_link.strip(),
        agenda=details.agenda,
        status=MeetingStatus.DRAFT.value,
        created_at=now,
        updated_at=now,
    )
    db.add(meeting)
    renumber(db, cohort.id)
    return meeting


def details_of(meeting: Meeting) -> MeetingDetails:
    starts, ends = utc_to_uk(meeting.starts_at), utc_to_uk(meeting.ends_at)
    return MeetingDetails(
        day=starts.date(),
        starts=starts.time().replace(tzinfo=None),
        ends=ends.time().replace(tzinfo=None),
        title=meeting.title,
        place=meeting.place,
        online_link=meeting.online_link,
        agenda=meeting.agenda,
    )


def update_meeting(
    db: Session,
    meeting: Meeting,
    details: MeetingDetails,
    now: datetime,
    actor: User | None = None,
) -> None:
    """Change one session; calendars are told to replace it when its time or place moves, and
    the set (told by `actor`) when a published one does."""
    starts_at, ends_at = _times(details)
    place, link = details.place.strip(), details.online_link.strip()
    moved = (starts_at, ends_at, place, link) != (
        meeting.starts_at,
        meeting.ends_at,
        meeting.place,
        meeting.online_link,
    )
    if moved or details.title.strip() != meeting.title:
        meeting.sequence += 1
    meeting.title = details.title.strip()
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.online_link = place, link
    meeting.agenda = details.agenda
    meeting.updated_at = now
    renumber(db, meeting.cohort_id)
    if moved and actor is not None and meeting.is_published:
        tell_about_session(db, meeting, actor, "has changed", now, email_now=False)


def has_content(meeting: Meeting) -> bool:
    """True when a tutor has put work into the session: regenerating must not lose it."""
    return bool(
        meeting.title
        or meeting.agenda.strip()
        or meeting.items
        or meeting.topics
        or meeting.presenter_slots
        or meeting.attendances
    )


def delete_meeting(db: Session, meeting: Meeting) -> None:
    """Delete a draft session; topics it had taken up go back to the open list."""
    if meeting.is_published:
        raise MeetingError("Unpublish the session before deleting it")
    for topic in list(meeting.topics):
        release_topic(topic)
    cohort_id = meeting.cohort_id
    db.delete(meeting)
    renumber(db, cohort_id)


# --- The schedule ------------------------------------------------------------------------


@dataclass
class ScheduleProposal:
    """What generating a schedule would do, shown to the tutor before anything changes."""

    rule: ScheduleRule
    new: list[PlannedSession] = field(default_factory=list)
    # Published sessions and sessions with content stay exactly as they are.
    kept: list[Meeting] = field(default_factory=list)
    # Empty draft sessions, which the new schedule replaces.
    replaced: list[Meeting] = field(default_factory=list)
    # Months the rule covers that already have a kept session: no second session is added.
    covered_months: list[date] = field(default_factory=list)
    # Months with no such weekday (no fifth Tuesday, say).
    skipped_months: list[date] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.new or self.replaced)


def _existing(db: Session, cohort: Cohort) -> list[Meeting]:
    return list(
        db.scalars(
            select(Meeting)
            .where(Meeting.cohort_id == cohort.id)
            .options(
                selectinload(Meeting.items),
                selectinload(Meeting.topics),
                selectinload(Meeting.presenter_slots),
                selectinload(Meeting.attendances),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def propose_schedule(db: Session, cohort: Cohort, rule: ScheduleRule) -> ScheduleProposal:
    """Empty drafts are replaced; published sessions and sessions with content are kept, and
    the new schedule adds no second session in a month that already has a kept one."""
    planned = occurrences(rule)
    proposal = ScheduleProposal(rule, skipped_months=planned.skipped_months)
    for meeting in _existing(db, cohort):
        if meeting.is_published or has_content(meeting):
            proposal.kept.append(meeting)
        else:
            proposal.replaced.append(meeting)
    kept_months = {_month(utc_to_uk(m.starts_at).date()) for m in proposal.kept}
    for session in planned.sessions:
        month = _month(session.uk_day)
        if month in kept_months:
            proposal.covered_months.append(month)
        else:
            proposal.new.append(session)
    return proposal


def _month(day: date) -> date:
    return day.replace(day=1)


def apply_schedule(
    db: Session, cohort: Cohort, rule: ScheduleRule, now: datetime
) -> ScheduleProposal:
    """Generate the cohort's sessions from the rule, as propose_schedule described."""
    proposal = propose_schedule(db, cohort, rule)
    for meeting in proposal.replaced:
        db.delete(meeting)
    db.flush()
    for session in proposal.new:
        db.add(
            Meeting(
                cohort=cohort,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                place=rule.place.strip(),
                online_link=rule.online_link.strip(),
                status=MeetingStatus.DRAFT.value,
                created_at=now,
                updated_at=now,
            )
        )
    renumber(db, cohort.id)
    return proposal


# --- Publishing --------------------------------------------------------------------------


def publish(
    db: Session,
    meeting: Meeting,
    now: datetime,
    actor: User | None = None,
    email_now: bool = False,
) -> int:
    """Make the session visible to the cohort's participants, and tell the set (when published
    by `actor`): emailed at once with `email_now`, else as each has chosen. How many were
    emailed at once."""
    if meeting.is_published:
        raise MeetingError("This session is already published")
    meeting.status = MeetingStatus.PUBLISHED.value
    meeting.published_at = now
    meeting.updated_at = now
    meeting.sequence += 1
    db.flush()
    if actor is None:
        return 0
    told = tell_about_session(db, meeting, actor, "has been published", now, email_now)
    return sum(1 for notification in told if notification.emailed_at is not None)


def unpublish(db: Session, meeting: Meeting, now: datetime) -> None:
    """Hide the session from participants again; its content and attendance stay."""
    if not meeting.is_published:
        raise MeetingError("This session is not published")
    meeting.status = MeetingStatus.DRAFT.value
    meeting.updated_at = now
    meeting.sequence += 1
    db.flush()


# --- Materials from the library ----------------------------------------------------------


def add_item(db: Session, meeting: Meeting, item: ContentItem, now: datetime) -> MeetingItem:
    """Add a library item at the end of the session's running order; archived items cannot be."""
    if item.archived_at is not None:
        raise MeetingError(
            f"“{item.title}” has been archived from the library, so it cannot be added"
        )
    already = MeetingError(f"“{item.title}” is already in this session")
    if any(existing.content_item_id == item.id for existing in meeting.items):
        raise already
    position = max((existing.position for existing in meeting.items), default=0) + 1
    meeting_item = MeetingItem(content_item=item, position=position)
    try:
        # Two presses at once: the second meets the unique constraint once the first commits.
        with db.begin_nested():
            meeting.items.append(meeting_item)
    except IntegrityError:
        raise already from None
    meeting.updated_at = now
    db.flush()
    return meeting_item


def _in_order(rows: Sequence[Positioned]) -> list[Positioned]:
    return sorted(rows, key=lambda existing: (existing.position, existing.id))


def _renumber(rows: Sequence[Positioned]) -> None:
    for position, existing in enumerate(rows, start=1):
        existing.position = position


def _swap_with_neighbour(
    rows: Sequence[Positioned], row: Positioned, direction: str, refusal: str
) -> None:
    """Move a row one place up or down in its running order; positions stay 1, 2, 3…"""
    ordered = _in_order(rows)
    index = ordered.index(row)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        raise MeetingError(refusal)
    ordered[index], ordered[other] = ordered[other], ordered[index]
    _renumber(ordered)


def _moved(db: Session, meeting: Meeting, running_order: str, now: datetime) -> None:
    """A row of the session's `running_order` (its items or presenter slots) moved: reload it."""
    meeting.updated_at = now
    db.flush()
    db.expire(meeting, [running_order])


# --- Presenter slots ---------------------------------------------------------------------


def add_presenter_slot(
    db: Session, meeting: Meeting, challenge: Challenge | None, actor: User, now: datetime
) -> PresenterSlot:
    """Give one of the cohort's open challenges a slot in the session; its owner presents it.

    Only someone who can read the challenge (the set's tutor) can choose it, so a programme
    admin planning a session never learns what the set is working on.
    """
    if (
        challenge is None
        or not authz.can(actor, "challenge:view", challenge)
        or challenge.cohort_id != meeting.cohort_id
    ):
        raise MeetingError("Choose one of this learning set's open challenges")
    if not challenge.is_open:
        raise MeetingError(f"“{challenge.title}” is not open, so it cannot be presented")
    if not authz.is_participant(challenge.owner, meeting.cohort_id):
        raise MeetingError("Choose a challenge whose owner is a participant of this set")
    if any(slot.challenge_id == challenge.id for slot in meeting.presenter_slots):
        raise MeetingError(f"“{challenge.title}” already has a slot in this session")
    position = max((slot.position for slot in meeting.presenter_slots), default=0) + 1
    slot = PresenterSlot(
        user_id=challenge.owner_id, challenge_id=challenge.id, topic="", position=position
    )
    meeting.presenter_slots.append(slot)
    meeting.updated_at = now
    db.flush()
    return slot


def renumber_slots(meeting: Meeting) -> None:
    """Presenters 1, 2, 3… in their order, after one has gone."""
    _renumber(_in_order(meeting.presenter_slots))


# --- Running orders: materials and presenter slots alike ---------------------------------

# What each kind of row in a session's running order is called on the session, and what a
# move past either end is told.
RUNNING_ORDERS: dict[type, tuple[str, str]] = {
    MeetingItem: ("items", "That item cannot move any further"),
    PresenterSlot: ("presenter_slots", "That presenter cannot move any further"),
}


def move_in_running_order(
    db: Session, row: MeetingItem | PresenterSlot, direction: str, now: datetime
) -> None:
    """Swap an item or a presenter with its neighbour above or below; positions stay 1, 2, 3…"""
    running_order, refusal = RUNNING_ORDERS[type(row)]
    _swap_with_neighbour(getattr(row.meeting, running_order), row, direction, refusal)
    _moved(db, row.meeting, running_order, now)


def take_out_of_running_order(db: Session, row: MeetingItem | PresenterSlot, now: datetime) -> None:
    """Take an item (it stays in the library) or a presenter slot out of the session; those
    after it move up."""
    meeting = row.meeting
    rows = getattr(meeting, RUNNING_ORDERS[type(row)][0])
    rows.remove(row)
    _renumber(_in_order(rows))
    meeting.updated_at = now
    db.flush()


# --- Attendance --------------------------------------------------------------------------


def has_started(meeting: Meeting, now: datetime) -> bool:
    return meeting.starts_at <= now


def record_attendance(
    db: Session, meeting: Meeting, present_ids: set[int], actor: User, now: datetime
) -> None:
    """Record who of the cohort's participants attended, once the session has started."""
    if not has_started(meeting, now):
        raise MeetingError("You can record attendance once the session has started")
    participants = {user.id for user in authz.people_in(db, meeting.cohort_id, Role.PARTICIPANT)}
    if not present_ids <= participants:
        raise MeetingError("Choose from the participants of this learning set")
    existing = {record.user_id: record for record in meeting.attendances}
    for user_id in participants:
        record = existing.get(user_id)
        if record is None:
            record = Attendance(user_id=user_id)
            meeting.attendances.append(record)
        present = user_id in present_ids
        if record.id is None or record.present != present:
            record.present = present
            record.recorded_at = now
            record.recorded_by_id = actor.id
    db.flush()
