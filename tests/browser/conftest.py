"""Browser tests: headless Debian Chromium (never `playwright install`) against a live server."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from learnset import create_app, migrate
from learnset.db import database
from tests.apps import IN_CI, TEMPLATE_CACHE, make_test_config
from tests.helpers import deliver_mail

CHROMIUM = os.environ.get("LEARNSET_CHROMIUM", "/usr/bin/chromium")
# Two workers share the machine's two cores with their Chromiums and live servers, and a page's
# first visit in a worker compiles its templates: give a page ten seconds to appear, as actions
# already have (the `page` fixture), rather than Playwright's default five.
expect.set_options(timeout=10_000)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no general network: stop Chromium phoning home at start.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    if IN_CI:
        raise pytest.UsageError(f"CI=true but Chromium is not installed at {CHROMIUM}")
    skip = pytest.mark.skip(reason="Chromium is not installed: apt-get install chromium to run")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test so each starts empty."""
    path = tmp_path_factory.mktemp("template") / "learnset.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


class AnsweredRequests:
    """The requests the live server has answered, so that a test waits for the one it needs
    (a save the page sends as it is left, say) instead of sleeping and looking again."""

    def __init__(self) -> None:
        self._answered: list[tuple[str, str]] = []
        self._changed = threading.Condition()

    def add(self, method: str, path: str) -> None:
        with self._changed:
            self._answered.append((method, path))
            self._changed.notify_all()

    def count(self, method: str, path: str) -> int:
        """How many `method` requests to exactly this path have been answered so far."""
        with self._changed:
            return self._answered.count((method, path))

    def wait_for(self, method: str, path: str, timeout: float = 10.0) -> None:
        """Until a `method` request to a path matching the pattern `path` has been answered."""

        def answered() -> bool:
            return any(m == method and re.fullmatch(path, p) for m, p in self._answered)

        with self._changed:
            assert self._changed.wait_for(answered, timeout), f"no {method} {path} in {timeout}s"


@dataclass
class LiveServer:
    app: Flask
    url: str
    outbox_dir: Path
    answered: AnsweredRequests
    # Cleared while a test's browser is offline: see `_whole_bodies`.
    reachable: threading.Event

    def outbox(self) -> list[Message]:
        deliver_mail(self.app)
        if not self.outbox_dir.exists():
            return []
        paths = sorted(self.outbox_dir.glob("*.eml"))
        return [message_from_bytes(path.read_bytes()) for path in paths]

    def session(self):  # type: ignore[no-untyped-def]
        return database(self.app).sessions()


def _whole_bodies(app: Flask, answered: AnsweredRequests, reachable: threading.Event) -> Any:
    """The app with each response body read whole and its iterator closed at once.

    Werkzeug's development server abandons a response's iterator when the browser drops the
    connection (Chromium does, leaving a page before a script has loaded), so a static file
    stays open until garbage collection, and the suite's warnings-as-errors then fail
    whichever test is running. Closing here keeps that out of the results.

    While `reachable` is cleared, every connection is dropped unanswered, as a phone with no
    signal reaches no server. Chromium's offline emulation alone let a note page's request
    through now and then on a loaded machine, sending a note a phone offline could not send."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if not reachable.is_set():
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            # Werkzeug takes a dropped connection quietly.
            raise ConnectionResetError("the test's browser is offline")
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
            answered.add(environ["REQUEST_METHOD"], environ["PATH_INFO"])

    return wsgi


@contextmanager
def serving(template_database: Path, tmp_path: Path, **settings: Any) -> Iterator[LiveServer]:
    """The app, with the test settings and `settings`, served from a thread on 127.0.0.1 on a
    copy of the migrated database."""
    db_path = tmp_path / "learnset.db"
    shutil.copy(template_database, db_path)
    config = {**make_test_config(f"sqlite:///{db_path}", tmp_path), **settings}
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    answered = AnsweredRequests()
    reachable = threading.Event()
    reachable.set()
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, _whole_bodies(app, answered, reachable), threaded=True
    )
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, base, Path(config["MAIL_OUTBOX"]), answered, reachable)
    server.shutdown()
    server.server_close()
    database(app).engine.dispose()


@pytest.fixture
def live_server(template_database: Path, tmp_path: Path) -> Iterator[LiveServer]:
    with serving(template_database, tmp_path) as server:
        yield server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
