"""What a test does through the web, as a browser would: sign in and out, read a form's CSRF
token and submit the form, press a button, read a page's text and its tables, follow the link
in an email, count the SQL a page costs, write a reflection in the editor, and find a free
port for a server a test starts.

Objects are made with tests/factories.py; apps and test clients come from tests/apps.py;
fixtures (app, db, people, login, outbox, count_queries) are in tests/conftest.py. A helper
that only one feature's tests use stays in that feature's folder."""

from __future__ import annotations

import re
import secrets
import socket
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from email.message import Message
from html.parser import HTMLParser
from typing import Any

import time_machine
from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from learnset import mail
from learnset.accounts.personal_data import export_all
from learnset.audit import AuditEvent
from learnset.db import utcnow
from tests import factories

TEST_PASSWORD = factories.PASSWORD

# --- Pages ---------------------------------------------------------------------------------------


def html_of(response: Any, status: int | None = 200) -> str:
    """The page's HTML, once its status is the one expected (None: any status)."""
    if status is not None:
        assert response.status_code == status, (response.request.path, response.status_code)
    return response.get_data(as_text=True)


def text_of(response: Any, status: int | None = 200) -> str:
    """The page's HTML with every run of white space made one space, so that words broken over
    lines in a template read as they show."""
    return re.sub(r"\s+", " ", html_of(response, status))


def open_page(client: Any, path: str, status: int | None = 200) -> str:
    """Open a page as a browser would and read its HTML, once its status is the one expected."""
    return html_of(client.get(path), status)


def missing_from(html: str, *texts: str) -> list[str]:
    """Those of `texts` that the page does not show: `assert not missing_from(html, ...)`
    checks them all at once and, failing, names every one that is missing."""
    return [text for text in texts if text not in html]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: list[str] | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._name = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows, self._name = [], ""
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self._name = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._rows is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._name] = [row for row in self._rows if row]
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    """Every table on the page by its caption, each a list of rows of cell text (headers too)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


# --- Forms and buttons ---------------------------------------------------------------------------

CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_in(html: str) -> str:
    """The CSRF token of the first form in a page's HTML."""
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def csrf_from(client: Any, path: str) -> str:
    """Open a page as a browser would and read its form's CSRF token."""
    html = client.get(path).get_data(as_text=True)
    assert CSRF_INPUT.search(html), f"no CSRF token on {path}"
    return csrf_in(html)


def submit(client: Any, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Fill in and post the form on a page, with the page's own CSRF token."""
    return client.post(path, data={**data, "csrf_token": csrf_from(client, path)}, **kwargs)


def assert_each_post_answers(
    posts: list[tuple[Any, str, dict[str, Any]]], statuses: tuple[int, ...]
) -> None:
    """Each (client, path, form) posted answers one of `statuses` (never a 500), or says which
    did not."""
    for client, path, data in posts:
        response = client.post(path, data=data)
        assert response.status_code in statuses, (path, response.status_code)


def press(client: Any, path: str, data: dict[str, Any] | None = None, page: str = "/") -> Any:
    """Press a button that posts to `path` (a form of its own on some page), with a CSRF token
    read from a page the client can open."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_from(client, page)})


def csrf_token_signed_ago(app: Flask, client: Any, seconds: int) -> str:
    """This browser's own CSRF token, as Flask-WTF signs it, but signed `seconds` ago: the clock
    is moved back while it is signed, never slept on."""
    with client.session_transaction() as cookie:
        # A browser that has opened no form yet gets its secret now, as Flask-WTF would give it.
        secret = cookie.setdefault("csrf_token", secrets.token_hex(20))
    with time_machine.travel(utcnow() - timedelta(seconds=seconds), tick=False):
        serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
        return serializer.dumps(secret)


# --- Signing in and out --------------------------------------------------------------------------


def sign_in(
    client: Any, user: Any, next_path: str | None = None, *, password: str = TEST_PASSWORD
) -> Any:
    """Sign in through the sign-in form, as a person would (sent on to `next_path`, if given)."""
    path = f"/sign-in?next={next_path}" if next_path else "/sign-in"
    return submit(client, path, {"email": user.email, "password": password})


def sign_out(client: Any) -> Any:
    """Press the header's Sign out button."""
    return press(client, "/sign-out", page="/account")


def signed_in(client: Any) -> bool:
    return client.get("/account").status_code == 200


def sent_to_sign_in_with(client: Any, message: str) -> str:
    """The browser, opening a page, is sent to sign in, where it is told `message`."""
    response = client.get("/account")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")
    page = client.get(response.location).get_data(as_text=True)
    assert message in page, page
    return page


# --- Email ---------------------------------------------------------------------------------------


def deliver_mail(app: Flask) -> mail.Delivery:
    """Deliver the mail queue now, as `flask mail send` does: requests only queue email."""
    with app.app_context():
        return mail.deliver_due()


def link_in(message: Message) -> str:
    """The path of the first link in an email's body."""
    body = message.get_payload(decode=True).decode()
    match = re.search(r"http://localhost(/\S+)", body)
    assert match, body
    return match.group(1)


# --- The database and the SQL a page costs -------------------------------------------------------


def count_rows(db: Any, model: Any, *where: Any) -> int:
    """How many rows of a model (or table) there are, of those matching `where`."""
    return db.scalar(select(func.count()).select_from(model).where(*where))


def audit_events(db: Any, kind: str | None = None) -> list[AuditEvent]:
    """The audit trail as stored now (events recorded apart, in their own transaction, too),
    oldest first; only events of `kind` if given."""
    query = select(AuditEvent).order_by(AuditEvent.id).execution_options(populate_existing=True)
    if kind is not None:
        query = query.where(AuditEvent.kind == kind)
    return list(db.scalars(query))


def statements_for(
    count_queries: Callable[[], AbstractContextManager[list[str]]],
    client: Any,
    path: str,
    *,
    warm_up: bool = True,
) -> int:
    """How many SQL statements opening the page costs; with `warm_up`, the page is opened once
    before, so what the first request of a client loads once is not counted."""
    if warm_up:
        client.get(path)
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def streamed_statements(
    count_queries: Callable[[], AbstractContextManager[list[str]]], client: Any, path: str
) -> tuple[int, int]:
    """A download made as it is sent, read to its end (once before, to warm up): the statements
    it cost other than reads of stored files' chunks, and those reads."""
    client.get(path).close()
    with count_queries() as statements:
        response = client.get(path)
        assert response.status_code == 200, path
        response.get_data()
    chunks = [sql for sql in statements if "file_chunks" in sql]
    return len(statements) - len(chunks), len(chunks)


# --- The reflection editor -----------------------------------------------------------------------


def editor_fields(cohort: Any = None, **overrides: Any) -> dict[str, Any]:
    """A complete, valid Driscoll reflection as the editor posts it."""
    data: dict[str, Any] = {
        "structure": "driscoll",
        "title": "Taking the data pack to the practice meeting",
        "experienced_on-day": "5",
        "experienced_on-month": "3",
        "experienced_on-year": "2026",
        "part_what": "I shared the admissions data and asked what surprised people.",
        "part_so_what": "Data opened the conversation instead of closing it.",
        "part_now_what": "Start each locality meeting with one chart and one question.",
        "cpd_minutes": "45",
        "visibility": "private",
        "action": "save",
    }
    if cohort is not None:
        data["cohort"] = str(cohort.id)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def new_editor(client: Any) -> str:
    """The path of a fresh new-reflection editor."""
    response = client.get("/reflections/new")
    assert response.status_code == 302
    return response.location


def editor_tokens(client: Any, path: str) -> dict[str, str]:
    """The hidden fields an editor page carries: its CSRF token and its signed writer."""
    html = client.get(path).get_data(as_text=True)
    writer = re.search(r'name="writer" value="([^"]+)"', html)
    assert CSRF_INPUT.search(html), f"no CSRF token on {path}"
    fields = {"csrf_token": csrf_in(html)}
    return {**fields, "writer": writer.group(1)} if writer else fields


def autosave(client: Any, editor: str, fields: dict[str, Any], tokens: dict | None = None) -> Any:
    """Post what the editor's script saves as the writer types, to the editor's /draft: the
    fields, with the page's signed writer and its CSRF token in the X-CSRFToken header as the
    script sends them (none without `tokens`, from editor_tokens)."""
    tokens = tokens or {}
    writer = {"writer": tokens["writer"]} if "writer" in tokens else {}
    headers = {"X-CSRFToken": tokens["csrf_token"]} if "csrf_token" in tokens else {}
    return client.post(editor + "/draft", data={**fields, **writer}, headers=headers)


def queries_per_page(
    browser: Any,
    path: str,
    count_queries: Callable[[], AbstractContextManager[list[str]]],
    db: Any,
    fill_to: Callable[[int], None],
    totals: tuple[int, int],
) -> list[int]:
    """How many statements a paged list at `path` sends with each of `totals` rows, which
    `fill_to(total)` makes: the first page for the smaller, the second for the larger (past a
    page of 20). The page is opened once first, so nothing warming up is counted."""
    browser.get(path)
    counts = []
    for total in totals:
        fill_to(total)
        db.commit()
        with count_queries() as statements:
            html_of(browser.get(f"{path}?page=2" if total > 20 else path))
        counts.append(len(statements))
    return counts


def create_database(admin_url: str, name: str) -> str:
    """A new, empty PostgreSQL database `name` on the server `admin_url` reaches; its URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def export_section(db: Any, user: Any, name: str) -> Any:
    """One feature's section of the user's download."""
    return export_all(db, user, utcnow())[name]


# --- Servers a test starts -----------------------------------------------------------------------


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (the system picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post_twice_at_once(
    browsers: list[Any], path: str, forms: list[dict[str, Any]], first_working: list[Any]
) -> list[int]:
    """Two posts of a form from two browsers (a double click, two tabs), each on its own
    connection: the second is sent once the first is working, which the test's slowed service
    says by adding to `first_working`. Their statuses, sorted."""
    statuses: list[int] = []

    def _post(number: int) -> None:
        statuses.append(browsers[number].post(path, data=forms[number]).status_code)

    first = threading.Thread(target=_post, args=(0,))
    first.start()
    while not first_working and first.is_alive():
        time.sleep(0.01)
    second = threading.Thread(target=_post, args=(1,))
    second.start()
    first.join()
    second.join()
    return sorted(statuses)
