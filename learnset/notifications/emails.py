"""Notification emails, written by the mail sender at delivery time (see learnset/mail). They
carry the kind of event and a link, never anyone's words: the description is the code's."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset import mail
from learnset.mail.models import OutgoingMail
from learnset.notifications.digests import DIGEST_EMAIL
from learnset.notifications.models import Notification
from learnset.notifications.services import AT_ONCE_EMAIL


def _links() -> dict[str, str]:
    return {
        "list_link": mail.absolute_url("notifications.index"),
        "preferences_link": mail.absolute_url("notifications.preferences"),
    }


@mail.builder(AT_ONCE_EMAIL)
def at_once(db: Session, outgoing: OutgoingMail, now: datetime) -> mail.Composed | None:
    """One notification; nothing if it has been read or deleted since."""
    wanted = outgoing.data.get("id")
    notification = db.get(Notification, wanted) if isinstance(wanted, int) else None
    if notification is None or notification.read_at is not None:
        return None
    body = render_template(
        "email/notification.txt",
        notification=notification,
        link=current_app.config["BASE_URL"] + notification.link,
        **_links(),
    )
    return mail.Composed(f"Learnset: {notification.kind_label.lower()}", body)


@mail.builder(DIGEST_EMAIL)
def digest(db: Session, outgoing: OutgoingMail, now: datetime) -> mail.Composed | None:
    """A summary of the notifications still unread; nothing if all have been read."""
    ids = [i for i in outgoing.data.get("ids", []) if isinstance(i, int)]
    notifications = list(
        db.scalars(
            select(Notification)
            .where(Notification.id.in_(ids), Notification.read_at.is_(None))
            .order_by(Notification.created_at, Notification.id)
        )
    )
    if not notifications:
        return None
    body = render_template("email/notification_digest.txt", notifications=notifications, **_links())
    count = len(notifications)
    return mail.Composed(f"Learnset: {count} new notification{'' if count == 1 else 's'}", body)
