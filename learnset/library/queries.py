"""Reads of the library that other features build on."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Integer, Select, bindparam, select
from sqlalchemy.orm import Session, load_only

from learnset.db import plain_rows
from learnset.library.models import ContentItem, content_item_capabilities, library_order

CAPABILITIES = bindparam("capability_ids", type_=Integer, expanding=True)


class ItemCard(NamedTuple):
    """What a card of a library item shows, read as a plain row (cheaper than the item); with
    the names of the capabilities it develops where a page lists them."""

    id: int
    slug: str
    kind: str
    title: str
    summary: str
    minutes: int
    capabilities: tuple[str, ...] = ()


CARD_COLUMNS = (
    ContentItem.id,
    ContentItem.slug,
    ContentItem.kind,
    ContentItem.title,
    ContentItem.summary,
    ContentItem.minutes,
)


def items_developing_query(*conditions: ColumnElement[bool], cards: bool = False) -> Select[Any]:
    """The library items, not archived and meeting the conditions, that develop each of the
    capabilities in CAPABILITIES, with the capability's id and what a card shows, in the
    library's order: a statement a page can build once. With `cards`, the items are plain
    rows of CARD_COLUMNS (`cards_by_capability` reads them)."""
    query = (
        select(
            content_item_capabilities.c.capability_id, *(CARD_COLUMNS if cards else [ContentItem])
        )
        .join(ContentItem, ContentItem.id == content_item_capabilities.c.content_item_id)
        .where(
            content_item_capabilities.c.capability_id.in_(CAPABILITIES),
            ContentItem.archived_at.is_(None),
            *conditions,
        )
        .order_by(*library_order())
    )
    if cards:
        return query
    return query.options(load_only(*CARD_COLUMNS[1:]))


def cards_by_capability(
    db: Session, query: Select[Any], values: dict[str, Any]
) -> dict[int, list[ItemCard]]:
    """Run an `items_developing_query(..., cards=True)` with its values: the cards by
    capability id."""
    found: dict[int, list[ItemCard]] = {}
    card: list[Any]
    for capability_id, *card in plain_rows(db, query, values):
        found.setdefault(capability_id, []).append(ItemCard(*card))
    return found


def items_by_capability(
    db: Session, query: Select[Any], values: dict[str, Any]
) -> dict[int, list[ContentItem]]:
    """Run an `items_developing_query` with its values: the items by capability id."""
    found: dict[int, list[ContentItem]] = {}
    for capability_id, item in db.execute(query, values):
        found.setdefault(capability_id, []).append(item)
    return found


def items_developing(
    db: Session, capability_ids: list[int], *conditions: ColumnElement[bool]
) -> dict[int, list[ContentItem]]:
    """The library items, not archived and meeting the conditions, that develop each of these
    capabilities, by capability id, in the library's order, with what a card shows (one query)."""
    return items_by_capability(
        db, items_developing_query(*conditions), {"capability_ids": capability_ids}
    )
