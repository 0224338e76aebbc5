"""Calendar months in UK time, and the month tables the monthly statements join moments to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    literal,
    literal_column,
    select,
    union_all,
)

from learnset.dates import UK
from learnset.db import UTCDateTime

# The longest history a growth chart or an engagement table shows, in months.
MAX_MONTHS = 24

# --- Calendar months in UK time ------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    """A calendar month in UK time, with its bounds in UTC for comparing stored moments."""

    first_day: date

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first_day, time(0), tzinfo=UK).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        return Month(next_month(self.first_day)).starts_at

    @property
    def key(self) -> str:
        """2026-03: how a month is named in addresses and exports."""
        # The ISO date's first seven characters: strftime costs several times as much, and a
        # dashboard's download names each month in it hundreds of times.
        return self.first_day.isoformat()[:7]

    @property
    def label(self) -> str:
        return f"{self.first_day:%B %Y}"

    @property
    def short_label(self) -> str:
        return f"{self.first_day:%b %Y}"


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(first: date, last: date, limit: int = MAX_MONTHS) -> list[Month]:
    """Every month from the one holding `first` to the one holding `last`: the latest `limit`."""
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(Month(day))
        day = next_month(day)
    return months[-limit:]


def month_table(count: int, shared: bool = False) -> Subquery | CTE:
    """`count` months as rows (number, starts, ends) to join moments against; their bounds are
    parameters (see `month_bounds`), so one statement serves every cohort. `shared`: as a CTE,
    for a statement that joins them more than once (its parameters are then bound once)."""
    rows = [
        select(
            # PostgreSQL types an untyped integer parameter by its size; say which it is.
            cast(literal(number), Integer).label("number"),
            _bound("starts", number).label("starts"),
            _bound("ends", number).label("ends"),
        )
        for number in range(count)
    ]
    table = union_all(*rows) if len(rows) > 1 else rows[0]
    return table.cte("months") if shared else table.subquery("months")


def _bound(which: str, number: int) -> Any:
    """A month's start or end, as `month_bounds` names it."""
    return bindparam(f"{which}_{number}", type_=UTCDateTime)


def within_months(moment: Any, count: int) -> ColumnElement[bool]:
    """From the start of the first of `count` months (see `month_table`) to the end of the last."""
    return and_(moment >= _bound("starts", 0), moment < _bound("ends", count - 1))


def month_number(moment: Any, count: int) -> ColumnElement[int]:
    """The number of the month a moment `within_months` falls in, from the months' ends: for
    moments no index orders, which a join to `month_table` would compare with every month."""
    ends = (_bound("ends", number) for number in range(count))
    return case(*((moment < end, literal_column(str(number))) for number, end in enumerate(ends)))


def month_bounds(months: Sequence[Month]) -> Mapping[str, datetime]:
    """The months' bounds as `month_table`'s parameters name them (read only: the same
    months give the same mapping, worked out once)."""
    return _bounds(tuple(months))


@lru_cache(maxsize=64)
def _bounds(months: tuple[Month, ...]) -> Mapping[str, datetime]:
    # The same months for every request in a month (a set's history to this month): their
    # bounds in UTC, from UK midnights, worked out once rather than on every request.
    bounds = {}
    for number, month in enumerate(months):
        bounds[f"starts_{number}"] = month.starts_at
        bounds[f"ends_{number}"] = month.ends_at
    return MappingProxyType(bounds)


def in_month(moment: Any, months: Subquery | CTE) -> ColumnElement[bool]:
    return and_(moment >= months.c.starts, moment < months.c.ends)
