"""Fixtures: a fresh database per test (one transaction, rolled back), apps, clients, people."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from learnset import create_app, mail, migrate
from learnset.accounts import sign_ins
from learnset.db import database, make_engine, utcnow
from tests import factories
from tests.postgres import find_bin_dir, start_cluster

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
TEST_PASSWORD = factories.PASSWORD


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


def pytest_sessionstart(session: pytest.Session) -> None:
    reason = getattr(session.config, "learnset_skip_reason", None)
    if reason:
        pytest.exit(reason, returncode=0)


def pytest_unconfigure(config: pytest.Config) -> None:
    cluster = getattr(config, "learnset_cluster", None)
    if cluster is not None:
        cluster.stop()


def _worker_name(config: pytest.Config) -> str:
    return getattr(config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty database for this test process, brought to the newest migration."""
    if request.config.getoption("--db") == "postgresql":
        admin_url = os.environ["LEARNSET_TEST_POSTGRES_URL"]
        name = f"learnset_test_{_worker_name(request.config)}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'learnset.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection in one transaction, rolled back after the test: nothing leaks."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def make_test_config(database_url: str, tmp_path: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "MAIL_SERVER": "",
        "MAIL_OUTBOX": str(tmp_path / "outbox"),
        # Tests deliver the mail queue themselves, with deliver_mail(app) or the outbox fixture.
        "MAIL_DELIVER_AFTER_RESPONSE": False,
        "BASE_URL": "http://localhost",
        "PASSWORD_HASH_METHOD": factories.FAST_HASH,
        "RATELIMIT_STORAGE_URI": "memory://",
    }


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the per-test apps: compiling the NHS.UK macros is slow."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = _MemoryBytecodeCache()


TEST_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0"


class SignedInClient(FlaskClient):
    """A test browser; given `user=`, it is signed in as them through a real sign-in session,
    as the sign-in page would do (its id is `sign_in_id`, its secret in the cookie)."""

    sign_in_id: int | None = None

    def __init__(self, *args: object, user: factories.User | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)
        if user is None:
            return
        app = self.application
        with database(app).sessions() as session:
            started = sign_ins.start(
                session,
                user,
                utcnow(),
                lifetime=timedelta(hours=app.config["SESSION_LIFETIME_HOURS"]),
                user_agent=TEST_USER_AGENT,
                ip="192.0.2.10",
            )
            session.commit()
            self.sign_in_id = started.sign_in.id
        with self.session_transaction() as cookie:
            cookie["_user_id"] = started.secret
            cookie["_fresh"] = True


def bind_app(app: Flask, connection: Connection) -> Flask:
    """Point an app at the test's transaction, with the suite's template cache and clients."""
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    app.test_client_class = SignedInClient
    database(app).bind(connection)
    return app


@pytest.fixture
def app(database_url: str, connection: Connection, tmp_path: Path) -> Iterator[Flask]:
    app = bind_app(create_app(make_test_config(database_url, tmp_path)), connection)
    # No app context is held here: each request pushes its own and closes its session at the end.
    yield app
    database(app).engine.dispose()


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


ROLES = ["anonymous", "participant", "fellow", "tutor", "other_tutor", "outsider", "admin"]


@pytest.fixture
def people(db: Session) -> People:
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
def login(app: Flask):  # type: ignore[no-untyped-def]
    """A client already signed in as the given user (or anonymous for None)."""

    def _login(user: factories.User | None) -> FlaskClient:
        return app.test_client(user=user) if user is not None else app.test_client()

    return _login


def deliver_mail(app: Flask) -> mail.Delivery:
    """Deliver the mail queue now, as `flask mail send` does: requests only queue email."""
    with app.app_context():
        return mail.deliver_due()


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


def link_in(message: Message) -> str:
    """The path of the first link in an email's body."""
    body = message.get_payload(decode=True).decode()
    match = re.search(r"http://localhost(/\S+)", body)
    assert match, body
    return match.group(1)


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


CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_from(client: FlaskClient, path: str) -> str:
    """Open a page as a browser would and read its form's CSRF token."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def submit(client: FlaskClient, path: str, data: dict[str, object], **kwargs: object):  # type: ignore[no-untyped-def]
    """Fill in and post the form on a page, with the page's own CSRF token."""
    return client.post(path, data={**data, "csrf_token": csrf_from(client, path)}, **kwargs)
