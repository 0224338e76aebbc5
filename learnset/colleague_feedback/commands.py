"""Feedback from colleagues' command: flask remind-colleague-feedback."""

from __future__ import annotations

from sqlalchemy.orm import Session

from learnset import mail
from learnset.colleague_feedback import emails, services
from learnset.db import utcnow


@mail.mail_command("remind-colleague-feedback")
def remind_colleague_feedback_command(session: Session) -> str:
    """Close rounds whose closing date has passed, and remind colleagues who have not answered
    a round closing within three days (once a round); `flask mail send` delivers them."""
    closed = services.release_due(session, utcnow())
    due = services.due_reminders(session, utcnow())
    for rater in due:
        emails.queue_request(session, rater, reminder=True)
    services.mark_reminded(session, due, utcnow())
    return f"Closed {closed} round{'' if closed == 1 else 's'}; queued {len(due)} reminders."
