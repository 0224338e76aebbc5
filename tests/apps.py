"""Apps for tests: the test settings, one cache of compiled templates for the whole run, test
clients that are signed in through a real sign-in session, and apps on a database of their own
for commands that commit. The fixtures that use them are in conftest.py."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import CodeType
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy.engine import Connection
from werkzeug.routing.rules import Rule

from learnset import LearnsetFlask, create_app
from learnset.accounts import sign_ins, two_factor
from learnset.db import database, utcnow
from tests import factories, prepared
from tests.helpers import count_rows

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
TEST_SECRET = "test-secret-key-not-for-production"
TEST_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0"


def make_test_config(database_url: str, tmp_path: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "MAIL_SERVER": "",
        "MAIL_OUTBOX": str(tmp_path / "outbox"),
        # Tests deliver the mail queue themselves, with deliver_mail(app) or the outbox fixture.
        "MAIL_DELIVER_AFTER_RESPONSE": False,
        "BASE_URL": "http://localhost",
        "PASSWORD_HASH_METHOD": factories.FAST_HASH,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Most tests sign tutors and admins in with a password alone. The tests of two-factor
        # authentication (tests/accounts/test_two_factor*.py and its browser journey) turn the
        # requirement on, as it is by default.
        "TWO_FACTOR_REQUIRED": False,
    }


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the per-test apps: compiling the NHS.UK macros is slow.
    The code objects themselves are kept (they are immutable), not their marshalled bytes:
    unmarshalling every component's macros again took about 40 ms an app."""

    def __init__(self) -> None:
        self._store: dict[str, CodeType] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self._store.get(bucket.key)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self._store[bucket.key] = bucket.code


TEMPLATE_CACHE = _MemoryBytecodeCache()


def share_compiled_templates() -> None:
    """Every app of the run compiles each template once. The cache goes to each app's Jinja
    environment as it is made: create_app loads all the NHS.UK component macros before it
    returns, so a cache set on the app afterwards came too late for them (about 45 ms an app,
    for every test)."""
    LearnsetFlask.jinja_options = {**LearnsetFlask.jinja_options, "bytecode_cache": TEMPLATE_CACHE}


_RULE_BUILDERS: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}


def share_url_builders() -> None:
    """Every app of the run compiles each URL rule's builder once. Werkzeug writes and compiles
    Python code for each of the app's 700 rules as it is added (about half of create_app's
    time, and every test makes an app). A builder is a function of the rule's text, its parsed
    parts and defaults only: the rule it serves is passed in when it is called."""
    compile_builder = Rule._compile_builder

    def shared(rule: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        defaults = tuple(sorted((rule.defaults or {}).items()))
        key = (rule.rule, rule.subdomain, rule.host, tuple(rule._trace), defaults, append_unknown)
        if key not in _RULE_BUILDERS:
            _RULE_BUILDERS[key] = compile_builder(rule, append_unknown)
        return _RULE_BUILDERS[key]

    Rule._compile_builder = shared  # type: ignore[method-assign]


class SignedInClient(FlaskClient):
    """A test browser; given `user=`, it is signed in as them through a real sign-in session,
    as the sign-in page would do (its id is `sign_in_id`, its secret in the cookie)."""

    sign_in_id: int | None = None

    def __init__(self, *args: Any, user: factories.User | None = None, **kwargs: Any):
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
                # As the sign-in page does: anyone with a second factor has passed it.
                second_factor=two_factor.has_second_factor(session, user),
            )
            session.commit()
            self.sign_in_id = started.sign_in.id
        with self.session_transaction() as cookie:
            cookie["_user_id"] = started.secret
            cookie["_fresh"] = True


class ReusableApp:
    """One app for many tests. Making an app costs more than most tests (700 routes, every
    feature's setup), so each test process makes one and sets it back before each test: its
    settings, hooks, extensions and rate-limit counts as they were when it was made."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._settings = dict(app.config)
        self._extensions = dict(app.extensions)
        self._hooks = self._hook_lists()
        self._appcontext_teardowns = list(app.teardown_appcontext_funcs)
        self._rules = len(app.url_map._rules)

    def _hook_lists(self) -> dict[str, dict[Any, list[Any]]]:
        names = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")
        hooks = {name: getattr(self.app, name) for name in names}
        return {
            name: {key: list(funcs) for key, funcs in found.items()}
            for name, found in hooks.items()
        }

    def fresh(self, settings: dict[str, object]) -> Flask:
        from learnset import encryption
        from learnset.extensions import limiter

        app = self.app
        app.config.clear()
        app.config.update(self._settings)
        settings = dict(settings)
        app.instance_path = str(settings.pop("INSTANCE_PATH"))
        app.config.update(settings)
        app.extensions.clear()
        app.extensions.update(self._extensions)
        for name, saved in self._hooks.items():
            found = getattr(app, name)
            found.clear()
            found.update({key: list(funcs) for key, funcs in saved.items()})
        app.teardown_appcontext_funcs[:] = self._appcontext_teardowns
        limiter.reset()
        # Sessions used outside a request encrypt with the keys of the app made last, which
        # may be another test's own app: this one is the one they serve again.
        encryption.init_app(app)
        # Flask refuses new hooks once an app has served a request; fixtures add some.
        app._got_first_request = False
        return app

    def check_unchanged(self, test: str) -> None:
        if len(self.app.url_map._rules) != self._rules:
            raise AssertionError(f"{test} added a route to the shared app: mark it own_app")


def bind_app(app: Flask, connection: Connection) -> Flask:
    """Point an app at the test's transaction, with the suite's template cache and clients."""
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    app.test_client_class = SignedInClient
    database(app).bind(connection)
    return app


def _run_demo(path: Path) -> None:
    """`flask demo` on a copy of the migrated file, as on a new install without the library."""
    prepared.copy_sqlite(prepared.migrated_sqlite_file(), path)
    app = create_app(make_test_config(f"sqlite:///{path}", path.parent / f"{path.stem}-app"))
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    database(app).engine.dispose()


def fresh_app(
    tmp_path: Path, *, migrated: bool = False, demo: bool = False, **settings: Any
) -> Flask:
    """An app on a SQLite file of its own, outside the test's transaction, for commands that
    commit (`flask init`, `flask demo`): empty, or `migrated` to the newest revision and no more
    (`flask init` would also load the library, which some tests choose themselves), or with
    the `demo` that `flask demo` made there once (a copy of one file made once a run)."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    if demo:
        prepared.copy_sqlite(prepared.once_a_run("cli-demo.db", _run_demo), tmp_path / "fresh.db")
    elif migrated:
        prepared.copy_sqlite(prepared.migrated_sqlite_file(), tmp_path / "fresh.db")
    app = create_app({**make_test_config(url, tmp_path), **settings})
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return app


def demo_loaded_again(app: Flask, *models: Any) -> dict[str, int]:
    """On an app from `fresh_app(demo=True)`, run `flask demo` a second time: it must make no
    row of the `models`, as the demo loads once. How many rows of each the first run made."""
    with database(app).sessions() as session:
        first = {model.__name__: count_rows(session, model) for model in models}
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with database(app).sessions() as session:
        assert {model.__name__: count_rows(session, model) for model in models} == first
    return first
