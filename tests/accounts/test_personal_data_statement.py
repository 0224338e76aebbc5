"""What the one statement of "download your data" leaves to the database and what to Python
must give what Python alone gave: times written by the database as `when` and `isoformat()`
write them, and on SQLite each read's rows put in order in Python, from the values of the
read's ORDER BY terms, as SQLite's ORDER BY would."""

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text, update

from learnset.accounts.personal_data import when, written
from learnset.accounts.personal_reads import _in_order
from learnset.reflections.models import Reflection
from tests import factories

TIMES = [
    datetime(2026, 3, 1, 9, 5, 7, tzinfo=UTC),
    datetime(2026, 3, 1, 9, 5, 7, 120, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 6, 1, 1, 0, 0, 500000, tzinfo=timezone(timedelta(hours=2))),
    None,
]


@pytest.mark.parametrize("at", TIMES)
def test_times_are_written_by_the_database_as_python_writes_them(db, people, at):
    reflection = factories.make_reflection(db, people.participant)
    db.execute(update(Reflection).where(Reflection.id == reflection.id).values(deleted_at=at))
    found = db.execute(
        select(
            written(Reflection.deleted_at),
            written(Reflection.deleted_at, exactly=True),
            Reflection.deleted_at,
        ).where(Reflection.id == reflection.id)
    ).one()
    stored = found[2]
    assert stored == at
    assert found[:2] == (when(stored), stored.isoformat() if stored else None)


# Values as SQLite keeps them: NULLs, numbers, and text that sorts differently by bytes than by
# a language's rules (case, accents, hyphens, digits).
ROWS = [
    (number, word, other)
    for number, word, other in itertools.product(
        [None, 2, -1, 10], [None, "b", "B", "a-c", "ab", "é", "e", "10", "9"], [None, 1, 0]
    )
]
ORDERS = [
    "n",
    "w",
    "w DESC",
    "n, w",
    "n DESC, w DESC, o DESC",
    "w, n DESC, o",
    "o DESC, w, n",
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("order", ORDERS)
def test_rows_are_put_in_sqlites_order(db, order):
    """Rows are compared by SQLite and by `_in_order`; a tie keeps the order it came in, so each
    row's place in ROWS is the last term in both."""
    values = ", ".join(f"({i}, :n{i}, :w{i}, :o{i})" for i in range(len(ROWS)))
    params = {}
    for i, (number, word, other) in enumerate(ROWS):
        params |= {f"n{i}": number, f"w{i}": word, f"o{i}": other}
    found = db.execute(
        text(
            f"WITH t(i, n, w, o) AS (VALUES {values}) "  # noqa: S608 - the test's own terms
            f"SELECT n, w, o, i FROM t ORDER BY {order}, i"
        ),
        params,
    ).all()
    places = {"n": 0, "w": 1, "o": 2}
    keys = []
    for term in order.split(", "):
        name, _, direction = term.partition(" ")
        keys.append((places[name], direction == "DESC"))
    rows = [[*row, i] for i, row in enumerate(ROWS)]
    assert [tuple(row) for row in _in_order(rows, keys)] == [tuple(row) for row in found]
