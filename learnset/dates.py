"""UK time and dates: moments are stored in UTC and shown in UK time, written the NHS way."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
# The months' names as strftime's %B writes them (the standard library's own list, in the
# locale the app runs in): pages write dozens of dates, and a name looked up costs a tenth of
# strftime.
MONTHS = tuple(calendar.month_name)[1:]


def uk_date(value: date | datetime | None) -> str:
    """A date in NHS style: 5 March 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UK)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def month_year(day: date) -> str:
    """A month in NHS style: March 2026."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def uk_datetime(value: datetime | None) -> str:
    """A moment in UK time, NHS style: 5 March 2026 at 1:30pm."""
    if value is None:
        return ""
    local = value.astimezone(UK)
    hour = local.hour % 12 or 12
    minutes = f":{local:%M}" if local.minute else ""
    return f"{uk_date(local)} at {hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def clock(at: time) -> str:
    """A time of day in NHS style: 1:30pm, 10am, midday."""
    if at.hour == 12 and at.minute == 0:
        return "midday"
    hour = at.hour % 12 or 12
    minutes = f":{at.minute:02d}" if at.minute else ""
    return f"{hour}{minutes}{'am' if at.hour < 12 else 'pm'}"


def uk_time(value: datetime | None) -> str:
    """A time of day in UK time, NHS style: 1:30pm, 10am, midday."""
    if value is None:
        return ""
    return clock(value.astimezone(UK).time())


def uk_month(moment: datetime) -> date:
    """The first day of the month the moment falls in, in UK time."""
    return moment.astimezone(UK).date().replace(day=1)
