"""Long lists come a page at a time: one COUNT and one page of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Pagination(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number(value: Any) -> int:
    """The page asked for in the query string; anything odd means the first page."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(1, min(number, 10_000))


def paginate(
    db: Session, query: Select[Any], page: int, per_page: int = 20, rows: bool = False
) -> Pagination[Any]:
    """One page of the query's results (whole rows with rows=True); a page past the end shows
    the last one."""
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    limited = query.limit(per_page).offset((page - 1) * per_page)
    items = list(db.execute(limited).all() if rows else db.scalars(limited))
    return Pagination(items, page, per_page, total)
