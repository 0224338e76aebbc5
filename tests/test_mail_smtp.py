"""The mail queue against a real SMTP server, started in the test with aiosmtpd (issue 15,
item 3): a message arrives with its headers; a server that is down, or too slow to answer
within MAIL_TIMEOUT, is a failure retried later with back-off; a message the server refuses
for good (550) is given up on at once, for an admin to see; and a request that queues mail
never talks to the server itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from types import SimpleNamespace
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from learnset import mail
from learnset.db import utcnow
from learnset.mail.models import OutgoingMail
from tests.helpers import free_port, submit


class Handler:
    """What the server does with a message: takes it, refuses it, or takes too long."""

    def __init__(self) -> None:
        self.received: list[SimpleNamespace] = []
        self.reply = "250 Message accepted for delivery"
        self.delay = 0.0
        self.refuse_recipients = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_recipients:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reply.startswith("250"):
            self.received.append(
                SimpleNamespace(
                    sender=envelope.mail_from,
                    recipients=list(envelope.rcpt_tos),
                    message=message_from_bytes(envelope.original_content),
                )
            )
        return self.reply


@pytest.fixture
def smtp(app) -> Iterator[Handler]:  # type: ignore[no-untyped-def]
    """A real SMTP server on a free local port, with the app's mail settings pointed at it."""
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_TIMEOUT=5,
        MAIL_FROM="Learnset <learnset@nhs.example>",
        MAIL_MAX_ATTEMPTS=3,
        MAIL_RETRY_SECONDS=60,
        MAIL_RETRY_MAX_SECONDS=3600,
    )
    yield handler
    controller.stop()


def _queue(
    app, db, to: str = "pat@example.org", subject: str = "Your next session"
) -> OutgoingMail:  # type: ignore[no-untyped-def]
    with app.app_context():
        from learnset.mail import queue

        queued = queue.add(
            db, kind=queue.MESSAGE, recipient=to, subject=subject,
            body="The session is on Tuesday.\n", now=utcnow(),
        )  # fmt: skip
    db.commit()
    return queued


def _deliver(app, when=None) -> mail.Delivery:  # type: ignore[no-untyped-def]
    with app.app_context():
        return mail.deliver_due(now=(lambda: when) if when else utcnow)


def test_a_queued_email_arrives_with_its_headers(app, db, smtp):
    queued = _queue(app, db)
    report = _deliver(app)
    assert report.sent == 1
    [arrived] = smtp.received
    assert arrived.sender == "learnset@nhs.example"
    assert arrived.recipients == ["pat@example.org"]
    message = arrived.message
    assert message["From"] == "Learnset <learnset@nhs.example>"
    assert message["To"] == "pat@example.org"
    assert message["Subject"] == "Your next session"
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "text/plain"
    assert message.get_payload(decode=True).decode().splitlines() == ["The session is on Tuesday."]
    db.refresh(queued)
    assert queued.sent_at is not None and queued.attempts == 1 and queued.last_error is None


def test_a_server_that_is_down_is_tried_again_later_with_back_off(app, db, smtp):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there: the connection is refused
    queued = _queue(app, db)
    start = utcnow()
    assert _deliver(app, start).retrying == 1
    db.refresh(queued)
    assert queued.attempts == 1
    assert "ConnectionRefusedError" in queued.last_error
    assert queued.next_attempt_at == start + timedelta(seconds=60)
    # Not before its time; then a second failure waits twice as long.
    assert _deliver(app, start + timedelta(seconds=59)).failed == 0
    second = start + timedelta(seconds=60)
    assert _deliver(app, second).retrying == 1
    db.refresh(queued)
    assert queued.attempts == 2
    assert queued.next_attempt_at == second + timedelta(seconds=120)
    # The server is back: the third attempt delivers it.
    app.config["MAIL_PORT"] = port
    assert _deliver(app, queued.next_attempt_at).sent == 1
    db.refresh(queued)
    assert queued.attempts == 3 and queued.sent_at is not None and queued.last_error is None
    assert len(smtp.received) == 1


def test_a_slow_server_is_a_failure_counted_not_a_hang(app, db, smtp):
    app.config["MAIL_TIMEOUT"] = 0.5
    smtp.delay = 3
    queued = _queue(app, db)
    started = time.monotonic()
    report = _deliver(app)
    took = time.monotonic() - started
    assert report.retrying == 1 and report.sent == 0
    assert took < 2.5, f"the sender waited {took:.1f} s on a server that does not answer"
    db.refresh(queued)
    assert queued.attempts == 1 and queued.sent_at is None
    assert "timed out" in queued.last_error.lower()
    assert queued.next_attempt_at is not None and queued.failed_at is None


def test_a_message_refused_for_good_is_given_up_at_once_for_admins_to_see(
    app, db, smtp, login, people
):
    smtp.reply = "550 5.7.1 Message refused"
    queued = _queue(app, db)
    report = _deliver(app)
    assert report.given_up == 1 and report.retrying == 0
    db.refresh(queued)
    assert queued.attempts == 1 and queued.failed_at is not None and queued.next_attempt_at is None
    assert "550" in queued.last_error
    assert smtp.received == []
    page = login(people.admin).get("/mail/failed").get_data(as_text=True)
    assert "pat@example.org" in page and "550 5.7.1 Message refused" in page


def test_a_refused_recipient_is_given_up_at_once(app, db, smtp):
    smtp.refuse_recipients = True
    queued = _queue(app, db)
    assert _deliver(app).given_up == 1
    db.refresh(queued)
    assert "SMTPRecipientsRefused" in queued.last_error and queued.failed_at is not None


def test_a_temporary_refusal_is_tried_again(app, db, smtp):
    smtp.reply = "451 4.3.0 Try again later"
    queued = _queue(app, db)
    assert _deliver(app).retrying == 1
    db.refresh(queued)
    assert queued.failed_at is None and queued.next_attempt_at is not None
    smtp.reply = "250 OK"
    assert _deliver(app, queued.next_attempt_at).sent == 1


def test_an_email_given_up_on_and_sent_again_by_an_admin_arrives(app, db, smtp, login, people):
    smtp.reply = "550 5.7.1 Message refused"
    queued = _queue(app, db)
    _deliver(app)
    smtp.reply = "250 OK"
    admin = login(people.admin)
    assert submit(admin, f"/mail/{queued.id}/retry", {}).status_code == 302
    assert _deliver(app).sent == 1
    assert [arrived.recipients for arrived in smtp.received] == [["pat@example.org"]]


def test_a_request_that_queues_mail_returns_without_contacting_the_server(
    app, client, db, smtp, people
):
    app.config["MAIL_DELIVER_AFTER_RESPONSE"] = True
    smtp.delay = 3  # were the request to deliver, it would wait for this
    started = time.monotonic()
    response = submit(client, "/forgot-password", {"email": people.participant.email})
    response.close()
    assert response.status_code == 200
    assert time.monotonic() - started < 2
    assert smtp.received == []
    queued = db.scalar(select(OutgoingMail))
    assert queued.attempts == 0 and queued.sent_at is None and queued.last_error is None
    # The worker delivers it.
    smtp.delay = 0
    assert _deliver(app).sent == 1
    [arrived] = smtp.received
    assert arrived.recipients == [people.participant.email]
    assert "reset" in arrived.message["Subject"].lower()


def test_only_the_mail_kit_speaks_smtp():
    """Every feature queues (mail.queue_message, mail.queue_built) in its own transaction; only
    learnset/mail/ opens a connection, and only the sender (`flask mail send`) calls it."""
    from learnset import PROJECT_ROOT

    speaking = sorted(
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "learnset").rglob("*.py")
        if "smtplib" in path.read_text()
    )
    assert speaking == ["learnset/mail/__init__.py"]
