"""The self-assessment's command: flask remind-check-ins."""

from __future__ import annotations

from sqlalchemy.orm import Session

from learnset import mail
from learnset.assessment import reminders
from learnset.dates import uk_date
from learnset.db import utcnow
from learnset.notifications.models import NotificationKind
from learnset.notifications.services import notify


def reminder_path(cohort_id: int) -> str:
    """The capabilities page of the set, as a path in this site."""
    return f"/cohorts/{cohort_id}/capabilities"


@mail.mail_command("remind-check-ins")
def remind_check_ins_command(session: Session) -> str:
    """Queue an email to participants who have not checked in since their last session (once a
    session); `flask mail send` delivers them."""
    due = reminders.due_reminders(session, utcnow())
    emailed = 0
    for reminder in due:
        # Recorded with its email in one transaction: neither happens without the other.
        reminders.record_reminder(session, reminder, utcnow())
        # The check-in opening is a notification; this detailed email is its email for
        # those who want one at once (a summary carries it for the rest; none if off).
        told = notify(
            session,
            [reminder.participant],
            NotificationKind.CHECK_IN,
            actor=None,
            link=reminder_path(reminder.cohort.id),
            description=f"Check in on your capabilities after your {reminder.cohort.name} "
            f"session on {uk_date(reminder.meeting.starts_at)}",
            now=utcnow(),
            own_email=True,
        )
        if not any(notification.emailed_at for notification in told):
            continue
        emailed += 1
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
    return f"Queued {emailed} check-in reminder{'' if emailed == 1 else 's'}."
