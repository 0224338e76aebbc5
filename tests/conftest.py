"""Fixtures: a fresh database per test (one transaction, rolled back), apps, clients, people.

Helpers that tests import live elsewhere: objects in factories.py, requests in helpers.py, apps
and test clients in apps.py."""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from learnset import create_app, migrate
from learnset.db import database, make_engine
from tests import factories, prepared
from tests.apps import (
    IN_CI,
    ReusableApp,
    bind_app,
    make_test_config,
    share_compiled_templates,
    share_url_builders,
)
from tests.content import make_content
from tests.helpers import deliver_mail
from tests.postgres import find_bin_dir, start_cluster


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default=os.environ.get("LEARNSET_TEST_DB", "sqlite"),
        help="the database engine to run the suite on",
    )


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    share_compiled_templates()
    share_url_builders()
    if _is_controller(config):
        prepared.start_run()
    # One cluster for the whole run, started before xdist workers so they inherit its address.
    if config.getoption("--db") != "postgresql" or not _is_controller(config):
        return
    if os.environ.get("LEARNSET_TEST_POSTGRES_URL"):
        return
    if find_bin_dir() is None:
        if IN_CI:
            raise pytest.UsageError("CI=true but PostgreSQL is not installed")
        config.learnset_skip_reason = (  # type: ignore[attr-defined]
            "PostgreSQL is not installed: skipping the PostgreSQL run "
            "(apt-get install postgresql to run it)."
        )
        return
    cluster = start_cluster()
    config.learnset_cluster = cluster  # type: ignore[attr-defined]
    os.environ["LEARNSET_TEST_POSTGRES_URL"] = cluster.admin_url


SLOW_FIRST = ("tests/load/", "tests/test_packaging.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A test of what only PostgreSQL does is not part of the SQLite run, nor one of what only
    # SQLite does part of the PostgreSQL run: deselected, not skipped, so a CI run skips nothing.
    other = "sqlite_only" if config.getoption("--db") == "postgresql" else "postgresql_only"
    elsewhere = [item for item in items if item.get_closest_marker(other)]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if not item.get_closest_marker(other)]
    # The tests that take tens of seconds (servers under load, a wheel installed) run first, so
    # that the two workers finish together instead of one waiting on a long test at the end.
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW_FIRST))


def pytest_collection_finish(session: pytest.Session) -> None:
    # Everything imported so far lives for the whole run: freeze it out of the collector's
    # sight, or each full collection walks it again; and collect less often, since each test
    # makes a whole app's worth of objects (collecting took a quarter of the run's time).
    gc.collect()
    gc.freeze()
    gc.set_threshold(500_000, 10, 10)


def pytest_sessionstart(session: pytest.Session) -> None:
    reason = getattr(session.config, "learnset_skip_reason", None)
    if reason:
        pytest.exit(reason, returncode=0)


def pytest_unconfigure(config: pytest.Config) -> None:
    cluster = getattr(config, "learnset_cluster", None)
    if cluster is not None:
        cluster.stop()
    if _is_controller(config):
        prepared.end_run()


def _worker_name(config: pytest.Config) -> str:
    return getattr(config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty database for this test process, brought to the newest migration."""
    if request.config.getoption("--db") == "postgresql":
        name = f"learnset_test_{_worker_name(request.config)}"
        url = prepared.create_afresh(os.environ["LEARNSET_TEST_POSTGRES_URL"], name)
        migrate.upgrade(url)
        return url
    path = tmp_path_factory.mktemp("db") / "learnset.db"
    prepared.copy_sqlite(prepared.migrated_sqlite_file(), path)
    return f"sqlite:///{path}"


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of the run's engine with nothing in it, not even the schema, for what the
    shared one cannot do: commands that commit, migrations down and up, backups, a wheel."""
    if request.config.getoption("--db") != "postgresql":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"learnset_empty_{_worker_name(request.config)}_{os.getpid()}"
    url = prepared.create_afresh(os.environ["LEARNSET_TEST_POSTGRES_URL"], name)
    yield url
    prepared.drop(url)


def _flask_init(url: str) -> None:
    """`flask init` on the empty database at `url`: migrations, then the library."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(make_test_config(url, Path(folder)))
        result = app.test_cli_runner().invoke(args=["init"])
        assert result.exit_code == 0, result.output
        database(app).engine.dispose()


@pytest.fixture
def initialised_database_url(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path
) -> Iterator[str]:
    """A database of the run's engine of its own, as `flask init` leaves a new install: a copy
    of one that the command initialised once a run (tests/prepared.py)."""
    if database_url.startswith("sqlite"):
        copy = str(tmp_path / "initialised.db")
    else:
        copy = f"learnset_initialised_{_worker_name(request.config)}_{os.getpid()}"
    url = prepared.copy_of("initialised", database_url, _flask_init, copy)
    yield url
    prepared.drop(url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_engines(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[bool, Engine]]:
    """Engines on this process's copies of the demo programme (tests/prepared.py), without
    and with the library (the key), each made when a test first asks for it."""

    class Engines(dict[bool, Engine]):
        def __missing__(self, library: bool) -> Engine:
            folder = tmp_path_factory.mktemp("demo")
            url = prepared.demo_database(
                database_url, library, _worker_name(request.config), folder
            )
            self[library] = make_engine(url)
            return self[library]

    engines = Engines()
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def connection(request: pytest.FixtureRequest, engine: Engine) -> Iterator[Connection]:
    """One connection in one transaction, rolled back after the test: nothing leaks.

    A test marked `demo_data` runs on the demo programme, loaded once for the whole run
    (`library=True`: after the library), instead of on the empty database: it sees, and may
    change, what a fresh `demo.load` leaves, and its changes are rolled back as any test's."""
    marker = request.node.get_closest_marker("demo_data")
    if marker is not None:
        engine = request.getfixturevalue("demo_engines")[marker.kwargs.get("library", False)]
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture(scope="session")
def worker_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> ReusableApp:
    """The app most tests share, made once per test process and set back before each test."""
    folder = tmp_path_factory.mktemp("app")
    return ReusableApp(create_app(make_test_config(database_url, folder)))


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    worker_app: ReusableApp,
    database_url: str,
    connection: Connection,
    tmp_path: Path,
) -> Iterator[Flask]:
    """The app on this test's transaction. Tests that add routes or hooks of their own are
    marked `own_app` and get an app made for them alone."""
    url = connection.engine.url.render_as_string(hide_password=False)
    settings = make_test_config(url, tmp_path)
    # No app context is held here: each request pushes its own and closes its session at the end.
    if request.node.get_closest_marker("own_app"):
        app = bind_app(create_app(settings), connection)
        yield app
        database(app).engine.dispose()
        return
    app = bind_app(worker_app.fresh(settings), connection)
    yield app
    worker_app.check_unchanged(request.node.nodeid)


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session on the test's transaction; it sees whatever requests have written."""
    session = database(app).sessions()

    # Objects loaded before a request would otherwise show what they held before it.
    @app.teardown_request
    def _refresh(_exc: BaseException | None) -> None:
        session.expire_all()

    yield session
    session.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser with no one signed in. CSRF is on, as in production."""
    return app.test_client()


@pytest.fixture
def no_csrf(app: Flask) -> Flask:
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@dataclass
class People:
    """A small programme: cohort A with a tutor and two participants; cohort B with its own."""

    admin: factories.User
    tutor: factories.User
    participant: factories.User
    fellow: factories.User
    other_tutor: factories.User
    outsider: factories.User
    cohort: factories.Cohort
    other_cohort: factories.Cohort

    def by_role(self, role: str) -> factories.User | None:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def people(db: Session) -> People:
    with factories.batch(db):
        cohort = factories.make_cohort(db, name="Riverside set")
        other = factories.make_cohort(db, name="Eastvale set")
        people = People(
            admin=factories.make_user(db, name="Ada Admin", is_admin=True),
            tutor=factories.make_member(db, cohort, "tutor", name="Tess Tutor"),
            participant=factories.make_member(db, cohort, "participant", name="Pat Participant"),
            fellow=factories.make_member(db, cohort, "participant", name="Fay Fellow"),
            other_tutor=factories.make_member(db, other, "tutor", name="Otto Othertutor"),
            outsider=factories.make_member(db, other, "participant", name="Oona Outsider"),
            cohort=cohort,
            other_cohort=other,
        )
    db.commit()
    return people


@pytest.fixture
def framework(db: Session) -> factories.Framework:
    """A small capability framework to rate: two domains, five capabilities."""
    framework = factories.make_framework(db)
    db.commit()
    return framework


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A small content folder (tests/content.py) for sync tests to change and break."""
    return make_content(tmp_path / "content")


@pytest.fixture
def login(app: Flask):  # type: ignore[no-untyped-def]
    """A client already signed in as the given user (or anonymous for None)."""

    def _login(user: factories.User | None) -> FlaskClient:
        return app.test_client(user=user) if user is not None else app.test_client()

    return _login


@pytest.fixture
def outbox(app: Flask):  # type: ignore[no-untyped-def]
    """The emails sent so far (the queue delivered first), oldest first, as parsed messages."""

    def _read() -> list[Message]:
        deliver_mail(app)
        folder = Path(app.config["MAIL_OUTBOX"])
        if not folder.exists():
            return []
        return [message_from_bytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]

    return _read


@pytest.fixture
def count_queries(engine: Engine, connection: Connection):  # type: ignore[no-untyped-def]
    """A context manager counting the SQL statements sent while it is open."""
    from contextlib import contextmanager

    @contextmanager
    def _count() -> Iterator[list[str]]:
        statements: list[str] = []

        def _record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
            if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", _record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", _record)

    return _count
