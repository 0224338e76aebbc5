"""Calendar months in UK time as the monthly statements bind and number them (months.py)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import literal, select

from learnset.dashboards.months import (
    month_bounds,
    month_number,
    months_between,
    within_months,
)
from learnset.db import UTCDateTime

MONTHS = months_between(date(2026, 2, 1), date(2026, 4, 1))  # GMT, GMT, then BST from 29 March


def test_bounds_are_uk_midnights_worked_out_once_and_read_only():
    bounds = month_bounds(MONTHS)
    assert bounds["starts_0"] == datetime(2026, 2, 1, tzinfo=UTC)
    assert bounds["ends_1"] == bounds["starts_2"] == datetime(2026, 3, 31, 23, tzinfo=UTC)
    assert bounds["ends_2"] == datetime(2026, 4, 30, 23, tzinfo=UTC)
    assert month_bounds(months_between(date(2026, 2, 1), date(2026, 4, 1))) is bounds
    with pytest.raises(TypeError):
        bounds["starts_0"] = datetime(2020, 1, 1, tzinfo=UTC)  # type: ignore[index]


@pytest.mark.parametrize(
    ("moment", "number"),
    [
        (datetime(2026, 1, 31, 23, 59, tzinfo=UTC), None),
        (datetime(2026, 2, 1, 0, 0, tzinfo=UTC), 0),
        (datetime(2026, 3, 31, 22, 59, tzinfo=UTC), 1),
        # Midnight on 1 April in the UK is 23:00 on 31 March in UTC.
        (datetime(2026, 3, 31, 23, 0, tzinfo=UTC), 2),
        (datetime(2026, 4, 30, 22, 59, tzinfo=UTC), 2),
        (datetime(2026, 4, 30, 23, 0, tzinfo=UTC), None),
    ],
)
def test_a_moment_is_numbered_by_its_uk_month_in_sql(db, moment, number):
    stored = literal(moment, UTCDateTime)
    found = db.execute(
        select(month_number(stored, len(MONTHS))).where(within_months(stored, len(MONTHS))),
        dict(month_bounds(MONTHS)),
    ).scalar()
    assert found == number
