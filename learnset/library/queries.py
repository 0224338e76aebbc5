"""Reads of the library that other features build on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, select
from sqlalchemy.orm import Session, load_only

from learnset.library.models import ContentItem, content_item_capabilities, library_order

CAPABILITIES = bindparam("capability_ids", type_=Integer, expanding=True)


def items_developing_query(*conditions: ColumnElement[bool]) -> Select[Any]:
    """The library items, not archived and meeting the conditions, that develop each of the
    capabilities in CAPABILITIES, with the capability's id and what a card shows, in the
    library's order: a statement a page can build once."""
    return (
        select(content_item_capabilities.c.capability_id, ContentItem)
        .join(ContentItem, ContentItem.id == content_item_capabilities.c.content_item_id)
        .where(
            content_item_capabilities.c.capability_id.in_(CAPABILITIES),
            ContentItem.archived_at.is_(None),
            *conditions,
        )
        .order_by(*library_order())
        .options(
            load_only(
                ContentItem.slug,
                ContentItem.kind,
                ContentItem.title,
                ContentItem.summary,
                ContentItem.minutes,
            )
        )
    )


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
