"""A quick note's photo becoming an attachment of the reflection made from the note: called by
services.create_reflection, in the transaction that saves the reflection."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.reflections.models import Note, Reflection, ReflectionAttachment


def carry_into(
    db: Session, author: User, reflection: Reflection, draft_key: str, now: datetime
) -> None:
    """The photo of the note this reflection was started from becomes its attachment."""
    found = db.execute(
        select(Note.photo_blob_id, Note.photo_name).where(
            Note.author_id == author.id,
            Note.draft_key == draft_key,
            Note.photo_blob_id.is_not(None),
        )
    ).first()
    if found is not None and found.photo_blob_id is not None:
        db.add(
            ReflectionAttachment(
                reflection_id=reflection.id,
                blob_id=found.photo_blob_id,
                name=found.photo_name or "photo",
                created_at=now,
            )
        )
        db.flush()
