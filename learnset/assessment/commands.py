"""The self-assessment's command: flask remind-check-ins."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from learnset import mail
from learnset.assessment import reminders
from learnset.db import database, utcnow


@click.command("remind-check-ins")
@with_appcontext
def remind_check_ins_command() -> None:
    """Queue an email to participants who have not checked in since their last session (once a
    session); `flask mail send` delivers them."""
    session = database().writer_sessions()
    with session:
        due = reminders.due_reminders(session, utcnow())
        for reminder in due:
            # Recorded with its email in one transaction: neither happens without the other.
            reminders.record_reminder(session, reminder, utcnow())
            mail.queue_message(
                session,
                reminder.participant.email,
                f"Time to check in after your {reminder.cohort.name} session",
                "email/check_in_reminder.txt",
                participant=reminder.participant,
                cohort=reminder.cohort,
                meeting=reminder.meeting,
                has_baseline=reminder.has_baseline,
                link=mail.absolute_url("assessment.overview", cohort_id=reminder.cohort.id),
            )
        session.commit()
    click.echo(f"Queued {len(due)} check-in reminder{'' if len(due) == 1 else 's'}.")
    mail.deliver_now_if_local()
