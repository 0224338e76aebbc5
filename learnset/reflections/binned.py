"""The bin: a reflection put there leaves every list and share, can be restored for 30 days,
and is then deleted for good with its parts, versions, drafts, comments and files."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import Session

from learnset import files
from learnset.db import delete_where
from learnset.reflections.models import Reflection, ReflectionAttachment, ReflectionComment
from learnset.reflections.services import ReflectionError

BIN_DAYS = 30


def _attached_files(reflections: Select[int]) -> Select[int]:
    return select(ReflectionAttachment.blob_id).where(
        ReflectionAttachment.reflection_id.in_(reflections)
    )


def move_to_bin(db: Session, reflection: Reflection, now: datetime) -> None:
    """Put a reflection in the bin: out of every list and share, restorable for 30 days."""
    reflection.deleted_at = now
    db.flush()


def restore_from_bin(db: Session, reflection: Reflection) -> None:
    """Take a reflection out of the bin, shared as before."""
    reflection.deleted_at = None
    db.flush()


def purge_date(reflection: Reflection) -> datetime | None:
    return reflection.deleted_at + timedelta(days=BIN_DAYS) if reflection.deleted_at else None


def delete_for_good(db: Session, reflection: Reflection) -> None:
    """Remove a binned reflection now, with its versions, comments and drafts."""
    if reflection.deleted_at is None:
        raise ReflectionError("Only reflections in the bin can be deleted for good")
    files.delete_blobs(
        db,
        list(
            db.scalars(_attached_files(select(Reflection.id).where(Reflection.id == reflection.id)))
        ),
    )
    db.delete(reflection)
    db.flush()


def _in_bin_for_good(now: datetime) -> ColumnElement[bool]:
    return and_(
        Reflection.deleted_at.is_not(None), Reflection.deleted_at < now - timedelta(days=BIN_DAYS)
    )


def purge_comments_in_bin(db: Session, now: datetime) -> int:
    """Delete the comments on reflections that have been in the bin for 30 days: other people's
    words go with the reflection they were written on."""
    binned = select(Reflection.id).where(_in_bin_for_good(now))
    return delete_where(db, ReflectionComment, ReflectionComment.reflection_id.in_(binned))


def purge_bin(db: Session, now: datetime) -> int:
    """Delete for good the reflections that have been in the bin for 30 days, with their parts,
    versions, drafts and attached files."""
    files.delete_blobs(
        db, list(db.scalars(_attached_files(select(Reflection.id).where(_in_bin_for_good(now)))))
    )
    deleted = delete_where(db, Reflection, _in_bin_for_good(now))
    db.flush()
    return deleted
