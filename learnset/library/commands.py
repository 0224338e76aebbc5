"""The library's command: flask content sync (the framework and the library, from content/)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from learnset import audit
from learnset.content import ContentError
from learnset.db import database, utcnow
from learnset.library import export, sync

content_group = AppGroup("content", help="The learning library and capability framework.")


def sync_content(dry_run: bool, overwrite: bool = False) -> None:
    """Load content/ into the database, or with dry_run only check it and show the changes;
    what was edited in the app is kept unless overwrite says to take the files' version."""
    root = Path(current_app.config["CONTENT_DIR"])
    session = database().writer_sessions()
    with session:
        try:
            report = sync.sync_content(session, root, utcnow(), overwrite=overwrite)
        except ContentError as error:
            session.rollback()
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise click.ClickException(
                f"The content was not synced: {error}. Nothing was changed.\n{problems}"
            ) from None
        if dry_run:
            session.rollback()
        else:
            audit.record(
                session,
                audit.AuditKind.CONTENT_SYNCED,
                actor_id=None,
                detail="; ".join(report.lines())[:300] if report.changed else "Nothing changed",
            )
            session.commit()
    heading = "Content checked (nothing was changed)" if dry_run else "Content synced"
    click.echo(f"{heading} from {root}:")
    for line in report.lines():
        click.echo(f"  {line}")


@content_group.command("sync")
@click.option(
    "--dry-run", is_flag=True, help="Check the files and show what would change, changing nothing."
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Take the files' version even of what was edited in the app since the last sync "
    "(the app's version stays in the history).",
)
def content_sync_command(dry_run: bool, overwrite: bool) -> None:
    """Load content/ into the database: add, update, archive; a broken file changes nothing.
    What was edited in the app since the last sync is kept and listed, unless --overwrite."""
    sync_content(dry_run, overwrite)


@content_group.command("export")
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write to (default: the content folder the app loads, CONTENT_DIR).",
)
def content_export_command(folder: Path | None) -> None:
    """Write the library, the framework and the programmes' sessions as the app has them back
    to files in content/'s format."""
    root = folder or Path(current_app.config["CONTENT_DIR"])
    with database().sessions() as session:
        report = export.export_content(session, root)
    click.echo(f"Content exported to {root}:")
    for line in report.lines():
        click.echo(f"  {line}")
