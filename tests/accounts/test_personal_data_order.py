"""On SQLite, "download your data" puts each read's rows in order in Python, from the values of
the read's ORDER BY terms: that order must be the one SQLite's ORDER BY gives."""

import itertools

import pytest
from sqlalchemy import text

from learnset.accounts.personal_data import _in_order

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
