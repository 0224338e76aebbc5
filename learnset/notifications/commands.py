"""The notifications' command: flask send-notification-digests."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from learnset import mail
from learnset.db import database, utcnow
from learnset.notifications import digests


@click.command("send-notification-digests")
@with_appcontext
def send_digests_command() -> None:
    """Queue the daily and weekly summaries that are due (run it daily; twice sends nothing
    twice); `flask mail send` delivers them."""
    with database().writer_sessions.begin() as session:
        count = digests.send_digests(session, utcnow())
    click.echo(f"Queued {count} notification summar{'y' if count == 1 else 'ies'}.")
    mail.deliver_now_if_local()
