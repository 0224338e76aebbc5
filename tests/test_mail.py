"""The mail queue: actions queue email in their transaction; the sender delivers it by SMTP
(MAIL_SERVER set) or to .eml files in the outbox, retrying failures with back-off."""

from __future__ import annotations

import socket
import socketserver
import threading
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import func, select

from learnset import mail
from learnset.db import utcnow
from learnset.mail import queue
from learnset.mail.models import OutgoingMail
from tests.helpers import deliver_mail, submit


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of SMTP to accept one message, as a real server would on the wire."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        data = b""
        in_data = False
        while line := self.rfile.readline():
            if in_data:
                if line == b".\r\n":
                    in_data = False
                    self.server.received.append(data)  # type: ignore[attr-defined]
                    self.wfile.write(b"250 OK\r\n")
                else:
                    data += line[1:] if line.startswith(b"..") else line
                continue
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 test\r\n")
            elif command == b"DATA":
                in_data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


@pytest.fixture
def smtp_server():  # type: ignore[no-untyped-def]
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    """A local port nothing listens on: connecting is refused at once, like a server down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _queue(app, db, to="pat@example.org", subject="Hello"):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        mail.queue_message(
            db, to, subject, "email/session_published.txt", user=_Named("Pat"), meeting=_Meeting(),
            link="http://localhost/sessions/1",
        )  # fmt: skip
    db.commit()
    return db.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc())).first()


class _Named:
    def __init__(self, name: str) -> None:
        self.name = name


class _Meeting:
    display_title = "Session 3"
    cohort = _Named("Riverside set")
    starts_at = ends_at = utcnow()
    place = "Room 2"
    online_link = ""


def _deliver_at(app, when):  # type: ignore[no-untyped-def]
    with app.app_context():
        return mail.deliver_due(now=lambda: when)


def test_queued_email_is_written_to_the_outbox_when_delivered(app, db, outbox):
    queued = _queue(app, db)
    assert Path(app.config["MAIL_OUTBOX"]).exists() is False, "nothing is sent when queued"
    [message] = outbox()
    assert message["To"] == "pat@example.org"
    assert message["Subject"] == "Hello"
    db.refresh(queued)
    assert queued.sent_at is not None and queued.next_attempt_at is None
    assert queued.attempts == 1


def test_outbox_log_names_the_email_by_id_never_its_address_or_link(app, db, caplog):
    queued = _queue(app, db, to="pat@example.org")
    with caplog.at_level("INFO"):
        deliver_mail(app)
    assert f"Email {queued.id} (message) written to" in caplog.text
    assert "pat@example.org" not in caplog.text
    assert "http://localhost/sessions/1" not in caplog.text


def test_an_email_is_delivered_once(app, db, outbox):
    _queue(app, db)
    assert len(outbox()) == 1
    assert deliver_mail(app).sent == 0
    assert len(outbox()) == 1


def test_smtp_when_mail_server_is_set(app, db, outbox, smtp_server):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1], MAIL_USE_TLS=False
    )
    _queue(app, db)
    assert deliver_mail(app).sent == 1
    [raw] = smtp_server.received
    message = message_from_bytes(raw)
    assert message["To"] == "pat@example.org"
    assert message["Subject"] == "Hello"
    assert outbox() == []


def test_failed_delivery_is_retried_with_exponential_back_off_then_given_up(app, db):
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=_closed_port(),
        MAIL_USE_TLS=False,
        MAIL_MAX_ATTEMPTS=4,
        MAIL_RETRY_SECONDS=60,
        MAIL_RETRY_MAX_SECONDS=150,
    )
    queued = _queue(app, db)
    start = utcnow()
    waits = []
    when = start
    for _attempt in range(4):
        report = _deliver_at(app, when)
        assert report.sent == 0 and report.failed == 1
        db.refresh(queued)
        assert "ConnectionRefusedError" in queued.last_error
        if queued.next_attempt_at is None:
            break
        waits.append(queued.next_attempt_at - when)
        # Not tried again before its time.
        assert _deliver_at(app, queued.next_attempt_at - timedelta(seconds=1)).failed == 0
        when = queued.next_attempt_at
    # 60 s, doubled to 120 s, then capped at 150 s; the fourth failure is the last.
    assert waits == [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=150)]
    assert queued.attempts == 4
    assert queued.failed_at is not None and queued.sent_at is None
    # Given up on, but kept in the table for someone to look at, and never tried again.
    assert _deliver_at(app, when + timedelta(days=1)).failed == 0
    assert db.scalar(select(func.count()).select_from(OutgoingMail)) == 1


def test_an_email_that_failed_goes_when_the_server_is_back(app, db, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(), MAIL_USE_TLS=False)
    queued = _queue(app, db)
    assert _deliver_at(app, utcnow()).retrying == 1
    app.config["MAIL_PORT"] = smtp_server.server_address[1]
    db.refresh(queued)
    assert _deliver_at(app, queued.next_attempt_at).sent == 1
    db.refresh(queued)
    assert queued.sent_at is not None and queued.last_error is None
    assert queued.attempts == 2
    assert len(smtp_server.received) == 1


def test_two_senders_never_both_take_the_same_email(app, db):
    queued = _queue(app, db)
    now = utcnow()
    assert queue.claim(db, queued.id, now) is not None
    db.commit()
    assert queue.claim(db, queued.id, now) is None


def test_an_email_of_unknown_kind_is_recorded_as_a_failure(app, db):
    with app.app_context():
        queue.add(db, kind="no-such-kind", recipient="pat@example.org", now=utcnow())
    db.commit()
    report = deliver_mail(app)
    assert report.retrying == 1
    row = db.scalar(select(OutgoingMail))
    assert "no builder" in row.last_error


def test_flask_mail_send_delivers_and_says_what_it_did(app, db, outbox):
    _queue(app, db)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Mail queue: 1 sent." in result.output
    assert len(outbox()) == 1


def test_flask_mail_send_exits_non_zero_when_mail_could_not_go(app, db):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(), MAIL_USE_TLS=False)
    _queue(app, db)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "1 failed, to be retried" in result.output
    assert "could not be sent" in result.output


def test_flask_mail_send_loop_keeps_delivering_until_stopped(app, db, outbox, monkeypatch):
    _queue(app, db)
    passes = []

    def _sleep(seconds: float) -> None:
        passes.append(seconds)
        if len(passes) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("learnset.cli.time.sleep", _sleep)
    result = app.test_cli_runner().invoke(args=["mail", "send", "--loop", "--interval", "5"])
    assert result.exit_code == 0, result.output
    assert passes == [5, 5]
    assert result.output.count("Mail queue: 1 sent.") == 1
    assert "Stopped." in result.output
    assert len(outbox()) == 1


def test_without_a_mail_server_the_queue_goes_out_after_the_response(app, client, people):
    """`make run` needs no cron: in outbox mode a request that queued mail delivers it once
    its response has been sent."""
    app.config["MAIL_DELIVER_AFTER_RESPONSE"] = True
    folder = Path(app.config["MAIL_OUTBOX"])
    response = submit(client, "/forgot-password", {"email": people.participant.email})
    assert response.status_code == 200
    assert not folder.exists(), "nothing is delivered while the response is being sent"
    response.close()
    assert [path.suffix for path in folder.iterdir()] == [".eml"]


def test_with_a_mail_server_requests_never_deliver(app, client, db, people):
    app.config.update(
        MAIL_DELIVER_AFTER_RESPONSE=True,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=_closed_port(),
        MAIL_USE_TLS=False,
    )
    response = submit(client, "/forgot-password", {"email": people.participant.email})
    response.close()
    queued = db.scalar(select(OutgoingMail))
    assert queued.attempts == 0 and queued.last_error is None
