"""Telling people what happened: the features that act call `notify` inside their own
transaction, so a change that fails tells nobody. Each person's choices decide whether they are
told at all and when they are emailed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from learnset import mail
from learnset.accounts.models import User
from learnset.accounts.personal_data import Read, entries
from learnset.db import PERSON, delete_where, rowcount
from learnset.notifications.models import (
    DEFAULT_FREQUENCY,
    Frequency,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from learnset.pagination import Page, Paged, paginate

# The kind of queued email that tells one person of one notification, built when it is sent.
AT_ONCE_EMAIL = "notification"
# Read ones are of no more use after this; unread ones are kept as long again.
KEEP_NOTIFICATIONS = timedelta(days=180)
MAX_DESCRIPTION = 300


def frequencies(db: Session, user_ids: Iterable[int]) -> dict[tuple[int, str], Frequency]:
    """Each person's chosen frequency per kind, for the people given (one query); a kind they
    have not chosen for is missing, and `DEFAULT_FREQUENCY` holds."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = db.execute(
        select(NotificationPreference).where(NotificationPreference.user_id.in_(ids))
    ).scalars()
    return {(row.user_id, row.kind): Frequency(row.frequency) for row in rows}


def frequency_for(
    chosen: dict[tuple[int, str], Frequency], user_id: int, kind: NotificationKind
) -> Frequency:
    return chosen.get((user_id, kind.value), DEFAULT_FREQUENCY[kind])


def notify(
    db: Session,
    recipients: Iterable[User],
    kind: NotificationKind,
    *,
    actor: User | None,
    link: str,
    description: str,
    now: datetime,
    email_now: bool = False,
    own_email: bool = False,
) -> list[Notification]:
    """Tell each recipient, except the person who acted and closed accounts, as they chose:
    not at all, or in the app with an email at once or in their next summary. `email_now`
    (a tutor asking for it) emails those who chose a summary at once instead. With
    `own_email` the caller sends its own email to those marked emailed, in place of ours."""
    people: dict[int, User] = {}
    for person in recipients:
        if person.is_active and (actor is None or person.id != actor.id):
            people.setdefault(person.id, person)
    chosen = frequencies(db, people)
    made: list[Notification] = []
    for person in people.values():
        frequency = frequency_for(chosen, person.id, kind)
        if frequency == Frequency.OFF:
            continue
        at_once = frequency == Frequency.AT_ONCE or email_now
        notification = Notification(
            recipient_id=person.id,
            actor_id=actor.id if actor is not None else None,
            kind=kind.value,
            link=link,
            description=description[:MAX_DESCRIPTION],
            created_at=now,
            digest_due=not at_once,
            emailed_at=now if at_once else None,
        )
        db.add(notification)
        made.append(notification)
    if made:
        db.flush()
    for notification in made:
        if notification.emailed_at is not None and not own_email:
            mail.queue_built(
                db, AT_ONCE_EMAIL, people[notification.recipient_id].email, id=notification.id
            )
    return made


# --- Reading and marking ----------------------------------------------------------------------


def unread_count(db: Session, user: User) -> int:
    """How many notifications the person has not read (one query, for the header)."""
    count = db.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
    )
    return count or 0


@cache
def _notifications() -> Paged:
    """Built once: the list is opened often and building it cost more than running it."""
    return Paged.of(
        select(Notification)
        .where(Notification.recipient_id == PERSON)
        .options(joinedload(Notification.actor))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def notifications_page(db: Session, user: User, number: int) -> Page[Notification]:
    """One page of the person's own notifications, newest first, with who acted."""
    return paginate(db, _notifications(), number, values={"person_id": user.id})


def own_notification(db: Session, user: User, notification_id: int) -> Notification | None:
    """One of the person's own notifications; anyone else's is as if it did not exist."""
    return db.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.recipient_id == user.id
        )
    )


def mark_read(db: Session, notification: Notification, now: datetime) -> None:
    """Read: it leaves the count, and no summary will carry it."""
    if notification.read_at is None:
        notification.read_at = now
        notification.digest_due = False
    db.flush()


def mark_all_read(db: Session, user: User, now: datetime) -> int:
    """Every unread notification of the person, read; how many there were."""
    result = db.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now, digest_due=False)
    )
    db.flush()
    return rowcount(result)


# --- Preferences ------------------------------------------------------------------------------


def preferences(db: Session, user: User) -> dict[NotificationKind, Frequency]:
    """The person's frequency for every kind, chosen or by default."""
    chosen = frequencies(db, [user.id])
    return {kind: frequency_for(chosen, user.id, kind) for kind in NotificationKind}


def set_preferences(db: Session, user: User, choices: dict[NotificationKind, Frequency]) -> None:
    """Keep the person's choices. A kind turned off takes its waiting summary lines with it."""
    db.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    for kind, frequency in choices.items():
        db.add(NotificationPreference(user_id=user.id, kind=kind.value, frequency=frequency.value))
        if frequency in (Frequency.OFF, Frequency.AT_ONCE):
            db.execute(
                update(Notification)
                .where(
                    Notification.recipient_id == user.id,
                    Notification.kind == kind.value,
                    Notification.digest_due.is_(True),
                )
                .values(digest_due=False)
            )
    db.flush()


# --- Keeping, and "download your data" ------------------------------------------------------


def purge(db: Session, now: datetime) -> int:
    """Delete notifications more than 180 days old."""
    return delete_where(db, Notification, Notification.created_at < now - KEEP_NOTIFICATIONS)


def personal_data_reads(person: ColumnElement[int]) -> dict[str, Read]:
    """A person's notifications and choices."""
    return {
        "preferences": select(NotificationPreference.kind, NotificationPreference.frequency).where(
            NotificationPreference.user_id == person
        ),
        "notifications": select(
            Notification.kind,
            Notification.description,
            Notification.link,
            Notification.created_at,
            Notification.read_at,
        )
        .where(Notification.recipient_id == person)
        .order_by(Notification.created_at),
    }


def build_personal_data(user: User, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    chosen = {(user.id, row["kind"]): Frequency(row["frequency"]) for row in rows["preferences"]}
    return {
        "preferences": {
            kind.value: frequency_for(chosen, user.id, kind).value for kind in NotificationKind
        },
        "notifications": entries(rows["notifications"]),
    }


def erase_personal_data(db: Session, user: User) -> None:
    """Their notifications and choices go with their account; others' name nobody."""
    db.execute(delete(Notification).where(Notification.recipient_id == user.id))
    db.execute(update(Notification).where(Notification.actor_id == user.id).values(actor_id=None))
    db.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
