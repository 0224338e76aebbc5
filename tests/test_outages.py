"""Riding through database outages, with real faults: a request whose connection is cut before it
sent COMMIT runs again and succeeds; one that had sent COMMIT is never run again; the retrying
stops after DB_RETRY_SECONDS with the outage page (503); the log says so once, not once a request.

Each app here has a database of its own, outside the test's transaction, since the faults break
connections. On PostgreSQL a connection is cut for real by pg_terminate_backend from another
connection ("terminating connection due to administrator command"); on SQLite, which has no
server, by closing the connection under the request and moving the database's folder away, so
new connections fail ("unable to open database file") until it is moved back."""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from flask import Flask, flash, request
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from learnset import create_app, outages
from learnset.accounts.security import public
from learnset.db import database, get_db
from learnset.logs import OncePerMinute
from tests.apps import TEMPLATE_CACHE, fresh_app, make_test_config
from tests.helpers import create_database

NOTES = "CREATE TABLE fault_notes (body varchar(100) NOT NULL)"
SLOW_COMMIT = """CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN PERFORM pg_sleep(0.5); RETURN NULL; END $$"""
SLOW_COMMIT_TRIGGER = """CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON fault_notes
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit()"""


def _terminate(url: str, pid: int) -> None:
    """End a PostgreSQL backend, as a restart does: "terminating connection due to
    administrator command"."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


@dataclass
class Fault:
    """An app on a database of its own, and the means to cut its connections."""

    app: Flask
    url: str
    engine_name: str
    folder: Path | None = None
    attempts: list[str] = field(default_factory=list)

    def cut(self, back_after: float | None = None) -> None:
        """Break the connection the request holds, and (on SQLite) any new one until
        `back_after` seconds have passed (None: until restore())."""
        session = get_db()
        if self.engine_name == "postgresql":
            _terminate(self.url, session.scalar(text("SELECT pg_backend_pid()")))
            return
        assert self.folder is not None
        session.connection().connection.dbapi_connection.close()  # type: ignore[union-attr]
        database(self.app).engine.dispose()
        self.folder.rename(self.folder.with_name("away"))
        if back_after is not None:
            threading.Timer(back_after, self.restore).start()

    def restore(self) -> None:
        away = self.folder.with_name("away") if self.folder else None
        if away is not None and away.exists():
            away.rename(self.folder)  # type: ignore[arg-type]

    def write_note(self, body: str) -> Session:
        """A run of the view: counted in `attempts` (by the note's words), and the note written
        in the request's transaction, not committed. The request's session."""
        self.attempts.append(body)
        db = get_db()
        db.execute(text("INSERT INTO fault_notes VALUES (:body)"), {"body": body})
        return db

    def notes(self) -> list[str]:
        engine = create_engine(self.url)
        with engine.connect() as connection:
            found = list(connection.scalars(text("SELECT body FROM fault_notes ORDER BY body")))
        engine.dispose()
        return found

    def view(self, rule: str, methods: tuple[str, ...] = ("GET", "POST")):
        def register(function: Callable[[], object]) -> Callable[[], object]:
            self.app.add_url_rule(rule, rule, public(function), methods=list(methods))
            return function

        return register


def _own_database(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path | None]:
    if request.config.getoption("--db") == "sqlite":
        folder = tmp_path / "data"
        folder.mkdir()
        return f"sqlite:///{folder / 'faults.db'}", folder
    name = f"faults_{uuid.uuid4().hex[:12]}"
    return create_database(os.environ["LEARNSET_TEST_POSTGRES_URL"], name), None


def _app(url: str, tmp_path: Path, **settings: object) -> Flask:
    config = {
        **make_test_config(url, tmp_path),
        # The person gets the error page, as in production, rather than the test a traceback.
        "PROPAGATE_EXCEPTIONS": False,
        "WTF_CSRF_ENABLED": False,
        **settings,
    }
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return app


@pytest.fixture(autouse=True)
def fresh_log(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test sees its own first line of the minute.
    monkeypatch.setattr(outages, "_once_a_minute", OncePerMinute())


@pytest.fixture
def fault(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fault]:
    url, folder = _own_database(request, tmp_path)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(NOTES))
    engine.dispose()
    fault = Fault(_app(url, tmp_path), url, request.config.getoption("--db"), folder)
    yield fault
    fault.restore()
    database(fault.app).engine.dispose()


def _outage_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "learnset.outages"]


def test_a_request_whose_connection_is_cut_runs_again_and_succeeds(fault, caplog):
    @fault.view("/fault/save")
    def save() -> str:
        db = fault.write_note(request.form["body"])
        if len(fault.attempts) == 1:
            flash("From the attempt that failed")
            fault.cut(back_after=0.3)
        db.execute(text("SELECT count(*) FROM fault_notes"))
        db.commit()
        flash("Saved")
        return "saved"

    client = fault.app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.post("/fault/save", data={"body": "My words"})

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "saved"
    # The form was read again on the second attempt: Werkzeug keeps the parsed body.
    assert fault.attempts[0] == fault.attempts[-1] == "My words"
    assert len(fault.attempts) >= 2
    # The first attempt's insert went with its connection; the last one's was committed once.
    assert fault.notes() == ["My words"]
    with client.session_transaction() as cookie:
        assert [message for _, message in cookie["_flashes"]] == ["Saved"]
    lines = _outage_lines(caplog)
    assert len(lines) == 1 and lines[0].exc_info is None
    assert "database unreachable" in lines[0].getMessage()


def test_a_request_that_sent_commit_is_not_run_again(fault, caplog):
    @fault.view("/fault/commit-then-fail")
    def commit_then_fail() -> str:
        db = fault.write_note("committed")
        db.commit()
        fault.cut()
        db.execute(text("SELECT count(*) FROM fault_notes"))
        return "unreachable"

    with caplog.at_level(logging.ERROR):
        response = fault.app.test_client().post("/fault/commit-then-fail")

    # The outage page (tests/test_unsaved.py has more of it), once the retrying gave up.
    assert response.status_code == 503
    assert "Your changes have not been saved" in response.get_data(as_text=True)
    # Run once: running it again would have written the row twice.
    assert fault.attempts == ["committed"]
    fault.restore()
    assert fault.notes() == ["committed"]
    # Told as the outage it is, in one line, without a traceback.
    lines = _outage_lines(caplog)
    assert len(lines) == 1 and lines[0].exc_info is None


def test_a_commit_whose_answer_is_lost_is_not_run_again(fault, monkeypatch):
    # The one fault staged rather than real: the database commits and the answer is lost on
    # the way back, which no test can time for real.
    dialect = database(fault.app).engine.dialect
    real_commit = dialect.do_commit
    error = {"sqlite": sqlite3.OperationalError, "postgresql": psycopg.OperationalError}

    def commit_then_lose_the_answer(dbapi_connection: object) -> None:
        real_commit(dbapi_connection)
        raise error[fault.engine_name]("server closed the connection unexpectedly")

    monkeypatch.setattr(dialect, "do_commit", commit_then_lose_the_answer)

    @fault.view("/fault/answer-lost")
    def answer_lost() -> str:
        db = fault.write_note("written once")
        db.commit()
        return "saved"

    response = fault.app.test_client().post("/fault/answer-lost")

    if fault.engine_name == "postgresql":
        # It may have been saved, and the person is told so rather than told it was not.
        assert response.status_code == 503
        assert "Your changes may not have been saved" in response.get_data(as_text=True)
    else:
        # SQLite has no connection to lose: the staged error is not an outage there.
        assert response.status_code == 500
    assert fault.attempts == ["written once"]
    assert fault.notes() == ["written once"]


# Only PostgreSQL can say what became of a transaction it lost.
@pytest.mark.postgresql_only
def test_a_commit_lost_in_flight_and_rolled_back_runs_again(fault):
    engine = create_engine(fault.url)
    with engine.begin() as connection:
        # COMMIT takes half a second, in a deferred trigger, to be cut off in the middle of.
        connection.execute(text(SLOW_COMMIT))
        connection.execute(text(SLOW_COMMIT_TRIGGER))
    engine.dispose()

    @fault.view("/fault/slow-commit")
    def slow_commit() -> str:
        db = fault.write_note(request.form["body"])
        if len(fault.attempts) == 1:
            pid = db.scalar(text("SELECT pg_backend_pid()"))
            threading.Timer(0.2, _terminate, (fault.url, pid)).start()
        db.commit()
        return "saved"

    response = fault.app.test_client().post("/fault/slow-commit", data={"body": "My words"})

    assert (response.status_code, response.get_data(as_text=True)) == (200, "saved")
    assert fault.attempts == ["My words", "My words"]
    assert fault.notes() == ["My words"]


def test_a_get_whose_bookkeeping_was_committed_runs_again(fault):
    @fault.view("/fault/page", methods=("GET",))
    def page() -> str:
        db = fault.write_note("seen")
        db.commit()
        if len(fault.attempts) == 1:
            fault.cut(back_after=0.3)
        return str(db.scalar(text("SELECT count(*) FROM fault_notes")))

    response = fault.app.test_client().get("/fault/page")

    # A GET promises to change nothing that matters, so running it again is safe.
    assert response.status_code == 200
    assert len(fault.attempts) >= 2


def test_retrying_stops_after_the_bounded_time_with_the_error_page(request, tmp_path, caplog):
    if request.config.getoption("--db") == "sqlite":
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'learnset.db'}"
    else:
        with socket.socket() as probe:  # a port nobody listens on: connection refused
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/learnset"
    app = _app(url, tmp_path, DB_RETRY_SECONDS=0.6)
    attempts: list[float] = []

    def read() -> str:
        attempts.append(time.monotonic())
        return str(get_db().scalar(text("SELECT 1")))

    app.add_url_rule("/fault/read", "read", public(read))
    client = app.test_client()

    with caplog.at_level(logging.ERROR):
        started = time.monotonic()
        first = client.get("/fault/read")
        took = time.monotonic() - started
        second = client.get("/fault/read")

    assert first.status_code == second.status_code == 503
    assert first.headers["Retry-After"] == "10"
    assert "The database could not be reached." in first.get_data(as_text=True)
    # 0.1 s, then 0.2 s; a third wait (0.4 s) would pass the 0.6 s allowed.
    assert len(attempts) == 6
    assert 0.3 <= took < 2
    # Two requests, six failures: one line for the operator, naming the cause, no traceback.
    lines = _outage_lines(caplog)
    assert len(lines) == 1, [r.getMessage() for r in caplog.records]
    assert "Database outage: database unreachable" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]
    database(app).engine.dispose()


def test_a_connection_lost_once_the_answer_is_ready_does_not_spoil_it(fault):
    @fault.view("/fault/read-then-lost")
    def read_then_lost() -> str:
        fault.attempts.append("attempt")
        found = get_db().scalar(text("SELECT count(*) FROM fault_notes"))
        # The transaction is still open: closing the session at teardown rolls it back on a
        # connection that is gone.
        fault.cut()
        return f"{found} notes"

    response = fault.app.test_client().get("/fault/read-then-lost")

    assert (response.status_code, response.get_data(as_text=True)) == (200, "0 notes")
    assert fault.attempts == ["attempt"]


def test_retrying_is_off_with_zero_seconds(fault):
    fault.app.config["DB_RETRY_SECONDS"] = 0

    @fault.view("/fault/cut")
    def cut() -> str:
        fault.attempts.append("attempt")
        fault.cut()
        get_db().execute(text("SELECT 1"))
        return "unreachable"

    assert fault.app.test_client().get("/fault/cut").status_code == 503
    assert fault.attempts == ["attempt"]


# --- Naming the cause, from real errors ---------------------------------------------------------


def _sqlite_error(url: str, *statements: str) -> DBAPIError:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    except DBAPIError as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError("no error")


def test_causes_are_named_from_the_database_errors(tmp_path):
    full = _sqlite_error(
        f"sqlite:///{tmp_path / 'full.db'}",
        "CREATE TABLE t (body text)",
        "PRAGMA max_page_count = 3",
        "INSERT INTO t SELECT hex(randomblob(10000))",
    )
    assert outages.cause_of(full) == outages.DISK_FULL
    path = tmp_path / "read-only.db"
    _sqlite_error(f"sqlite:///{path}", "CREATE TABLE t (body text)", "SELECT nothing")
    read_only = _sqlite_error(
        f"sqlite:///file:{path}?mode=ro&uri=true", "INSERT INTO t VALUES ('x')"
    )
    assert outages.cause_of(read_only) == outages.READ_ONLY
    missing = _sqlite_error(f"sqlite:///{tmp_path / 'none' / 'x.db'}", "SELECT 1")
    assert outages.cause_of(missing) == outages.UNREACHABLE
    locked_or_wrong = _sqlite_error(f"sqlite:///{tmp_path / 'ok.db'}", "SELECT nothing")
    assert outages.cause_of(locked_or_wrong) is None
    assert outages.cause_of(ValueError("not the database")) is None


# --- flask check ----------------------------------------------------------------------------------


def test_check_reports_free_space_and_warns_below_the_threshold(tmp_path):
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0

    fine = runner.invoke(args=["check"])
    assert fine.exit_code == 0, fine.output
    assert "Database: answers, at revision" in fine.output
    assert "where the SQLite database lives" in fine.output
    assert "where the instance folder lives" in fine.output

    app.config["MIN_FREE_MB"] = 2**40  # more than any disk here
    short = runner.invoke(args=["check"])
    assert short.exit_code == 1
    assert "WARNING: only" in short.output and "below MIN_FREE_MB" in short.output


def test_check_says_when_the_database_does_not_answer(tmp_path):
    app = fresh_app(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'gone' / 'x.db'}")
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "the database does not answer (database unreachable)" in result.output


def _prepared_here(db: Session) -> int:
    """How many statements psycopg has prepared on the session's connection (the view
    pg_prepared_statements shows only its own connection's)."""
    return db.scalar(text("SELECT count(*) FROM pg_prepared_statements")) or 0


@pytest.mark.postgresql_only
def test_a_get_ends_with_commit_so_its_statements_stay_prepared(fault):
    @fault.view("/fault/read", methods=("GET",))
    def read() -> str:
        db = get_db()
        db.scalar(text("SELECT count(*) FROM fault_notes WHERE body <> :body"), {"body": "x"})
        return str(_prepared_here(db))

    client = fault.app.test_client()
    answers = [client.get("/fault/read").get_data(as_text=True) for _ in range(8)]

    # psycopg prepares a statement on its 6th run on a connection, and forgets them all at a
    # ROLLBACK: a GET's transaction ends with COMMIT, so they stay prepared.
    assert answers[0] == "0"
    assert int(answers[-1]) >= 2


@pytest.mark.postgresql_only
def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them(fault, tmp_path):
    app = _app(fault.url, tmp_path, DATABASE_PREPARED_STATEMENTS=False)

    def read() -> str:
        db = get_db()
        db.scalar(text("SELECT count(*) FROM fault_notes WHERE body <> :body"), {"body": "x"})
        return str(_prepared_here(db))

    app.add_url_rule("/fault/read", "fault_read", public(read))
    client = app.test_client()
    try:
        answers = [client.get("/fault/read").get_data(as_text=True) for _ in range(8)]
    finally:
        database(app).engine.dispose()

    assert answers == ["0"] * 8


@pytest.mark.postgresql_only
def test_a_failed_get_and_an_unfinished_post_still_roll_back(fault):
    @fault.view("/fault/fails", methods=("GET",))
    def fails() -> str:
        fault.write_note("from a GET that failed")
        raise RuntimeError("the view failed")

    @fault.view("/fault/post-uncommitted", methods=("POST",))
    def post_uncommitted() -> str:
        fault.write_note("from a POST that did not commit")
        return "left"

    client = fault.app.test_client()
    assert client.get("/fault/fails").status_code == 500
    assert client.post("/fault/post-uncommitted").status_code == 200
    assert fault.notes() == []


@pytest.mark.postgresql_only
def test_a_migration_changing_a_prepared_statements_columns_is_not_an_error(fault):
    @fault.view("/fault/bodies", methods=("GET",))
    def bodies() -> str:
        fault.attempts.append("attempt")
        found = get_db().scalars(text("SELECT body FROM fault_notes WHERE body <> :x"), {"x": ""})
        return ",".join(found)

    engine = create_engine(fault.url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO fault_notes VALUES ('one')"))
    client = fault.app.test_client()
    for _ in range(8):
        assert client.get("/fault/bodies").get_data(as_text=True) == "one"
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE fault_notes ALTER COLUMN body TYPE text"))
    engine.dispose()
    fault.attempts.clear()

    # PostgreSQL refuses the statement prepared before ("cached plan must not change result
    # type"); the request runs again, with the statement prepared afresh.
    response = client.get("/fault/bodies")

    assert (response.status_code, response.get_data(as_text=True)) == (200, "one")
    assert fault.attempts == ["attempt", "attempt"]
    assert client.get("/fault/bodies").get_data(as_text=True) == "one"


@pytest.mark.postgresql_only
def test_a_get_that_met_a_database_error_and_answered_still_rolls_back(fault):
    @fault.view("/fault/caught", methods=("GET",))
    def caught() -> str:
        db = get_db()
        try:
            db.execute(text("SELECT 1 / 0"))
        except DBAPIError:
            return "answered"  # the transaction is aborted: it can only roll back
        return "not reached"

    client = fault.app.test_client()
    assert [client.get("/fault/caught").get_data(as_text=True) for _ in range(2)] == [
        "answered",
        "answered",
    ]
