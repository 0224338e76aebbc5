"""What `flask check` looks at for an operator, beyond the database answering and free space:
migrations at the newest revision, content/ in step with the database, the mail queue moving,
and settings safe. Each finding is a line to show and, when something needs doing, a problem."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnset import config, migrate
from learnset.content import ContentError
from learnset.library import sync
from learnset.mail.models import OutgoingMail

# Emails given up on this recently make `flask check` fail: someone missed an invitation.
RECENT_FAILURES = timedelta(days=1)


@dataclass(frozen=True)
class Finding:
    line: str
    problem: str | None = None


def _ago(then: datetime, now: datetime) -> str:
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{minutes // 60} hours"


def migrations(revision: str | None, database_url: str) -> Finding:
    """The database's revision is the newest one the code has."""
    heads = ScriptDirectory.from_config(migrate.alembic_config(database_url)).get_heads()
    if revision in heads:
        return Finding(f"Migrations: at the newest revision, {revision}.")
    newest = ", ".join(heads)
    return Finding(
        f"Migrations: the database is at {revision or 'no revision'}, the code at {newest}.",
        "the database is not at the newest migration: run `flask --app learnset init`",
    )


def content(session: Session, root: Path, now: datetime) -> Finding:
    """content/ and the database agree: a sync would change nothing. Rolled back either way."""
    try:
        report = sync.sync_content(session, root, now)
    except ContentError as error:
        return Finding(f"Content: {root} has problems.", f"content/ cannot be synced: {error}")
    finally:
        session.rollback()
    if report.changed:
        changes = " ".join(report.lines())
        return Finding(
            f"Content: differs from {root}: {changes}",
            "the content library is not in step with content/: run `flask --app learnset init`",
        )
    if report.kept:
        # Edits made in the app are the admins' to carry back with `flask content export`.
        return Finding(
            f"Content: in step with {root}, apart from {len(report.kept)} edited in the app "
            f"since (flask content export writes them back): {', '.join(report.kept)}."
        )
    return Finding(f"Content: in step with {root}.")


def mail_queue(session: Session, now: datetime, max_age_minutes: int) -> list[Finding]:
    """The oldest email waiting is younger than the limit, and none was given up on lately."""
    waiting = OutgoingMail.sent_at.is_(None) & OutgoingMail.failed_at.is_(None)
    count, oldest = session.execute(
        select(func.count(), func.min(OutgoingMail.created_at)).where(waiting)
    ).one()
    given_up = session.scalar(
        select(func.count()).where(OutgoingMail.failed_at >= now - RECENT_FAILURES)
    )
    findings = []
    if not count:
        findings.append(Finding("Mail queue: nothing waiting."))
    else:
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
        line = f"Mail queue: {count} waiting, the oldest for {_ago(oldest, now)}."
        stuck = now - oldest > timedelta(minutes=max_age_minutes)
        findings.append(
            Finding(
                line,
                f"an email has waited more than {max_age_minutes} minutes "
                "(MAIL_QUEUE_MAX_AGE_MINUTES): is `flask mail send` running, and the mail "
                "server reachable?"
                if stuck
                else None,
            )
        )
    if given_up:
        findings.append(
            Finding(
                f"Mail queue: {given_up} given up on in the last day.",
                f"{given_up} email{'' if given_up == 1 else 's'} could not be sent after every "
                "retry (outgoing_mail.last_error says why)",
            )
        )
    return findings


def settings(settings: Mapping[str, Any]) -> Finding:
    """Production settings are safe; without them, say this is a laptop's setup."""
    if not config.is_production(settings):
        return Finding(
            "Settings: production settings are off (laptop defaults); a live service sets "
            "LEARNSET_PRODUCTION=1 or an https:// BASE_URL."
        )
    problems = config.unsafe_for_production(settings)
    if not str(settings["BASE_URL"]).startswith("https://"):
        problems.append(
            "set BASE_URL to the https:// address people use (cookies are otherwise sent "
            "without Secure, and links in emails are http://)"
        )
    if problems:
        return Finding("Settings: production, unsafe.", "; ".join(problems))
    return Finding(
        f"Settings: production; SECRET_KEY set; mail through {settings['MAIL_SERVER']}:"
        f"{settings['MAIL_PORT']}; BASE_URL {settings['BASE_URL']}."
    )
