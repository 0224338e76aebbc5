"""Long lists a page at a time: two queries (a count and the page) whatever the list's size."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
_LIMIT = bindparam("page_limit", type_=Integer)
_OFFSET = bindparam("page_offset", type_=Integer)
PER_PAGE = 20


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_shown(self) -> int:
        return min(self.number * self.per_page, self.total)

    def numbers(self) -> list[int | None]:
        """The page numbers to link to, with None where a run of them is left out."""
        keep = {1, self.pages, self.number - 1, self.number, self.number + 1}
        shown = sorted(n for n in keep if 1 <= n <= self.pages)
        numbers: list[int | None] = []
        for n in shown:
            if numbers and n - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(n)
        return numbers


def page_number(value: Any) -> int:
    """The page asked for in the query string; anything odd means the first page."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(1, min(number, 10_000))


def paginate(
    db: Session,
    query: Select[*tuple[Any, ...]],
    number: int,
    per_page: int = PER_PAGE,
    rows: bool = False,
    values: Mapping[str, Any] | None = None,
    built_once: bool = False,
) -> Page[Any]:
    """One page of the query's results (whole rows with rows=True, else the first column);
    `values` are the query's parameters, for a statement built once. With `built_once` (the
    query is built once a process, never per request), its count and its page are built once
    too: building them costs more than running them.

    A page past the end shows the last one: after a deletion, a link to page 3 still lands."""
    counted, limited = _built_once(query) if built_once else _count_and_page(query)
    total = db.scalar(counted, values) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(1, number), pages)
    window = {"page_limit": per_page, "page_offset": (number - 1) * per_page}
    values = {**values, **window} if values else window
    # unique(): queries that join-load a collection repeat their entities row by row.
    items = list(
        db.execute(limited, values).all() if rows else db.scalars(limited, values).unique()
    )
    return Page(items, number, per_page, total)


def _count_and_page(query: Select[*tuple[Any, ...]]) -> tuple[Select[int], Select[Any]]:
    """The query's count of rows, and its rows from `page_offset`, `page_limit` of them."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return counted, query.limit(_LIMIT).offset(_OFFSET)


# Keyed by the statement object itself, so only statements made once a process belong here;
# bounded, so that one built per request by mistake costs time, never memory without end.
_built_once = lru_cache(maxsize=64)(_count_and_page)
