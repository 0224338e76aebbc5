"""The demo's library history: the programme lead once reworded an exercise in the app, then
put the original words back, so its history has versions to compare and restore."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.library import editing, versions
from learnset.library.models import ContentItem

EDITED = "questions-not-advice"


def load(db: Session, admin: User, now: datetime) -> None:
    """Once: an edit of one item's summary and a restore of its first version. The words end as
    the files have them, so a later `flask content sync` has nothing to keep or report."""
    item = db.scalar(select(ContentItem).where(ContentItem.slug == EDITED))
    if item is None or versions.latest_number(db, item) > 1:
        return
    opened = versions.latest_number(db, item)
    words = editing.ItemChanges(
        title=item.title,
        summary=item.summary,
        minutes=item.minutes,
        capabilities=[capability.slug for capability in item.capabilities],
        body=item.body,
    )
    reworded = replace(words, summary=item.summary + " Try it in pairs before using it in a set.")
    edit = editing.save_item(db, admin, item, reworded, opened, now - timedelta(days=3))
    if edit is not None:
        editing.restore(db, admin, item, edit.number - 1, edit.number, now)
