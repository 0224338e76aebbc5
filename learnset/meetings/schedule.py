"""Monthly schedules: "the second Tuesday of each month, 1:30pm to 4:30pm, for 10 months".

Times are entered in UK time and stored in UTC, so a 1:30pm session stays at 1:30pm on the
wall clock when the clocks change in March and October.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import FR, MO, MONTHLY, SA, SU, TH, TU, WE, rrule

from learnset.dates import UK, clock
from learnset.errors import DomainError

WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# BYSETPOS values: the nth such weekday of the month, or -1 for the last one.
OCCURRENCES = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
MAX_MONTHS = 24


class ScheduleError(DomainError):
    """The rule cannot give a schedule (the times it gives are beside the start time)."""


def uk_to_utc(day: date, at: time) -> datetime:
    """A UK wall-clock time on a day, in UTC. Refuses a time the clocks skip in March."""
    local = datetime.combine(day, at, tzinfo=UK)
    utc = local.astimezone(UTC)
    if utc.astimezone(UK).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ScheduleError(
            f"{at:%H:%M} does not exist in the UK on {day.day} {day:%B %Y}: "
            "the clocks go forward that night. Choose another time"
        )
    # In October 1am to 2am happens twice; fold=0 (the first, British Summer Time) is used.
    return utc


def utc_to_uk(moment: datetime) -> datetime:
    return moment.astimezone(UK)


@dataclass(frozen=True)
class ScheduleRule:
    first_month: date
    weekday: int  # 0 is Monday, as in date.weekday()
    occurrence: int  # 1 to 5, or -1 for the last
    starts: time
    ends: time
    months: int
    place: str = ""
    online_link: str = ""

    @property
    def day_of_month(self) -> str:
        """'second Tuesday'."""
        return f"{OCCURRENCES[self.occurrence]} {WEEKDAY_NAMES[self.weekday]}"

    def describe(self) -> str:
        """The rule in words: 'the second Tuesday of each month, 1:30pm to 4:30pm'."""
        return f"the {self.day_of_month} of each month, {clock(self.starts)} to {clock(self.ends)}"


@dataclass(frozen=True)
class PlannedSession:
    starts_at: datetime
    ends_at: datetime

    @property
    def uk_day(self) -> date:
        return utc_to_uk(self.starts_at).date()


@dataclass(frozen=True)
class Occurrences:
    sessions: list[PlannedSession]
    # Months in the range that have no such weekday (a fifth Tuesday, say): no session.
    skipped_months: list[date]


def check_rule(rule: ScheduleRule) -> None:
    if rule.occurrence not in OCCURRENCES:
        raise ScheduleError("Choose which week of the month", "occurrence")
    if not 0 <= rule.weekday <= 6:
        raise ScheduleError("Choose a day of the week", "weekday")
    if not 1 <= rule.months <= MAX_MONTHS:
        raise ScheduleError(f"Number of months must be between 1 and {MAX_MONTHS}", "months")
    if rule.ends <= rule.starts:
        raise ScheduleError("End time must be after the start time", "ends")


def occurrences(rule: ScheduleRule) -> Occurrences:
    """The sessions a rule gives, month by month, in UTC; months without such a day are skipped."""
    check_rule(rule)
    first = datetime.combine(rule.first_month.replace(day=1), rule.starts)
    last_day = first + relativedelta(months=rule.months) - timedelta(days=1)
    days = [
        moment.date()
        for moment in rrule(
            MONTHLY,
            dtstart=first,
            until=last_day,
            byweekday=WEEKDAYS[rule.weekday],
            bysetpos=rule.occurrence,
        )
    ]
    with_session = {(day.year, day.month) for day in days}
    months = [(first + relativedelta(months=n)).date() for n in range(rule.months)]
    skipped = [month for month in months if (month.year, month.month) not in with_session]
    sessions = [
        PlannedSession(uk_to_utc(day, rule.starts), uk_to_utc(day, rule.ends)) for day in days
    ]
    return Occurrences(sessions, skipped)
