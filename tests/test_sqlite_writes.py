"""On SQLite a transaction that will write takes the write lock as it begins, so one that reads
first waits for another writer instead of failing with "database is locked"."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from datetime import UTC, timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError

from learnset import create_app
from learnset.accounts.models import SignInSession
from learnset.db import WAL_SIZE_LIMIT, WRITES, Database, database, get_db, make_engine, utcnow
from tests import factories
from tests.apps import fresh_app, make_test_config
from tests.helpers import TEST_PASSWORD, submit


@pytest.fixture
def counter(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'writes.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    yield Database.on(engine)
    engine.dispose()


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
