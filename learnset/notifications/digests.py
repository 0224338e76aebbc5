"""Daily and weekly summaries: `flask send-notification-digests`, run by cron (daily, say at
7am). A daily summary carries what waited before today began; a weekly one what waited before
this week began (Monday, UK time). Each notification is marked as it is queued, so running the
command twice sends nothing twice."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset import mail
from learnset.accounts.models import User
from learnset.dates import UK
from learnset.notifications.models import Frequency, Notification, NotificationKind
from learnset.notifications.services import frequencies, frequency_for

DIGEST_EMAIL = "notification-digest"


def cut_offs(now: datetime) -> tuple[datetime, datetime]:
    """The start of today and of this week (Monday), UK time."""
    today = now.astimezone(UK).date()
    day = datetime.combine(today, time(0), tzinfo=UK)
    week = datetime.combine(today - timedelta(days=today.weekday()), time(0), tzinfo=UK)
    return day, week


def due_digests(db: Session, now: datetime) -> dict[User, list[Notification]]:
    """Per person, the waiting notifications their next summary should carry now."""
    day, week = cut_offs(now)
    waiting = list(
        db.scalars(
            select(Notification)
            .join(User, User.id == Notification.recipient_id)
            .where(
                Notification.digest_due.is_(True),
                Notification.read_at.is_(None),
                Notification.created_at < day,
                User.is_active.is_(True),
            )
            .order_by(Notification.recipient_id, Notification.created_at, Notification.id)
        )
    )
    chosen = frequencies(db, {n.recipient_id for n in waiting})
    due: dict[User, list[Notification]] = defaultdict(list)
    for notification in waiting:
        frequency = frequency_for(
            chosen, notification.recipient_id, NotificationKind(notification.kind)
        )
        if frequency == Frequency.DAILY or (
            frequency == Frequency.WEEKLY and notification.created_at < week
        ):
            due[notification.recipient].append(notification)
    return dict(due)


def send_digests(db: Session, now: datetime) -> int:
    """Queue one summary email per person with something due; how many were queued."""
    due = due_digests(db, now)
    for person, notifications in due.items():
        for notification in notifications:
            notification.digest_due = False
            notification.emailed_at = now
        mail.queue_built(db, DIGEST_EMAIL, person.email, ids=[n.id for n in notifications])
    db.flush()
    return len(due)
