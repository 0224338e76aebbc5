"""GET never writes (issue 13, item 2): every GET route of the role matrix, for every role,
sends no INSERT, UPDATE or DELETE.

On SQLite a request that writes takes the write lock, so a page that writes makes concurrent
writers wait; and a page that writes on being opened changes things nobody asked to change
(a link preview, a prefetch). Two writes are allowed, both a note of last use that cannot
collide (conditional, at most so often, in a transaction of its own, and the page goes on if
it fails): a sign-in session's, at most once a minute, before the view runs
(learnset/accounts/security.py), and a calendar feed's, at most once an hour, after it is
built (learnset/meetings/calendar_views.py): calendar apps only ever GET. `TOUCHES` below,
and nothing else.

One more, on downloads of personal data only (issue 15, item 5): the audit log's record of the
download, an INSERT in a short transaction of its own (`audit.record_apart`), written before the
file is handed over so that no download goes unrecorded. `DOWNLOADS` lists those routes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from learnset.accounts.models import SignInSession
from learnset.db import utcnow
from learnset.meetings.models import CalendarFeed
from tests.matrix import ROLES, prepared_url
from tests.meetings.test_calendar import _make_address
from tests.test_authz import ROUTES

GET_ROUTES = [route for route in ROUTES if route.method == "GET"]
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b", re.IGNORECASE)
# The deliberate exceptions, and only they: a sign-in session's and a calendar feed's last use.
# (On PostgreSQL a parameter carries its cast: %(x)s::TIMESTAMP WITH TIME ZONE.)
SIGN_IN_TOUCH = re.compile(
    r"^UPDATE sign_in_sessions SET last_seen_at=[^,]+? WHERE sign_in_sessions\.id = ",
    re.IGNORECASE,
)
CALENDAR_TOUCH = re.compile(
    r"^UPDATE calendar_feeds SET last_used_at=[^,]+? WHERE calendar_feeds\.id = \S+ AND "
    r"\(calendar_feeds\.last_used_at IS NULL OR calendar_feeds\.last_used_at <= ",
    re.IGNORECASE,
)
TOUCHES = (SIGN_IN_TOUCH, CALENDAR_TOUCH)
AUDIT_RECORD = re.compile(r"^INSERT INTO audit_events \(", re.IGNORECASE)
DOWNLOADS = {
    "accounts.download_data",
    "accounts.download_data_zip",
    "reflections.export_markdown",
    "dashboards.dashboard_csv",
    "dashboards.dashboard_json",
    "dashboards.report_csv",
    "dashboards.report_xlsx",
    "governance.audit_export",
}


def _writes_while(connection, request, allowed=TOUCHES) -> list[str]:  # type: ignore[no-untyped-def]
    """The writing statements sent while `request()` runs, the two touches apart."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if WRITES.match(statement) and not any(touch.match(statement) for touch in allowed):
            statements.append(" ".join(statement.split())[:120])

    savepoint = connection.begin_nested()
    event.listen(connection.engine, "before_cursor_execute", record)
    try:
        request()
    finally:
        event.remove(connection.engine, "before_cursor_execute", record)
        savepoint.rollback()
    return statements


@contextmanager
def _sent(connection, pattern: re.Pattern[str]) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """The statements matching `pattern` sent inside the block, as they are sent."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if pattern.match(statement):
            statements.append(statement)

    event.listen(connection.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("route", GET_ROUTES, ids=[route.id for route in GET_ROUTES])
def test_get_never_writes(route, db, people, login, connection):
    url = prepared_url(route, db, people)
    problems = []
    for role in ROLES:
        # Signing in writes a sign-in session: done before listening.
        browser = login(people.by_role(role))
        allowed = (*TOUCHES, AUDIT_RECORD) if route.endpoint in DOWNLOADS else TOUCHES
        writes = _writes_while(connection, lambda browser=browser: browser.get(url), allowed)
        problems.extend(f"{role}: {statement}" for statement in writes)
    assert problems == [], f"GET {url} wrote"


def test_a_get_may_note_the_sign_in_and_nothing_else(db, people, login, connection):
    """A page opened over a minute after the sign-in session was last used records that use
    (the exception above), and that statement is all it writes."""
    browser = login(people.participant)
    db.execute(
        update(SignInSession)
        .where(SignInSession.id == browser.sign_in_id)
        .values(last_seen_at=utcnow() - timedelta(minutes=5))
    )
    db.commit()
    with _sent(connection, SIGN_IN_TOUCH) as touches:
        writes = _writes_while(connection, lambda: browser.get("/"))
    assert writes == []
    assert len(touches) == 1


def test_a_calendar_feed_notes_its_use_at_most_hourly_and_writes_nothing_else(
    client, login, db, people, connection
):
    path = _make_address(login(people.participant))
    with _sent(connection, CALENDAR_TOUCH) as touches:
        assert client.get(path).status_code == 200
        assert len(touches) == 1
        assert db.scalar(select(CalendarFeed.last_used_at)) is not None
        # Within the hour the feed is read and nothing at all is written.
        assert _writes_while(connection, lambda: client.get(path)) == []
        assert len(touches) == 1
