"""Databases that take seconds to fill, filled once a test run and copied for each test process
(or each test): the demo programme, with or without the library, on the run's engine; and a
SQLite file on which `flask demo` has run, for the tests of the command's own database.

The test processes of one run (xdist's workers) share a folder, named in the environment by
the first process before the workers start: whichever process needs a prepared database
first makes it there, under a lock, and the others wait for it and copy it."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from learnset import PROJECT_ROOT, demo
from learnset.db import make_engine, utcnow
from learnset.library.sync import sync_content
from tests.factories import FAST_HASH

RUN_FOLDER = "LEARNSET_TEST_RUN_FOLDER"


def start_run() -> None:
    """In the first process of a run, before any worker starts: the run's shared folder."""
    if not os.environ.get(RUN_FOLDER):
        os.environ[RUN_FOLDER] = tempfile.mkdtemp(prefix="learnset-run-")


def end_run() -> None:
    folder = os.environ.pop(RUN_FOLDER, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _locked(name: str) -> Iterator[Path]:
    folder = Path(os.environ[RUN_FOLDER])
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder


def once_a_run(name: str, make: Callable[[Path], None]) -> Path:
    """`folder/name`, made by `make(path)` in the first process of the run that asks for it;
    the others wait until it is made."""
    with _locked(name) as folder:
        done = folder / f"{name}.done"
        if not done.exists():
            make(folder / name)
            done.touch()
    return folder / name


def copy_sqlite(source: Path, target: Path) -> None:
    """A whole copy of a SQLite database, whatever its write-ahead log still holds."""
    with sqlite3.connect(source) as read, sqlite3.connect(target) as write:
        read.backup(write)
    read.close()
    write.close()


def load_demo(url: str, library: bool) -> None:
    """The demo programme, committed, on the migrated database at `url`, after the library
    from content/ when `library`, as the demo tests load it (with the tests' fast hash)."""
    from tests.apps import TEST_SECRET

    # Secrets at rest (the demo's authenticator key) are sealed with the key of the app in
    # context: the tests' apps' own, whatever app this process made last.
    keys = Flask(__name__)
    keys.config["SECRET_KEY"] = TEST_SECRET
    engine = make_engine(url)
    with keys.app_context(), Session(engine) as session:
        if library:
            sync_content(session, PROJECT_ROOT / "content", utcnow())
        demo.load(session, FAST_HASH)
        session.commit()
    engine.dispose()


def _run_id() -> str:
    return Path(os.environ[RUN_FOLDER]).name.rsplit("-", 1)[-1].lower()


def migrated_sqlite_file() -> Path:
    """A SQLite file at the newest revision, made once a test run: fresh apps and each test
    process's database get a copy (migrating a new file takes over a second, copying it a few
    milliseconds)."""
    from learnset import migrate

    return once_a_run("migrated.db", lambda path: migrate.upgrade(f"sqlite:///{path}"))


def migrate_new(url: str) -> None:
    """Bring the new, empty database at `url` to the newest revision (SQLite: a copy)."""
    if url.startswith("sqlite"):
        copy_sqlite(migrated_sqlite_file(), Path(url.removeprefix("sqlite:///")))
    else:
        from learnset import migrate

        migrate.upgrade(url)


def copy_of(kind: str, run_url: str, make: Callable[[str], None], copy: str) -> str:
    """The URL of `copy` (a SQLite file's path, or a PostgreSQL database's name), a new copy of
    the database of `kind` that `make(url)` filled, from empty, once a run, on the engine of
    `run_url`."""
    if run_url.startswith("sqlite"):
        made = once_a_run(f"{kind}.db", lambda path: make(f"sqlite:///{path}"))
        copy_sqlite(made, Path(copy))
        return f"sqlite:///{copy}"
    base = run_url.rsplit("/", 1)[0]
    admin_url = f"{base}/postgres"
    template = f"learnset_{kind}_{_run_id()}"

    def make_postgresql(_path: Path) -> None:
        create_afresh(admin_url, template)
        make(f"{base}/{template}")

    once_a_run(template, make_postgresql)
    # A template may not be copied while anyone is connected to it: copies are made one at a
    # time, and no test ever connects to the template itself.
    with _locked(template):
        create_afresh(admin_url, copy, template=template)
    return f"{base}/{copy}"


def drop(url: str) -> None:
    """Drop a PostgreSQL copy made by `copy_of` (a SQLite copy goes with its folder)."""
    if url.startswith("sqlite"):
        return
    base, name = url.rsplit("/", 1)
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def demo_database(run_url: str, library: bool, worker: str, folder: Path) -> str:
    """This process's own copy of the demo database (`library` or not) on the engine of
    `run_url`: its URL."""
    kind = "demo_library" if library else "demo"

    def make(url: str) -> None:
        migrate_new(url)
        load_demo(url, library)

    copy = str(folder / f"{kind}.db") if run_url.startswith("sqlite") else f"{kind}_{worker}"
    return copy_of(kind, run_url, make, copy)


def create_afresh(admin_url: str, name: str, template: str | None = None) -> str:
    """PostgreSQL database `name`, dropped if a run left it behind and created again (empty,
    or a copy of `template`), on the server `admin_url` reaches: its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        copy = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
