"""Outgoing email, through a queue: no request waits on a mail server.

An action queues its emails in its own transaction (`queue_message`, or `queue_built` for a
kind a feature builds at delivery time); `flask mail send` delivers what is due, by SMTP when
MAIL_SERVER is set, otherwise as .eml files in the outbox folder. Without a mail server (a
laptop), the queue is also delivered just after each response that queued something, so
`make run` needs no cron.
"""

from __future__ import annotations

import functools
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import click
from flask import Flask, Response, current_app, g, has_app_context, render_template
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from learnset.db import database, utcnow
from learnset.forms import one_line
from learnset.mail import queue
from learnset.mail.models import OutgoingMail


class MailError(Exception):
    """The message could not be handed to the mail server. `permanent` when the server refused
    this message for good (a 5xx reply to its recipient or its content): trying it again would
    only be refused again, so it is given up on at once, for an admin to look at."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Composed:
    """What an email says, ready to send."""

    subject: str
    body: str


# Builds a queued email of one kind at delivery time, or None when there is nothing to send.
Builder = Callable[[Session, OutgoingMail, datetime], Composed | None]
_BUILDERS: dict[str, Builder] = {}


def builder(kind: str) -> Callable[[Builder], Builder]:
    """Register how to build emails of a kind (a feature's emails module does this)."""

    def register(function: Builder) -> Builder:
        _BUILDERS[kind] = function
        return function

    return register


# --- Queueing, inside the action's transaction ----------------------------------------------


def _note_queued() -> None:
    if has_app_context():
        g.learnset_mail_queued = True


def queue_message(db: Session, to: str, subject: str, template: str, **context: Any) -> None:
    """Queue an email whose text can be written now (no secret link in it)."""
    body = render_template(template, **context)
    queue.add(db, kind=queue.MESSAGE, recipient=to, subject=subject, body=body, now=utcnow())
    _note_queued()


def queue_built(db: Session, kind: str, to: str, **data: Any) -> None:
    """Queue an email that a registered builder writes at delivery time from `data`."""
    queue.add(db, kind=kind, recipient=to, data=data, now=utcnow())
    _note_queued()


# --- Delivery ----------------------------------------------------------------------------------


@dataclass
class Delivery:
    """What one pass of the sender did."""

    sent: int = 0
    dropped: int = 0
    # Attempts that failed and will be tried again, and emails given up on in this pass.
    retrying: int = 0
    given_up: int = 0

    @property
    def failed(self) -> int:
        return self.retrying + self.given_up

    def summary(self) -> str:
        parts = [f"{self.sent} sent"]
        if self.dropped:
            parts.append(f"{self.dropped} not needed")
        if self.retrying:
            parts.append(f"{self.retrying} failed, to be retried")
        if self.given_up:
            parts.append(f"{self.given_up} given up after the last attempt")
        return "Mail queue: " + ", ".join(parts) + "."


def retry_policy() -> queue.RetryPolicy:
    config = current_app.config
    return queue.RetryPolicy(
        max_attempts=config["MAIL_MAX_ATTEMPTS"],
        first_delay=timedelta(seconds=config["MAIL_RETRY_SECONDS"]),
        longest_delay=timedelta(seconds=config["MAIL_RETRY_MAX_SECONDS"]),
    )


def _compose(db: Session, mail: OutgoingMail, now: datetime) -> Composed | None:
    if mail.kind == queue.MESSAGE:
        return Composed(mail.subject, mail.body)
    build = _BUILDERS.get(mail.kind)
    if build is None:
        raise MailError(f"no builder for emails of kind {mail.kind!r}")
    return build(db, mail, now)


def deliver_due(now: Callable[[], datetime] = utcnow, limit: int | None = None) -> Delivery:
    """Deliver every email whose time has come, each in its own transactions: claimed, built,
    handed to the server, then marked sent; a failure is recorded for a later retry."""
    report = Delivery()
    sessions = database().writer_sessions
    policy = retry_policy()
    with sessions() as db:
        due = queue.due_ids(db, now(), limit)
    for mail_id in due:
        with sessions() as db:
            mail = queue.claim(db, mail_id, now())
            db.commit()
            if mail is None:
                continue
            try:
                composed = _compose(db, mail, now())
                if composed is None:
                    queue.drop(db, mail)
                    db.commit()
                    report.dropped += 1
                    continue
                _transport(mail, composed)
            except Exception as error:
                # Whatever the builder made (a new invitation link) goes with the attempt.
                db.rollback()
                reason = str(error) if isinstance(error, MailError) else repr(error)
                permanent = isinstance(error, MailError) and error.permanent
                failed = queue.record_failure(db, mail_id, reason, now(), policy, permanent)
                db.commit()
                if failed is not None and failed.failed_at is not None:
                    report.given_up += 1
                else:
                    report.retrying += 1
                _log_failure(mail_id, failed, reason)
                continue
            queue.mark_sent(db, mail, now())
            db.commit()
            report.sent += 1
    return report


def _log_failure(mail_id: int, mail: OutgoingMail | None, reason: str) -> None:
    if mail is None:
        return
    if mail.failed_at is not None:
        current_app.logger.error(
            "Email %s (%s) given up after %s attempts: %s",
            mail_id,
            mail.kind,
            mail.attempts,
            reason,
        )
    else:
        current_app.logger.warning(
            "Email %s (%s) not sent, attempt %s; next try at %s: %s",
            mail_id,
            mail.kind,
            mail.attempts,
            mail.next_attempt_at.isoformat() if mail.next_attempt_at else "never",
            reason,
        )


# --- Transport: SMTP or the outbox folder ----------------------------------------------------


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    # A header is one line; a name typed with a line break in it would stop the message.
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="learnset.invalid")
    message.set_content(body)
    return message


def _transport(mail: OutgoingMail, composed: Composed) -> None:
    message = build_message(mail.recipient, composed.subject, composed.body)
    if current_app.config["MAIL_SERVER"]:
        _send_smtp(message)
    else:
        path = _write_to_outbox(message)
        # Never the link, nor the address: the log is read by more people than the mail is.
        current_app.logger.info("Email %s (%s) written to %s", mail.id, mail.kind, path.name)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    try:
        with smtplib.SMTP(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
        ) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(_reason(error), _refused_for_good(error)) from error


def _reason(error: Exception) -> str:
    """One line for the log and the admins' page: the server's reply as it gave it."""
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"{type(error).__name__}: {error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"


def _refused_for_good(error: Exception) -> bool:
    """A 5xx reply about this message: its recipient or its content. A refused sign-in or
    sender is the server's settings, not the message, and is worth trying again once mended."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPAuthenticationError | smtplib.SMTPSenderRefused):
        return False
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _write_to_outbox(message: EmailMessage) -> Path:
    outbox = Path(current_app.config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    return path


# Copies written to the outbox folder (no MAIL_SERVER: a laptop or a test) are kept this long.
KEEP_OUTBOX = timedelta(days=7)


def purge_outbox(folder: Path, now: datetime) -> int:
    """Delete the outbox folder's email files written more than 7 days ago."""
    if not folder.is_dir():
        return 0
    cutoff = (now - KEEP_OUTBOX).timestamp()
    removed = 0
    for path in folder.glob("*.eml"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an email, built on BASE_URL rather than on the request's Host header."""
    from flask import has_request_context, url_for

    base_url: str = current_app.config["BASE_URL"]
    if has_request_context():
        return base_url + url_for(endpoint, **values)
    # The sender and commands run by cron have no request: build the path from the URL map.
    adapter = current_app.url_map.bind("localhost")
    return base_url + adapter.build(endpoint, values)


# --- Without a mail server: deliver just after the response -----------------------------------


def _deliver_quietly(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_due()
        except Exception:
            # The response has gone; a failure here must not reach the person, only the log.
            app.logger.exception("Delivering the mail queue after a response failed")


def _delivers_locally() -> bool:
    # Only in outbox mode: with a real mail server, delivery is the worker's job (cron or
    # `flask mail send --loop`), so no web worker is held up by SMTP.
    config = current_app.config
    return bool(config["MAIL_DELIVER_AFTER_RESPONSE"]) and not config["MAIL_SERVER"]


def _deliver_after_response(response: Response) -> Response:
    if g.pop("learnset_mail_queued", False) and _delivers_locally():
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy at run time
        response.call_on_close(lambda: _deliver_quietly(app))
    return response


def deliver_now_if_local() -> Delivery | None:
    """For commands that queue mail: without a mail server, deliver at once, as requests do."""
    if _delivers_locally():
        return deliver_due()
    return None


def mail_command(name: str) -> Callable[[Callable[[Session], str]], click.Command]:
    """A `flask` command that queues email: the function does its work in one transaction and
    returns what to say, said once that has committed; then `deliver_now_if_local`."""

    def make(work: Callable[[Session], str]) -> click.Command:
        @functools.wraps(work)
        def command() -> None:
            with database().writer_sessions.begin() as session:
                said = work(session)
            click.echo(said)
            deliver_now_if_local()

        return click.command(name)(with_appcontext(command))

    return make


def init_app(app: Flask) -> None:
    app.after_request(_deliver_after_response)
