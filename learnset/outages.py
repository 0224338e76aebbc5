"""Database outages: naming the cause of a database error, riding a request through a short
outage by running it again, telling the operator once a minute rather than once a request, and
telling the person, in their words, why what they sent was not saved."""

from __future__ import annotations

import copy
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from flask import g, has_app_context, has_request_context, request, session
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from learnset.db import READ_METHODS, close_session, database
from learnset.logs import OncePerMinute

logger = logging.getLogger(__name__)

UNREACHABLE = "database unreachable"
DISK_FULL = "disk full"
READ_ONLY = "database is read-only"
TIMEOUT = "database timed out"

# What the operator reads in the log, for each cause.
ADVICE = {
    UNREACHABLE: "requests are retried for a few seconds, then fail",
    DISK_FULL: "saving fails until space is freed",
    READ_ONLY: "saving fails until the database accepts writes again",
    TIMEOUT: "requests that wait too long for the database fail",
}

# What the person reads, for each cause: why what they sent was not saved.
IN_PLAIN_ENGLISH = {
    UNREACHABLE: "The database could not be reached.",
    DISK_FULL: "The server's disk is full.",
    READ_ONLY: "The database is not accepting changes at the moment.",
    TIMEOUT: "The database took too long to answer.",
}

# How long to wait before trying again, in seconds (the Retry-After header), for each cause: a
# restart is over in seconds; freeing disk space or mending a database takes an operator.
RETRY_AFTER = {UNREACHABLE: 10, TIMEOUT: 10, DISK_FULL: 60, READ_ONLY: 60}

# PostgreSQL refusing or dropping connections: class 08 (connection exception), and the server
# shutting down, crashing or starting up (57P01, 57P02, 57P03).
_GONE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
# PostgreSQL giving up on a wait: statement_timeout (57014), lock_timeout (55P03).
_TIMEOUT_SQLSTATES = frozenset({"57014", "55P03"})

FIRST_DELAY, LONGEST_DELAY = 0.1, 1.0
# Where g keeps what this attempt of the request has committed (Commits).
COMMITS = "learnset_commits"

R = TypeVar("R")


def cause_of(error: BaseException) -> str | None:
    """The outage an error from the database is a sign of, if any; or that of the error it
    was raised while handling (SQLite ends a transaction when the disk is full, so rolling
    back to a savepoint then fails with "no such savepoint")."""
    found = _outage_in(error)
    return found[0] if found else None


def _outage_in(error: BaseException) -> tuple[str, BaseException] | None:
    """The outage's cause, and the error in the chain that shows it."""
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            break
        cause = _cause_of_one(seen)
        if cause is not None:
            return cause, seen
        seen = seen.__cause__ or seen.__context__
    return None


def _cause_of_one(error: BaseException) -> str | None:
    if isinstance(error, PoolTimeout):
        # Every pooled connection stayed busy for the pool's whole timeout.
        return TIMEOUT
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    sqlite_name = getattr(original, "sqlite_errorname", "")
    message = str(original).lower()
    if (
        sqlstate == "53100"
        or sqlite_name == "SQLITE_FULL"
        or "no space left on device" in message
        or "database or disk is full" in message
    ):
        return DISK_FULL
    if sqlstate == "25006" or sqlite_name.startswith("SQLITE_READONLY"):
        return READ_ONLY
    if sqlstate in _TIMEOUT_SQLSTATES or sqlite_name.startswith("SQLITE_BUSY"):
        # SQLite: the write lock stayed taken for the whole busy_timeout.
        return TIMEOUT
    if error.connection_invalidated:
        # SQLAlchemy found the connection dead, and has dropped the pool's other connections.
        return UNREACHABLE
    if not isinstance(error, OperationalError | InterfaceError):
        return None
    if isinstance(original, psycopg.Error):
        # Without a SQLSTATE, psycopg's operational errors are about the connection itself:
        # refused, closed by the server, lost. With one, only the connection classes count
        # (not a cancelled statement, a deadlock or a serialization failure).
        if sqlstate is None or sqlstate.startswith("08") or sqlstate in _GONE_SQLSTATES:
            return UNREACHABLE
        return None
    if sqlite_name == "SQLITE_CANTOPEN" or "unable to open database file" in message:
        return UNREACHABLE
    return None


def _say(cause: str, error: BaseException) -> None:
    unlogged = _once_a_minute.due(cause)
    if unlogged is None:
        return
    original = error.orig if isinstance(error, DBAPIError) else error
    detail = str(original).strip().splitlines()[0] if str(original).strip() else ""
    logger.error(
        "Database outage: %s (%s: %s); %s. %d more since the last line like this.",
        cause,
        type(original).__name__,
        detail,
        ADVICE[cause],
        unlogged,
    )


_once_a_minute = OncePerMinute()


def count_with_other_processes(folder: Path) -> None:
    """Say each outage once a minute for every process using `folder` (gunicorn's workers
    share the instance folder), not once a minute in each."""
    _once_a_minute.share_through(folder)


def report(error: BaseException) -> bool:
    """Log an outage once per cause and minute; False if the error is not an outage."""
    found = _outage_in(error)
    if found is None:
        return False
    _say(*found)
    return True


@dataclass
class Commits:
    """What this attempt of the request has committed, as far as the database was told."""

    done: bool = False  # a COMMIT went through
    in_flight: bool = False  # a COMMIT was sent and has not come back (yet)
    # PostgreSQL: the id of the transaction being committed, to ask what became of it;
    # None when it had written nothing, or when its connection was dead before COMMIT.
    xid: int | None = None
    known_unwritten: bool = False  # the transaction in flight wrote nothing


def commit_unsure() -> bool:
    """Whether this request sent a COMMIT that wrote something and got no answer: what it sent
    may have been saved."""
    commits = g.get(COMMITS)
    return isinstance(commits, Commits) and commits.in_flight and commits.xid is not None


def _commits() -> Commits:
    found = g.get(COMMITS)
    if not isinstance(found, Commits):
        found = Commits()
        setattr(g, COMMITS, found)
    return found


@event.listens_for(Engine, "commit")
def _commit_sent(connection: Connection) -> None:
    # Fired on every engine of the process, just before COMMIT goes to the database. Only a
    # request's commits are kept, for ride_through: not a command's, nor a GET's at teardown,
    # when the request is over (db._ends_with_commit).
    if not has_request_context():
        return
    commits = _commits()
    commits.in_flight, commits.xid, commits.known_unwritten = True, None, False
    if connection.dialect.name != "postgresql":
        return
    # Name the transaction first, so that if COMMIT gets no answer, the database can be asked
    # afterwards whether it committed (txid_status, which PostgreSQL has for this purpose).
    try:
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]  # open: it is committing
        cursor.execute("SELECT txid_current_if_assigned()")
        row = cursor.fetchone()
        cursor.close()
    except psycopg.Error:
        # The connection is already gone, so this transaction can never commit.
        commits.known_unwritten = True
        return
    commits.xid = row[0] if row else None
    commits.known_unwritten = commits.xid is None


@event.listens_for(Session, "after_commit")
def _commit_done(_session: Session) -> None:
    if has_app_context() and COMMITS in g:
        commits = _commits()
        commits.done, commits.in_flight = commits.in_flight or commits.done, False


def _stale_plan(error: DBAPIError) -> bool:
    """PostgreSQL refusing a statement prepared on this connection before a migration changed
    the type of a column it returns: nothing was done, and the statement prepared afresh runs."""
    original = error.orig
    if getattr(original, "sqlstate", None) != "0A000":  # feature not supported
        return False
    return "cached plan must not change" in str(original)


def _may_run_again(deadline: float) -> bool:
    """Whether running the request again repeats no write: nothing it committed would be
    committed twice (a GET's bookkeeping may be), and a COMMIT lost in flight did not happen."""
    commits = g.get(COMMITS)
    if not isinstance(commits, Commits):
        return True
    if commits.done and request.method not in READ_METHODS:
        return False
    if not commits.in_flight or commits.known_unwritten:
        return True
    return commits.xid is not None and _aborted(commits.xid, deadline)


def _aborted(xid: int, deadline: float) -> bool:
    """Ask the database, once it answers again, whether the transaction `xid` was rolled
    back; False if it committed, or if the database does not answer before the deadline."""
    delay = FIRST_DELAY
    while True:
        try:
            with database().engine.connect() as connection:
                status = connection.scalar(text("SELECT txid_status(:xid)"), {"xid": xid})
            return bool(status == "aborted")
        except DBAPIError as error:
            if cause_of(error) != UNREACHABLE or time.monotonic() + delay > deadline:
                return False
        time.sleep(delay)
        delay = min(delay * 2, LONGEST_DELAY)


def ride_through(attempt: Callable[[], R], seconds: float) -> R:
    """Run a request's `attempt`; while it fails because the database cannot be reached, and
    running it again would repeat no write, run it again after a short back-off, for at most
    `seconds`."""
    deadline = time.monotonic() + seconds
    delay = FIRST_DELAY
    # The request as it stood before the first attempt: what an attempt leaves in g (the
    # user, the CSRF check, caches) and in the cookie session (flashes) goes with it.
    before_g = {name: g.get(name) for name in g}
    before_session = copy.deepcopy(dict(session))
    session_modified = session.modified
    replanned = False
    while True:
        g.pop(COMMITS, None)
        try:
            return attempt()
        except DBAPIError as error:
            if not replanned and _stale_plan(error) and _may_run_again(deadline):
                # The ROLLBACK as the session closes makes psycopg drop the connection's
                # prepared statements: the next attempt has them prepared afresh.
                replanned = True
                close_session()
                _restore(before_g, before_session, session_modified)
                continue
            if (
                cause_of(error) != UNREACHABLE
                or time.monotonic() + delay > deadline
                or not _may_run_again(deadline)
            ):
                raise
            report(error)
        close_session()
        _restore(before_g, before_session, session_modified)
        time.sleep(delay)
        delay = min(delay * 2, LONGEST_DELAY)


def _restore(before_g: dict[str, Any], before_session: dict[str, Any], modified: bool) -> None:
    for name in list(g):
        g.pop(name)
    for name, value in before_g.items():
        setattr(g, name, value)
    session.clear()
    session.update(copy.deepcopy(before_session))
    session.modified = modified


@dataclass(frozen=True)
class FreeSpace:
    """Free space on the filesystem holding one of the app's folders."""

    what: str
    path: Path
    free_mb: int


def free_space(database_url: str, instance_path: str) -> list[FreeSpace]:
    """Free space where the SQLite database (if that is the engine) and the instance folder
    live: when it runs out, saving fails."""
    places = [("the instance folder", Path(instance_path))]
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        places.insert(0, ("the SQLite database", Path(url.database)))
    found = []
    for what, path in places:
        existing = path
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        found.append(FreeSpace(what, path, shutil.disk_usage(existing).free // 2**20))
    return found
