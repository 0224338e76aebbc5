from types import SimpleNamespace

from learnset.db import utcnow
from learnset.mail import queue
from tests.matrix import Route

NOT_ADMIN = {"participant", "fellow", "tutor", "other_tutor", "outsider"}


def _given_up(db, _people):
    mail = queue.add(db, kind=queue.MESSAGE, recipient="someone@example.org", now=utcnow())
    mail.failed_at, mail.next_attempt_at, mail.attempts = utcnow(), None, 10
    db.flush()
    return SimpleNamespace(mail=mail)


ROUTES = [
    Route("governance.audit_log", "/audit", {"admin"}, forbidden=NOT_ADMIN),
    Route("governance.audit_export", "/audit.csv", {"admin"}, forbidden=NOT_ADMIN),
    Route("governance.failed_mail", "/mail/failed", {"admin"}, forbidden=NOT_ADMIN),
    Route(
        "governance.retry_mail",
        "/mail/{mail.id}/retry",
        {"admin"},
        forbidden=NOT_ADMIN,
        setup=_given_up,
    ),
    Route(
        "governance.retry_mail",
        "/mail/{mail.id}/retry",
        {"admin"},
        "POST",
        forbidden=NOT_ADMIN,
        setup=_given_up,
    ),
]
