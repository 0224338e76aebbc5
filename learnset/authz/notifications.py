"""Notifications (learnset/notifications/): each is its recipient's alone. Anyone else's,
an admin's included, answers as if it did not exist."""

from __future__ import annotations

from typing import Any

from learnset.accounts.models import User
from learnset.authz.roles import Rule, signed_in
from learnset.notifications.models import Notification


def _own(user: User, notification: Any) -> bool:
    return isinstance(notification, Notification) and notification.recipient_id == user.id


RULES: dict[str, Rule] = {
    "notification:view": _own,
    "notification:list": signed_in,
}
