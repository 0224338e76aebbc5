"""Outgoing email: plain SMTP when MAIL_SERVER is set, otherwise .eml files in the outbox."""

from __future__ import annotations

import re
import smtplib
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app, render_template

LINK = re.compile(r"https?://\S+")


class MailError(Exception):
    """The message could not be handed to the mail server."""


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="learnset.invalid")
    message.set_content(body)
    return message


def send(to: str, subject: str, template: str, **context: object) -> None:
    """Render a plain-text template and send it to one address."""
    body = render_template(template, **context)
    message = build_message(to, subject, body)
    config = current_app.config
    if config["MAIL_SERVER"]:
        _send_smtp(message)
    else:
        _write_to_outbox(message, body)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.exception("Could not send email to %s", message["To"])
        raise MailError(str(error)) from error


def _write_to_outbox(message: EmailMessage, body: str) -> Path:
    outbox = Path(current_app.config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    links = " ".join(LINK.findall(body))
    current_app.logger.info(
        "Email to %s (%s) written to %s %s", message["To"], message["Subject"], path, links
    )
    return path


def absolute_url(endpoint: str, **values: object) -> str:
    """A link for an email, built on BASE_URL rather than on the request's Host header."""
    from flask import has_request_context, url_for

    if has_request_context():
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)
    # Commands run by cron have no request: build the path from the URL map alone.
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)
