"""What the members of a learning set are told about its sessions and topics (through
learnset/notifications), in the transaction of the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.cohorts.models import Membership
from learnset.dates import uk_date, uk_time
from learnset.meetings.models import Meeting
from learnset.notifications.models import Notification, NotificationKind
from learnset.notifications.services import notify


def members_of(db: Session, cohort_id: int, actor: User | None) -> list[User]:
    """Everyone active in the cohort except the person acting."""
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort_id, User.is_active.is_(True))
        .order_by(User.name, User.id)
    )
    if actor is not None:
        query = query.where(User.id != actor.id)
    return list(db.scalars(query))


def when(meeting: Meeting) -> str:
    return (
        f"{uk_date(meeting.starts_at)}, {uk_time(meeting.starts_at)} to "
        f"{uk_time(meeting.ends_at)} (UK time)"
    )


def tell_about_session(
    db: Session, meeting: Meeting, actor: User, happened: str, now: datetime, email_now: bool
) -> list[Notification]:
    """Tell the set that one of its published sessions was published or changed."""
    return notify(
        db,
        members_of(db, meeting.cohort_id, actor),
        NotificationKind.SESSION,
        actor=actor,
        link=f"/sessions/{meeting.id}",
        description=(
            f"{meeting.display_title} of {meeting.cohort.name}, {when(meeting)}, {happened}"
        ),
        now=now,
        email_now=email_now,
    )


def tell_topic_taken_up(db: Session, meeting: Meeting, actor: User, now: datetime) -> None:
    """Tell the set that a topic it proposed will be taken up in a session; the topic's own
    words stay on the set's topics page. A draft session is not named: participants do not
    see drafts, and the topics page does not name it to them either."""
    session = meeting.display_title if meeting.is_published else "a session still being planned"
    notify(
        db,
        members_of(db, meeting.cohort_id, actor),
        NotificationKind.TOPIC,
        actor=actor,
        link=f"/cohorts/{meeting.cohort_id}/topics",
        description=f"{actor.name} took up a topic of {meeting.cohort.name} for {session}",
        now=now,
    )
