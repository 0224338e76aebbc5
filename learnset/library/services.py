"""Browsing and searching the library, and finding an item by its slug."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, case, or_, select
from sqlalchemy.orm import Session, load_only, selectinload

from learnset.framework.models import Capability
from learnset.library.models import (
    ContentItem,
    content_item_capabilities,
    library_order,
)
from learnset.pagination import Page, paginate

PER_PAGE = 20


@dataclass(frozen=True)
class LibraryQuery:
    """What someone is looking for: words, a kind and a capability, each optional."""

    words: str = ""
    kind: str = ""
    capability: str = ""

    @property
    def is_filtered(self) -> bool:
        return bool(self.words.strip() or self.kind or self.capability)


def _matches_every_word(words: list[str]) -> list[ColumnElement[bool]]:
    # Each word may sit in the title, the summary or the body; icontains lowers both sides,
    # so the search ignores case on SQLite and PostgreSQL alike, and escapes % and _.
    return [
        or_(
            ContentItem.title.icontains(word, autoescape=True),
            ContentItem.summary.icontains(word, autoescape=True),
            ContentItem.body.icontains(word, autoescape=True),
        )
        for word in words
    ]


# What a result shows: not the item's text or sources, which can be long; and the names of the
# capabilities it develops.
_AS_LISTED = (
    load_only(
        ContentItem.id,
        ContentItem.slug,
        ContentItem.kind,
        ContentItem.title,
        ContentItem.summary,
        ContentItem.minutes,
    ),
    selectinload(ContentItem.capabilities).load_only(Capability.name, Capability.position),
)


def search_query(query: LibraryQuery) -> Select[ContentItem]:
    """Items in the library (never archived ones) matching the query, best matches first."""
    words = query.words.split()
    statement = select(ContentItem).where(ContentItem.archived_at.is_(None))
    if query.kind:
        statement = statement.where(ContentItem.kind == query.kind)
    if query.capability:
        statement = statement.where(
            ContentItem.id.in_(
                select(content_item_capabilities.c.content_item_id)
                .join(Capability, Capability.id == content_item_capabilities.c.capability_id)
                .where(Capability.slug == query.capability)
            )
        )
    statement = statement.where(*_matches_every_word(words))
    order: list[SQLColumnExpression[Any]] = []
    if words:
        # Items whose title holds every word come first: they are most likely what was meant.
        title_match = and_(*(ContentItem.title.icontains(w, autoescape=True) for w in words))
        order.append(case((title_match, 0), else_=1))
    order += library_order()
    return statement.order_by(*order).options(*_AS_LISTED)


def search(db: Session, query: LibraryQuery, page: int) -> Page[ContentItem]:
    """One page of matching items."""
    return paginate(db, search_query(query), page, PER_PAGE)


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
