"""Never half-written (issue 22, item 4): an action that writes several rows does so in one
transaction. For each, the second writing statement fails (as a full disk or a lost connection
would make it), and every table is exactly as it was before the person pressed the button."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, select, text

from learnset.db import Base
from tests import factories
from tests.helpers import TEST_PASSWORD, press, submit

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Recording that a sign-in session was used is a transaction of its own, on purpose.
OWN_TRANSACTION = re.compile(r"^\s*UPDATE sign_in_sessions\b", re.IGNORECASE)


class DiskFailed(Exception):
    """The fault: raised in place of the second writing statement."""


@dataclass
class Writes:
    sent: int = 0
    fail_at: int | None = None


@contextmanager
def writes(connection: Any, fail_at: int | None = None) -> Iterator[Writes]:
    seen = Writes(fail_at=fail_at)

    def on_statement(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if WRITES.match(statement) and not OWN_TRANSACTION.match(statement):
            seen.sent += 1
            if seen.sent == seen.fail_at:
                raise DiskFailed(statement.split()[0:3])

    event.listen(connection.engine, "before_cursor_execute", on_statement)
    try:
        yield seen
    finally:
        event.remove(connection.engine, "before_cursor_execute", on_statement)


def snapshot(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the sign-in sessions' (touched on their own)."""
    db.expire_all()
    tables = {}
    for table in Base.metadata.sorted_tables:
        if table.name in ("sign_in_sessions", "alembic_version"):
            continue
        rows = db.execute(select(table)).all()
        tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


Action = Callable[[Any, Any, Any], Any]


def _share_with_tutors(db, people, login):  # type: ignore[no-untyped-def]
    reflection = factories.make_reflection(db, people.participant, cohort=people.cohort)
    db.commit()
    browser = login(people.participant)
    return lambda: submit(browser, f"/reflections/{reflection.id}/sharing", {"visibility": "set"})


def _submit_a_check_in(db, people, login):  # type: ignore[no-untyped-def]
    framework = factories.make_framework(db)
    levels = dict.fromkeys(framework.capabilities, (2, 4))
    draft = factories.make_assessment(db, people.participant, people.cohort, levels, status="draft")
    db.commit()
    browser = login(people.participant)
    return lambda: submit(browser, f"/self-assessments/{draft.id}/check", {"share": "yes"})


def _delete_an_account(db, people, login):  # type: ignore[no-untyped-def]
    factories.make_reflection(db, people.participant, cohort=people.cohort)
    db.commit()
    browser = login(people.participant)
    return lambda: submit(browser, "/account/delete", {"password": TEST_PASSWORD})


def _publish_a_session(db, people, login):  # type: ignore[no-untyped-def]
    meeting = factories.make_meeting(db, people.cohort, title="June session")
    db.commit()
    browser = login(people.tutor)
    return lambda: submit(browser, f"/sessions/{meeting.id}/publish", {"notify": "y"})


def _take_up_a_topic(db, people, login):  # type: ignore[no-untyped-def]
    topic = factories.make_topic(db, people.cohort, people.fellow, title="Frailty")
    meeting = factories.make_meeting(db, people.cohort, title="May session", status="published")
    db.commit()
    browser = login(people.tutor)
    return lambda: press(browser, f"/topics/{topic.id}/take", {"meeting": meeting.id})


def _sessions_from_a_programme(db, people, login):  # type: ignore[no-untyped-def]
    from tests.curriculum.programmes import CREATE_SESSIONS, make_programme

    make_programme(db)
    db.commit()
    browser = login(people.tutor)
    path = f"/cohorts/{people.cohort.id}/sessions/from-programme"
    return lambda: submit(browser, path, CREATE_SESSIONS)


def _attach_a_file(db, people, login):  # type: ignore[no-untyped-def]
    import io

    from tests.files import samples
    from tests.helpers import csrf_from

    reflection = factories.make_reflection(db, people.participant, cohort=people.cohort)
    db.commit()
    browser = login(people.participant)
    path = f"/reflections/{reflection.id}/files"
    # The file's row is written, then its first chunk fails.
    return lambda: browser.post(
        path,
        data={
            "csrf_token": csrf_from(browser, path),
            "file": (io.BytesIO(samples.PDF), "letter.pdf"),
        },
        content_type="multipart/form-data",
    )


ACTIONS = {
    "attaching a file, in chunks": _attach_a_file,
    "creating a set's sessions from a programme": _sessions_from_a_programme,
    "deleting an account": _delete_an_account,
    "publishing a session, with emails": _publish_a_session,
    "taking up a topic": _take_up_a_topic,
    # The tutors' notification and its email are written with the share (issue 19, item 2).
    "sharing a reflection with the set": _share_with_tutors,
}


@pytest.mark.parametrize("prepare", ACTIONS.values(), ids=ACTIONS.keys())
def test_a_failure_half_way_leaves_everything_as_it_was(prepare, db, people, login, connection):
    act = prepare(db, people, login)
    before = snapshot(db)
    with writes(connection, fail_at=2) as seen, pytest.raises(DiskFailed):
        # The test app lets the error through; served, it is the error page.
        act()
    assert seen.sent == 2
    assert snapshot(db) == before


@pytest.mark.parametrize("prepare", ACTIONS.values(), ids=ACTIONS.keys())
def test_the_same_action_writes_several_rows_when_nothing_fails(
    prepare, db, people, login, connection
):
    # The control: without the fault each action does write more than once, and succeeds.
    act = prepare(db, people, login)
    before = snapshot(db)
    with writes(connection) as seen:
        response = act()
    assert response.status_code == 302
    assert seen.sent >= 2
    assert snapshot(db) != before


SINGLE_STATEMENT = {
    "submitting a check-in": _submit_a_check_in,
}


@pytest.mark.parametrize("prepare", SINGLE_STATEMENT.values(), ids=SINGLE_STATEMENT.keys())
def test_these_write_one_statement_so_cannot_be_half_written(
    prepare, db, people, login, connection
):
    act = prepare(db, people, login)
    before = snapshot(db)
    with writes(connection, fail_at=1) as seen, pytest.raises(DiskFailed):
        act()
    assert seen.sent == 1
    assert snapshot(db) == before
    with writes(connection) as seen:
        assert act().status_code == 302
    assert seen.sent == 1
    assert snapshot(db) != before


def test_the_snapshot_sees_a_single_row_change(db, people):
    before = snapshot(db)
    db.execute(text("UPDATE users SET name = 'Changed' WHERE id = :id"), {"id": people.fellow.id})
    assert snapshot(db) != before
