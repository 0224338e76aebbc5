"""Command-line tasks (flask --app learnset ...): thin wrappers over the services."""

from __future__ import annotations

import time
from pathlib import Path

import click
from alembic import command
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import OperationalError

from learnset import migrate
from learnset.accounts import services as accounts
from learnset.content import ContentError
from learnset.db import database, utcnow
from learnset.library import sync

db_group = AppGroup("db", help="Database migrations (Alembic).")


def _alembic() -> migrate.Config:
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
    _sync_content(dry_run=False)


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a programme admin account, or make an existing account an admin."""
    problem = accounts.password_problem(password, email)
    session = database().sessions()
    with session:
        user = accounts.find_user_by_email(session, email)
        if user is None:
            if problem:
                raise click.ClickException(problem)
            user = accounts.create_user(
                session,
                email=email,
                name=name,
                password=password,
                method=current_app.config["PASSWORD_HASH_METHOD"],
                is_admin=True,
            )
            click.echo(f"Created admin {user.email}.")
        else:
            user.is_admin = True
            click.echo(f"{user.email} already had an account and is now an admin.")
        session.commit()


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

    session = database().sessions()
    with session:
        if not force:
            problem = demo.refusal(session, production=is_production(current_app.config))
            if problem:
                raise click.ClickException(f"{problem} Nothing was changed (--force overrides).")
        accounts_made = demo.load(session, current_app.config["PASSWORD_HASH_METHOD"])
        session.commit()
    click.echo(f"Demo programme ready. Every demo account's password is: {demo.PASSWORD}")
    for role, email in accounts_made:
        click.echo(f"  {role:<12} {email}")


content_group = AppGroup("content", help="The learning library and capability framework.")


def _sync_content(dry_run: bool) -> None:
    root = Path(current_app.config["CONTENT_DIR"])
    session = database().sessions()
    with session:
        try:
            report = sync.sync_content(session, root, utcnow())
        except ContentError as error:
            session.rollback()
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise click.ClickException(
                f"The content was not synced: {error}. Nothing was changed.\n{problems}"
            ) from None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    heading = "Content checked (nothing was changed)" if dry_run else "Content synced"
    click.echo(f"{heading} from {root}:")
    for line in report.lines():
        click.echo(f"  {line}")


@content_group.command("sync")
@click.option(
    "--dry-run", is_flag=True, help="Check the files and show what would change, changing nothing."
)
def content_sync_command(dry_run: bool) -> None:
    """Load content/ into the database: add, update, archive; a broken file changes nothing."""
    _sync_content(dry_run)


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """For cron, daily: delete what has passed its lifetime (docs/retention.md)."""
    from learnset import retention

    session = database().sessions()
    with session:
        purged = retention.purge(session, utcnow(), current_app.config)
        session.commit()
    for result in purged:
        click.echo(f"{result.count:>6}  {result.lifetime.kind} (kept: {result.lifetime.kept})")


@click.command("remind-check-ins")
@with_appcontext
def remind_check_ins_command() -> None:
    """Queue an email to participants who have not checked in since their last session (once a
    session); `flask mail send` delivers them."""
    from learnset import mail
    from learnset.assessment import reminders

    session = database().sessions()
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


figures_group = AppGroup("figures", help="Cohort figures, released in rounds.")


@figures_group.command("release")
def release_figures_command() -> None:
    """For cron, daily: release the figures of each set whose check-in round has closed."""
    from learnset.dashboards import releases
    from learnset.framework.queries import current_framework

    session = database().sessions()
    with session:
        results = releases.release_closed_rounds(session, current_framework(session), utcnow())
        session.commit()
    for result in results:
        if result.release is None:
            click.echo(
                f"{result.cohort.name}: not released, fewer than 3 participants have shared a "
                "check-in since the last release."
            )
        else:
            click.echo(
                f"{result.cohort.name}: released, with new check-ins from "
                f"{result.release.contributors} participants."
            )
    if not results:
        click.echo("No check-in round has closed since the last release of any set.")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(content_group)
    app.cli.add_command(figures_group)
    app.cli.add_command(init_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(remind_check_ins_command)
    app.cli.add_command(mail_group)
