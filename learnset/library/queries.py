"""Reads of the library that other features build on."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, load_only

from learnset.library.models import ContentItem, content_item_capabilities, library_order


def items_developing(
    db: Session, capability_ids: list[int], *conditions: ColumnElement[bool]
) -> dict[int, list[ContentItem]]:
    """The library items, not archived and meeting the conditions, that develop each of these
    capabilities, by capability id, in the library's order, with what a card shows (one query)."""
    rows = db.execute(
        select(content_item_capabilities.c.capability_id, ContentItem)
        .join(ContentItem, ContentItem.id == content_item_capabilities.c.content_item_id)
        .where(
            content_item_capabilities.c.capability_id.in_(capability_ids),
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
    found: dict[int, list[ContentItem]] = {}
    for capability_id, item in rows:
        found.setdefault(capability_id, []).append(item)
    return found
