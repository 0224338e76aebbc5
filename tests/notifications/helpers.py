"""What each person has been told, for the notifications' tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from learnset.mail.models import OutgoingMail
from learnset.notifications.models import Notification
from learnset.notifications.services import AT_ONCE_EMAIL


def told(db: Any, kind: str | None = None) -> dict[str, list[str]]:
    """Recipient's name to the descriptions of their notifications (of one kind if given)."""
    query = select(Notification).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    result: dict[str, list[str]] = {}
    for notification in db.scalars(query):
        result.setdefault(notification.recipient.name, []).append(notification.description)
    return result


def queued_to(db: Any) -> list[str]:
    """The addresses of the notification emails waiting to go."""
    return sorted(
        db.scalars(select(OutgoingMail.recipient).where(OutgoingMail.kind == AT_ONCE_EMAIL))
    )
