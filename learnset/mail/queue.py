"""The mail queue's rules: adding, claiming, retrying with back-off, giving up. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from learnset.db import delete_where, rowcount
from learnset.mail.models import OutgoingMail

# The kind whose subject and body are stored when it is queued.
MESSAGE = "message"
# Longer than any delivery takes: a sender that dies mid-way leaves the email to be retried.
LEASE = timedelta(minutes=10)
# How long an email stays in the table once sent, or once given up on (for the operator to see
# why): its recipient and, for some, its text are personal data.
KEEP_SENT = timedelta(days=7)
KEEP_GIVEN_UP = timedelta(days=30)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    first_delay: timedelta
    longest_delay: timedelta

    def delay_after(self, attempts: int) -> timedelta:
        """Exponential back-off: the first delay, doubled after each failed attempt, capped."""
        doubling: int = 2 ** max(attempts - 1, 0)  # an int: the exponent is never negative
        return min(self.first_delay * doubling, self.longest_delay)


def add(
    db: Session,
    *,
    kind: str,
    recipient: str,
    now: datetime,
    subject: str = "",
    body: str = "",
    data: dict[str, Any] | None = None,
) -> OutgoingMail:
    """Queue one email, due at once; it goes when the action's transaction commits."""
    mail = OutgoingMail(
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        data=data or {},
        created_at=now,
        attempts=0,
        next_attempt_at=now,
    )
    db.add(mail)
    db.flush()
    return mail


def due_ids(db: Session, now: datetime, limit: int | None = None) -> list[int]:
    """The emails whose time to be tried has come, oldest first."""
    query = (
        select(OutgoingMail.id)
        .where(OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.scalars(query))


def claim(db: Session, mail_id: int, now: datetime) -> OutgoingMail | None:
    """Take one due email for this sender, counting the attempt; None if another sender has it.

    One conditional UPDATE, so two senders (cron on two servers, a worker and a request) never
    both take it. Commit straight after, so the claim holds while the email is being sent."""
    claimed = db.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.next_attempt_at <= now)
        .values(attempts=OutgoingMail.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    if rowcount(claimed) != 1:
        return None
    return db.get(OutgoingMail, mail_id, populate_existing=True)


def mark_sent(db: Session, mail: OutgoingMail, now: datetime) -> None:
    """The server took it: never try it again."""
    mail.sent_at = now
    mail.next_attempt_at = None
    mail.last_error = None
    db.flush()


def drop(db: Session, mail: OutgoingMail) -> None:
    """Nothing to send after all (no such account, the invitation was withdrawn): forget it,
    so an address typed by someone without an account is not kept."""
    db.execute(delete(OutgoingMail).where(OutgoingMail.id == mail.id))
    db.flush()


def record_failure(
    db: Session,
    mail_id: int,
    error: str,
    now: datetime,
    policy: RetryPolicy,
    permanent: bool = False,
) -> OutgoingMail | None:
    """Note why the attempt failed; try again after the back-off, or give up after the last
    attempt (or at once, when the server refused the message for good). Either way the email
    stays in the table, for admins to see and send again."""
    mail = db.get(OutgoingMail, mail_id, populate_existing=True)
    if mail is None:
        return None
    mail.last_error = error[:2000]
    if permanent or mail.attempts >= policy.max_attempts:
        mail.failed_at = now
        mail.next_attempt_at = None
    else:
        mail.next_attempt_at = now + policy.delay_after(mail.attempts)
    db.flush()
    return mail


class NotGivenUp(ValueError):
    """Only an email the sender gave up on can be queued again."""


def requeue(db: Session, mail: OutgoingMail, now: datetime) -> None:
    """Give an email that was given up on a fresh set of attempts, due at once (an admin does
    this once the mail server is mended). Its last error stays until the next attempt."""
    if mail.failed_at is None:
        raise NotGivenUp("This email is not one the sender gave up on")
    mail.failed_at = None
    mail.attempts = 0
    mail.next_attempt_at = now
    db.flush()


def purge(db: Session, now: datetime) -> int:
    """Delete emails sent more than 7 days ago and those given up on more than 30 days ago."""
    return delete_where(
        db,
        OutgoingMail,
        or_(OutgoingMail.sent_at < now - KEEP_SENT, OutgoingMail.failed_at < now - KEEP_GIVEN_UP),
    )
