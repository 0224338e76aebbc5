"""Browsing and searching the library, and finding an item by its slug."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    case,
    or_,
    select,
)
from sqlalchemy.orm import Session, load_only, selectinload

from learnset.framework.models import Capability
from learnset.library.models import (
    ContentItem,
    content_item_capabilities,
    library_order,
)
from learnset.library.queries import CARD_COLUMNS, ItemCard
from learnset.pagination import Page, Paged, paginate

PER_PAGE = 20
ITEM_IDS = bindparam("item_ids", type_=Integer, expanding=True)


@dataclass(frozen=True)
class LibraryQuery:
    """What someone is looking for: words, a kind and a capability, each optional."""

    words: str = ""
    kind: str = ""
    capability: str = ""

    @property
    def is_filtered(self) -> bool:
        return bool(self.words.strip() or self.kind or self.capability)


def _word(number: int) -> BindParameter[str]:
    return bindparam(f"word_{number}", type_=String)


def _contains(column: Any, number: int) -> ColumnElement[bool]:
    # icontains lowers both sides, so the search ignores case on SQLite and PostgreSQL alike;
    # the word's % and _ are escaped with / (`_escaped`), as autoescape=True would.
    return cast("ColumnElement[bool]", column.icontains(_word(number), escape="/"))


def _escaped(word: str) -> str:
    return word.replace("/", "//").replace("%", "/%").replace("_", "/_")


@lru_cache(maxsize=64)
def _search_statements(words: int, kind: bool, capability: bool) -> Paged:
    """Built once for each shape of search (how many words, whether a kind and a capability
    are asked for): items in the library, never archived ones, matching every word (each in
    the title, the summary or the body), best matches first. The words, the kind and the
    capability are the statement's parameters."""
    statement = select(*CARD_COLUMNS).where(ContentItem.archived_at.is_(None))
    if kind:
        statement = statement.where(ContentItem.kind == bindparam("kind", type_=String))
    if capability:
        statement = statement.where(
            ContentItem.id.in_(
                select(content_item_capabilities.c.content_item_id)
                .join(Capability, Capability.id == content_item_capabilities.c.capability_id)
                .where(Capability.slug == bindparam("capability", type_=String))
            )
        )
    statement = statement.where(
        *(
            or_(
                _contains(ContentItem.title, number),
                _contains(ContentItem.summary, number),
                _contains(ContentItem.body, number),
            )
            for number in range(words)
        )
    )
    order: list[SQLColumnExpression[Any]] = []
    if words:
        # Items whose title holds every word come first: they are most likely what was meant.
        title_match = and_(*(_contains(ContentItem.title, number) for number in range(words)))
        order.append(case((title_match, 0), else_=1))
    order += library_order()
    return Paged.of(statement.order_by(*order))


@cache
def _capability_names() -> Select[int, int, str, int]:
    """Built once: the capabilities some items develop, in each item's order (position)."""
    return (
        select(
            content_item_capabilities.c.content_item_id,
            Capability.id,
            Capability.name,
            Capability.position,
        )
        .join(Capability, Capability.id == content_item_capabilities.c.capability_id)
        .where(content_item_capabilities.c.content_item_id.in_(ITEM_IDS))
        .order_by(Capability.position)
    )


def search(db: Session, query: LibraryQuery, page: int) -> Page[ItemCard]:
    """One page of matching items, each with the names of the capabilities it develops
    (three statements, built once for each shape of search)."""
    words = query.words.split()
    values: dict[str, Any] = {f"word_{n}": _escaped(word) for n, word in enumerate(words)}
    if query.kind:
        values["kind"] = query.kind
    if query.capability:
        values["capability"] = query.capability
    statements = _search_statements(len(words), bool(query.kind), bool(query.capability))
    found = paginate(db, statements, page, PER_PAGE, rows=True, values=values)
    names: dict[int, list[str]] = {row.id: [] for row in found.items}
    if names:
        for item_id, _id, name, _position in db.execute(
            _capability_names(), {"item_ids": list(names)}
        ):
            names[item_id].append(name)
    items = [ItemCard._make((*row, tuple(names[row.id]))) for row in found.items]
    return replace(found, items=items)


def item_by_slug(db: Session, slug: str) -> ContentItem | None:
    """An item by slug, archived or not: sessions keep linking to archived items."""
    return db.scalar(
        select(ContentItem)
        .where(ContentItem.slug == slug)
        .options(selectinload(ContentItem.capabilities).joinedload(Capability.domain))
    )


@dataclass(frozen=True)
class Credit:
    """One source and the library items that draw on it, in the library's order."""

    source: str
    items: list[ContentItem]


def sources_credited(db: Session) -> list[Credit]:
    """Every source the current library credits, alphabetically, with the items citing it
    (one query: the library is as large as its files, not growing with use)."""
    items = db.scalars(
        select(ContentItem)
        .where(ContentItem.archived_at.is_(None))
        .order_by(*library_order())
        .options(load_only(ContentItem.slug, ContentItem.kind, ContentItem.title,
                           ContentItem.sources))
    )  # fmt: skip
    citing: dict[str, list[ContentItem]] = {}
    for item in items:
        for source in item.sources:
            citing.setdefault(source, []).append(item)
    return [Credit(source, citing[source]) for source in sorted(citing, key=str.casefold)]
