"""The app's own commands (flask --app learnset ...): migrations, init, demo, purge, check,
backup and restore, and the mail queue's mail send. Each feature adds its own in its init_app
(create-admin, content sync, remind-check-ins, figures release). All are thin wrappers over the
services."""

from __future__ import annotations

import time
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from learnset import audit, backups, migrate, outages
from learnset.dashboards.releases import count_latest_releases
from learnset.db import database, utcnow
from learnset.library.commands import sync_content
from learnset.session_feedback.summary import tally_closed

db_group = AppGroup("db", help="Database migrations (Alembic).")


def _alembic() -> Config:
    return migrate.alembic_config(current_app.config["DATABASE_URL"])


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    command.upgrade(_alembic(), revision)


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Step the schema back to REVISION."""
    command.downgrade(_alembic(), revision)


@db_group.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    command.current(_alembic(), verbose=True)


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new migration, by default compared against the models."""
    command.revision(_alembic(), message=message, autogenerate=autogenerate)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Bring the database schema up to date, then load the content library and framework."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")
    sync_content(dry_run=False)
    # Releases made before the programme report kept its counts with them, and sessions whose
    # feedback has closed for good since the daily job last ran (or before it existed): counted
    # once here, so that an upgrade needs no step of its own and the report reads tallies from
    # its first request (none are left on the next run).
    with database().writer_sessions.begin() as session:
        counted = count_latest_releases(session)
        tallied = tally_closed(session, utcnow())
    if counted:
        click.echo(f"Counted the programme report's figures for {counted} releases.")
    if tallied:
        click.echo(f"Tallied the feedback of {tallied} session{'' if tallied == 1 else 's'}.")


@click.command("demo")
@with_appcontext
@click.option(
    "--force",
    is_flag=True,
    help="Load it even with production settings on or real accounts in the database.",
)
def demo_command(force: bool) -> None:
    """Load the demo programme (idempotent) and print its accounts."""
    from learnset import demo
    from learnset.config import is_production

    with database().writer_sessions.begin() as session:
        if not force:
            problem = demo.refusal(session, production=is_production(current_app.config))
            if problem:
                raise click.ClickException(f"{problem} Nothing was changed (--force overrides).")
        accounts_made = demo.load(session, current_app.config["PASSWORD_HASH_METHOD"])
    click.echo(f"Demo programme ready. Every demo account's password is: {demo.PASSWORD}")
    for role, email in accounts_made:
        click.echo(f"  {role:<12} {email}")


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """For cron, daily: delete what has passed its lifetime (docs/retention.md)."""
    from learnset import retention

    with database().writer_sessions.begin() as session:
        purged = retention.purge(session, utcnow(), current_app.config)
        removed = sum(result.count for result in purged)
        audit.record(
            session,
            audit.AuditKind.DATA_PURGED,
            actor_id=None,
            detail=f"{removed} item{'' if removed == 1 else 's'} past their lifetime removed",
        )
    for result in purged:
        click.echo(f"{result.count:>6}  {result.lifetime.kind} (kept: {result.lifetime.kept})")


@click.command("check")
@with_appcontext
def check_command() -> None:
    """For monitoring: the database answers and is migrated, content/ is loaded, the mail queue
    moves, settings are safe and there is free space. Exits non-zero on any problem."""
    from learnset import checks

    config = current_app.config
    findings: list[checks.Finding] = []
    revision = None
    try:
        with database().engine.connect() as connection:
            revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
        click.echo(f"Database: answers, at revision {revision}.")
        answers = True
    except SQLAlchemyError as error:
        cause = outages.cause_of(error) or type(error).__name__
        findings.append(
            checks.Finding(
                "Database: does not answer.", f"the database does not answer ({cause}): {error}"
            )
        )
        answers = False
    if answers:
        findings.append(checks.migrations(revision, config["DATABASE_URL"]))
    # The queue and the content are read through the models: only on the newest schema.
    if answers and findings[-1].problem is None:
        session = database().writer_sessions()
        with session:
            now = utcnow()
            findings.extend(checks.mail_queue(session, now, config["MAIL_QUEUE_MAX_AGE_MINUTES"]))
            findings.append(checks.content(session, Path(config["CONTENT_DIR"]), now))
    findings.append(checks.settings(config))
    for place in outages.free_space(config["DATABASE_URL"], current_app.instance_path):
        line = f"Free space where {place.what} lives ({place.path}): {place.free_mb} MB."
        problem: str | None = None
        if place.free_mb < config["MIN_FREE_MB"]:
            problem = (
                f"only {place.free_mb} MB free where {place.what} lives, below MIN_FREE_MB "
                f"({config['MIN_FREE_MB']}): saving fails when it runs out"
            )
        findings.append(checks.Finding(line, problem))
    problems = [finding.problem for finding in findings if finding.problem]
    for finding in findings:
        click.echo(finding.line)
    for problem in problems:
        click.echo(f"WARNING: {problem}.", err=True)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo("All well.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH, safely while the app runs (PostgreSQL: pg_dump)."""
    try:
        copied = backups.backup(current_app.config["DATABASE_URL"], path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Backed up to {copied.path} ({copied.size_mb} MB, at revision {copied.revision}); "
        "SQLite finds it whole."
    )


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.confirmation_option(
    prompt="This replaces everything in the database with the backup. Stop the app first. Go on?"
)
def restore_command(path: Path) -> None:
    """Replace the SQLite database's contents with the backup at PATH (PostgreSQL: pg_restore)."""
    try:
        restored = backups.restore(path, current_app.config["DATABASE_URL"])
    except backups.BackupError as error:
        raise click.ClickException(f"{error}. Nothing was changed.") from None
    click.echo(
        f"Restored {restored.path} from {path} (revision {restored.revision}). Run "
        "`flask --app learnset init` before starting the app: it brings an older backup's "
        "schema up to date."
    )


mail_group = AppGroup("mail", help="The outgoing mail queue.")


@mail_group.command("send")
@click.option("--loop", is_flag=True, help="Keep going: a simple worker for systemd.")
@click.option(
    "--interval",
    default=30.0,
    show_default=True,
    help="Seconds to wait between passes with --loop.",
)
def mail_send_command(loop: bool, interval: float) -> None:
    """Deliver queued email that is due; failures are retried later with back-off."""
    from learnset import mail

    while True:
        try:
            report = mail.deliver_due()
        except OperationalError as error:
            if not loop:
                raise click.ClickException(f"The database could not be reached: {error}") from None
            # A worker rides through a database outage: one line, then the next pass.
            current_app.logger.error("Mail queue: the database could not be reached: %s", error)
            report = mail.Delivery()
        if not loop:
            click.echo(report.summary())
            if report.failed:
                raise click.ClickException(
                    f"{report.failed} email{'' if report.failed == 1 else 's'} could not be "
                    "sent; see the log. They stay in the queue."
                )
            return
        if report.sent or report.dropped or report.failed:
            click.echo(report.summary())
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            click.echo("Stopped.")
            return


def init_app(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(init_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(mail_group)
    app.cli.add_command(check_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
