"""Feedback from colleagues' command: flask remind-colleague-feedback."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from learnset import mail
from learnset.colleague_feedback import emails, services
from learnset.db import database, utcnow


@click.command("remind-colleague-feedback")
@with_appcontext
def remind_colleague_feedback_command() -> None:
    """Close rounds whose closing date has passed, and remind colleagues who have not answered
    a round closing within three days (once a round); `flask mail send` delivers them."""
    with database().writer_sessions.begin() as session:
        closed = services.release_due(session, utcnow())
        due = services.due_reminders(session, utcnow())
        for rater in due:
            emails.queue_request(session, rater, reminder=True)
        services.mark_reminded(session, due, utcnow())
    click.echo(f"Closed {closed} round{'' if closed == 1 else 's'}; queued {len(due)} reminders.")
    mail.deliver_now_if_local()
