"""The notifications' command: flask send-notification-digests."""

from __future__ import annotations

from sqlalchemy.orm import Session

from learnset import mail
from learnset.db import utcnow
from learnset.notifications import digests


@mail.mail_command("send-notification-digests")
def send_digests_command(session: Session) -> str:
    """Queue the daily and weekly summaries that are due (run it daily; twice sends nothing
    twice); `flask mail send` delivers them."""
    count = digests.send_digests(session, utcnow())
    return f"Queued {count} notification summar{'y' if count == 1 else 'ies'}."
