"""On SQLite a transaction that will write takes the write lock as it begins, so one that reads
first waits for another writer instead of failing with "database is locked"."""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError

from learnset import create_app, outages
from learnset import db as db_module
from learnset.accounts.models import SignInSession
from learnset.db import WAL_SIZE_LIMIT, WRITES, Database, database, get_db, make_engine, utcnow
from tests import factories
from tests.apps import fresh_app, make_test_config
from tests.helpers import TEST_PASSWORD, submit


def _counter_database(path: Path) -> Database:
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    return Database.on(engine)


@pytest.fixture
def counter(tmp_path):
    database = _counter_database(tmp_path / "writes.db")
    yield database
    database.engine.dispose()


def test_the_write_ahead_log_is_cut_back_to_its_limit_when_it_is_reset(tmp_path):
    """Writes made while a reader holds the log open grow it past the limit (uploads under a
    steady page load do); once it can be reset, the file is cut back to the limit."""
    engine = make_engine(f"sqlite:///{tmp_path / 'log.db'}")
    log = tmp_path / "log.db-wal"
    chunk = os.urandom(1024 * 1024)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE chunks (data BLOB)"))
    with engine.connect() as reader:
        reader.execute(text("SELECT count(*) FROM chunks")).scalar_one()
        for _ in range(WAL_SIZE_LIMIT // len(chunk) + 8):
            with engine.begin() as writer:
                writer.execute(text("INSERT INTO chunks VALUES (:data)"), {"data": chunk})
        grown = log.stat().st_size
    with engine.begin() as connection:
        connection.execute(text("PRAGMA wal_checkpoint"))
    with engine.begin() as writer:
        writer.execute(text("INSERT INTO chunks VALUES (x'00')"))
    cut = log.stat().st_size
    engine.dispose()
    assert grown > WAL_SIZE_LIMIT
    assert cut <= WAL_SIZE_LIMIT


def _read_then_add_one(session) -> None:
    n = session.execute(text("SELECT n FROM counter")).scalar_one()
    session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})


def test_a_deferred_reader_that_writes_after_another_writer_fails(counter):
    """What went wrong before: read, someone else writes, then write."""
    first, second = counter.sessions(), counter.sessions()
    first.execute(text("SELECT n FROM counter")).scalar_one()
    _read_then_add_one(second)
    second.commit()
    with pytest.raises(OperationalError, match="database is locked"):
        first.execute(text("UPDATE counter SET n = 5"))
    first.rollback()


def test_writers_take_turns_and_both_writes_count(counter):
    first = counter.writer_sessions()
    _read_then_add_one(first)
    done = threading.Event()
    failure: list[BaseException] = []

    def second_writer() -> None:
        try:
            with counter.writer_sessions() as second:
                _read_then_add_one(second)
                second.commit()
        except BaseException as error:  # reported to the test below
            failure.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    # The second writer waits at BEGIN IMMEDIATE while the first holds the lock.
    assert not done.wait(0.5)
    first.commit()
    thread.join(timeout=15)
    assert failure == []
    with counter.sessions() as session:
        assert session.execute(text("SELECT n FROM counter")).scalar_one() == 2


@pytest.mark.parametrize(("method", "writes"), [("GET", False), ("HEAD", False), ("POST", True)])
def test_a_request_that_may_write_gets_a_writer_s_session(tmp_path, method, writes):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = create_app(make_test_config(url, tmp_path))
    with app.test_request_context("/", method=method):
        options = get_db().connection().get_execution_options()
        assert bool(options.get(WRITES)) is writes


def test_a_page_records_its_sign_in_while_another_request_writes(tmp_path, caplog):
    """A page (GET) reads before it records the sign-in's use; on SQLite its own session could
    not write once another had written, so the touch waits for the lock in a session of its
    own (seen under uploads: "The last use of a sign-in session was not recorded")."""
    app = fresh_app(tmp_path, migrated=True)
    with app.app_context():
        person = factories.make_user(get_db(), email="touch@example.org")
        get_db().commit()
        person_id = person.id
    client = app.test_client()
    signed_in = submit(
        client, "/sign-in", {"email": "touch@example.org", "password": TEST_PASSWORD}
    )
    assert signed_in.status_code == 302
    engine = database(app).engine
    with engine.begin() as connection:
        connection.execute(
            update(SignInSession)
            .where(SignInSession.user_id == person_id)
            .values(last_seen_at=utcnow() - timedelta(minutes=5))
        )
    # Another request holds the write lock, writes, and commits a moment later.
    holder = sqlite3.connect(tmp_path / "fresh.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE users SET name = name WHERE id = ?", (person_id,))
    threading.Timer(0.3, lambda: holder.execute("COMMIT")).start()
    with caplog.at_level(logging.WARNING, logger="learnset.accounts.security"):
        assert client.get("/account").status_code == 200
    holder.close()
    assert "was not recorded" not in caplog.text
    with engine.connect() as connection:
        seen = connection.execute(
            select(SignInSession.last_seen_at).where(SignInSession.user_id == person_id)
        ).scalar_one()
    assert utcnow() - seen.replace(tzinfo=UTC) < timedelta(seconds=30)


# --- The queue to write (learnset.db.WriteQueue) ----------------------------------------------


@pytest.fixture
def quick(tmp_path, monkeypatch):
    """The counter's database, where a write waits half a second for its turn and for SQLite's
    lock, not 15: a turn that was kept makes the next write fail at once."""
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT", 0.5)
    database = _counter_database(tmp_path / "quick.db")
    yield database
    database.engine.dispose()


def _in_a_thread(work) -> BaseException | None:
    """Run `work` in another thread of this process; what it raised, if anything."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # reported to the caller
            failure.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return failure[0] if failure else None


def _another_thread_writes(database: Database) -> None:
    """Nobody kept the turn: a write from another thread, on a connection of its own (an engine
    of its own), goes through within the short wait."""

    def add_one() -> None:
        engine = make_engine(database.engine.url.render_as_string())
        try:
            with Database.on(engine).writer_sessions.begin() as session:
                _read_then_add_one(session)
        finally:
            engine.dispose()

    assert _in_a_thread(add_one) is None


def _count(database: Database) -> int:
    with database.sessions() as session:
        return session.execute(text("SELECT n FROM counter")).scalar_one()


@pytest.mark.parametrize(("end", "count"), [("commit", 2), ("rollback", 1)])
def test_the_turn_is_given_back_as_the_transaction_ends(quick, end, count):
    with quick.engine.execution_options(**{WRITES: True}).connect() as connection:
        connection.execute(text("UPDATE counter SET n = n + 1"))
        getattr(connection, end)()
        # The connection is still open: the turn went with the transaction.
        _another_thread_writes(quick)
    assert _count(quick) == count


def test_a_session_gives_back_the_turn_as_it_commits(quick):
    with quick.writer_sessions() as session:
        _read_then_add_one(session)
        session.commit()
        _another_thread_writes(quick)
    assert _count(quick) == 2


def test_the_turn_is_given_back_after_an_exception_in_the_transaction(quick):
    with (
        pytest.raises(ValueError, match="a rule broken"),
        quick.writer_sessions.begin() as session,
    ):
        _read_then_add_one(session)
        raise ValueError("a rule broken")
    _another_thread_writes(quick)
    assert _count(quick) == 1


def test_the_turn_is_given_back_when_a_failing_statement_s_connection_is_closed(quick):
    """Neither commit nor rollback by hand: the connection goes back to the pool, which rolls
    it back."""
    engine = quick.engine.execution_options(**{WRITES: True})
    connection = engine.connect()
    connection.execute(text("UPDATE counter SET n = 5"))
    with pytest.raises(OperationalError, match="syntax error"):
        connection.execute(text("SELECT nothing FROM counter"))
    connection.close()
    _another_thread_writes(quick)
    assert _count(quick) == 1


def test_the_turn_is_given_back_when_the_connection_dies(quick):
    """As tests/test_outages.py cuts a request's connection: the database connection closed
    under the session, which then finds it dead and drops it."""
    session = quick.writer_sessions()
    _read_then_add_one(session)
    session.connection().connection.dbapi_connection.close()
    _another_thread_writes(quick)
    with pytest.raises(DBAPIError) as raised:
        session.execute(text("SELECT n FROM counter"))
    assert raised.value.connection_invalidated
    session.close()
    _another_thread_writes(quick)
    assert _count(quick) == 2


def test_the_turn_is_given_back_when_the_connection_is_invalidated(quick):
    session = quick.writer_sessions()
    _read_then_add_one(session)
    session.connection().invalidate()
    _another_thread_writes(quick)
    session.close()
    assert _count(quick) == 1


def test_the_turn_is_given_back_when_begin_immediate_fails(quick, tmp_path):
    """Another process holds SQLite's write lock past the busy timeout: BEGIN IMMEDIATE fails,
    the connection still open, and the turn is free all the same."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_WRITE_LOCK, str(tmp_path / "quick.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        connection = quick.engine.execution_options(**{WRITES: True}).connect()
        with pytest.raises(OperationalError, match="database is locked") as raised:
            connection.begin()
        assert outages.cause_of(raised.value) == outages.TIMEOUT
        assert _in_a_thread(lambda: _queue_file_is_free(tmp_path / "quick.db")) is None
        connection.close()
    finally:
        holder.communicate("")
    _another_thread_writes(quick)


HOLD_THE_WRITE_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.read()
connection.execute("ROLLBACK")
"""


def _queue_file_is_free(database: Path) -> None:
    with open(f"{database}-write-queue") as queue_file:
        fcntl.flock(queue_file, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if taken


def test_a_write_that_waits_too_long_for_its_turn_is_told_the_database_is_busy(quick):
    """The wait behind the process's other writers is bounded like SQLite's own, and ends in
    the error the app already answers with "try again" (learnset/outages.py)."""
    first = quick.writer_sessions()
    _read_then_add_one(first)

    def second() -> None:
        with quick.writer_sessions.begin() as session:
            _read_then_add_one(session)

    error = _in_a_thread(second)
    assert isinstance(error, OperationalError)
    assert outages.cause_of(error) == outages.TIMEOUT
    first.commit()
    first.close()
    _another_thread_writes(quick)
    assert _count(quick) == 2


def test_a_writer_in_another_process_holds_the_turn_for_every_process(quick, tmp_path):
    """The processes queue on a lock of the file beside the database, which a write holds
    from its start to its end."""
    database = tmp_path / "quick.db"
    context = multiprocessing.get_context("fork")
    holding, done = context.Event(), context.Event()
    other = context.Process(target=_hold_a_write, args=(str(database), holding, done))
    other.start()
    try:
        assert holding.wait(10)
        assert isinstance(_in_a_thread(lambda: _queue_file_is_free(database)), BlockingIOError)
    finally:
        done.set()
        other.join(10)
    assert other.exitcode == 0
    assert _in_a_thread(lambda: _queue_file_is_free(database)) is None
    _another_thread_writes(quick)
    assert _count(quick) == 2


def _hold_a_write(database: str, holding: Any, done: Any) -> None:
    engine = make_engine(f"sqlite:///{database}")
    with Database.on(engine).writer_sessions.begin() as session:
        _read_then_add_one(session)
        holding.set()
        done.wait(10)
    engine.dispose()


def _add_ones(database: Database, threads: int, writes: int) -> list[BaseException]:
    failures: list[BaseException] = []
    start = threading.Barrier(threads)

    def writer() -> None:
        start.wait()
        for _ in range(writes):
            try:
                with database.writer_sessions.begin() as session:
                    _read_then_add_one(session)
            except BaseException as error:  # counted below
                failures.append(error)

    running = [threading.Thread(target=writer) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(timeout=120)
    return failures


def test_many_threads_writing_at_once_all_succeed(counter):
    assert _add_ones(counter, threads=16, writes=25) == []
    assert _count(counter) == 16 * 25


def _add_ones_in_a_process(url: str) -> None:
    engine = make_engine(url)
    failures = _add_ones(Database.on(engine), threads=4, writes=20)
    engine.dispose()
    sys.exit(1 if failures else 0)


def test_many_processes_of_many_threads_writing_at_once_all_succeed(counter, tmp_path):
    context = multiprocessing.get_context("fork")
    url = f"sqlite:///{tmp_path / 'writes.db'}"
    processes = [context.Process(target=_add_ones_in_a_process, args=(url,)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * 4
    assert _count(counter) == 4 * 4 * 20
