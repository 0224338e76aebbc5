"""Backups of a SQLite database with SQLite's online backup API, and restoring one. PostgreSQL is
backed up with its own tools, pg_dump and pg_restore (docs/deploy.md)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

PG_DUMP_ADVICE = (
    "This database is PostgreSQL: back it up with pg_dump (pg_dump --format=custom "
    "--file=PATH DBNAME) and restore with pg_restore (pg_restore --clean --if-exists "
    "--no-owner --dbname=DBNAME PATH); docs/deploy.md, Backups, has the steps."
)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; nothing was changed."""


@dataclass(frozen=True)
class Copied:
    path: Path
    size_mb: float
    revision: str


def sqlite_file(database_url: str) -> Path | None:
    """The SQLite file behind a database URL, or None for another engine or a memory database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _checked(connection: sqlite3.Connection, what: str) -> str:
    """The migration revision of a database that SQLite finds whole; else BackupError."""
    try:
        [verdict] = connection.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"{what} is damaged (SQLite's integrity check: {verdict})")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{what} is not a Learnset database ({error})") from None
    if row is None:
        raise BackupError(f"{what} has no migration revision")
    return str(row[0])


def backup(database_url: str, target: Path) -> Copied:
    """Copy the live SQLite database to a new file, page by page, consistent even while the app
    writes; the copy is checked, readable by its owner only, and appears only when complete."""
    source_path = sqlite_file(database_url)
    if source_path is None:
        raise BackupError(PG_DUMP_ADVICE)
    if not source_path.exists():
        raise BackupError(f"there is no database at {source_path}")
    if target.exists():
        raise BackupError(f"{target} already exists: give the backup a new name")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # Personal data: owner-only from the first byte.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with (
            contextlib.closing(sqlite3.connect(source_path)) as source,
            contextlib.closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
            # One self-contained file: no -wal beside it to lose in a copy.
            copy.execute("PRAGMA journal_mode=DELETE")
            revision = _checked(copy, "The copy")
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Copied(target, round(target.stat().st_size / 1e6, 1), revision)


def restore(backup_path: Path, database_url: str) -> Copied:
    """Replace the live SQLite database's contents with a backup's, in one step: the backup is
    checked first, and a failed copy leaves the database as it was."""
    target = sqlite_file(database_url)
    if target is None:
        raise BackupError(PG_DUMP_ADVICE)
    if not backup_path.is_file():
        raise BackupError(f"there is no backup at {backup_path}")
    with contextlib.closing(sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)) as source:
        revision = _checked(source, f"The backup {backup_path}")
        with contextlib.closing(sqlite3.connect(target, timeout=30)) as live:
            source.backup(live)
    return Copied(target, round(target.stat().st_size / 1e6, 1), revision)
