"""Long lists a page at a time: two queries (a count and the page) whatever the list's size."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
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


# A page's place, as parameters of a statement built once (`Paged`).
PAGE_LIMIT = bindparam("page_limit", type_=Integer)
PAGE_OFFSET = bindparam("page_offset", type_=Integer)


@dataclass(frozen=True)
class Paged:
    """A query's count and one page of it, built once: for lists whose statements would cost
    more to build on each request than to run."""

    counted: Select[int]
    page: Select[*tuple[Any, ...]]

    @classmethod
    def of(cls, query: Select[*tuple[Any, ...]]) -> Paged:
        return cls(
            select(func.count()).select_from(query.order_by(None).subquery()),
            query.limit(PAGE_LIMIT).offset(PAGE_OFFSET),
        )


def paginate(
    db: Session,
    query: Select[*tuple[Any, ...]] | Paged,
    number: int,
    per_page: int = PER_PAGE,
    rows: bool = False,
    values: Mapping[str, Any] | None = None,
    built_once: bool = False,
) -> Page[Any]:
    """One page of the query's results (whole rows with rows=True, else the first column);
    `values` are the query's parameters, for a statement built once. A `Paged` brings its count
    and page built once; so does `built_once` (the query is built once a process, never per
    request): building them costs more than running them.

    A page past the end shows the last one: after a deletion, a link to page 3 still lands."""
    if isinstance(query, Paged):
        paged = query
    else:
        paged = _paged_once(query) if built_once else Paged.of(query)
    total = db.scalar(paged.counted, values) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(1, number), pages)
    values = {**(values or {}), "page_limit": per_page, "page_offset": (number - 1) * per_page}
    limited = paged.page
    # unique(): queries that join-load a collection repeat their entities row by row.
    items = list(
        db.execute(limited, values).all() if rows else db.scalars(limited, values).unique()
    )
    return Page(items, number, per_page, total)


# Keyed by the statement object itself, so only statements made once a process belong here;
# bounded, so that one built per request by mistake costs time, never memory without end.
_paged_once = lru_cache(maxsize=64)(Paged.of)
