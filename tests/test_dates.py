"""Times and dates are written the NHS way, in UK time."""

from datetime import UTC, datetime, time

import pytest

from learnset.dates import clock, uk_time


@pytest.mark.parametrize(
    ("at", "written"),
    [
        (time(0, 0), "12am"),
        (time(9, 5), "9:05am"),
        (time(10, 0), "10am"),
        (time(12, 0), "midday"),
        (time(12, 30), "12:30pm"),
        (time(13, 30), "1:30pm"),
        (time(23, 59), "11:59pm"),
    ],
)
def test_clock_writes_a_time_of_day_nhs_style(at, written):
    assert clock(at) == written


def test_uk_time_is_the_clock_in_uk_time():
    # 11:00 UTC in July is midday in London (British Summer Time).
    assert uk_time(datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == "midday"
    assert uk_time(datetime(2026, 1, 1, 11, 0, tzinfo=UTC)) == "11am"
    assert uk_time(None) == ""
