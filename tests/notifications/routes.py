"""Every notifications route against every role. A notification is its recipient's alone
(`participant` here): anyone else, the admin and the set's tutor included, gets 404."""

from types import SimpleNamespace

from learnset.db import utcnow
from learnset.notifications.models import NotificationKind
from learnset.notifications.services import notify
from tests.matrix import EVERYONE, Route, page_and_form


def _participants_notification(db, people):
    (notification,) = notify(
        db,
        [people.participant],
        NotificationKind.COMMENT,
        actor=people.tutor,
        link="/notifications",
        description="Tess Tutor commented on a reflection you shared",
        now=utcnow(),
    )
    return SimpleNamespace(notification=notification)


ROUTES = [
    Route("notifications.index", "/notifications", EVERYONE),
    Route(
        "notifications.open_one",
        "/notifications/{notification.id}/open",
        {"participant"},
        "POST",
        setup=_participants_notification,
    ),
    Route(
        "notifications.mark_read",
        "/notifications/{notification.id}/read",
        {"participant"},
        "POST",
        setup=_participants_notification,
    ),
    Route("notifications.mark_all_read", "/notifications/read-all", EVERYONE, "POST"),
    *page_and_form(
        "notifications.preferences",
        "/account/notifications",
        EVERYONE,
        data={kind.value: "daily" for kind in NotificationKind},
    ),
]
