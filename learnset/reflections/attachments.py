"""Files attached to a reflection as evidence: the limits, the checks, adding and removing.

The bytes are kept by the files kit (learnset/files/); who may read them is the reflection's
own rule (learnset/authz/reflections.py). Each step either happens whole or not at all: the
file's chunks, its row and the version that records it are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from learnset import files
from learnset.accounts.models import User
from learnset.errors import DomainError
from learnset.files import counted
from learnset.files.models import FileBlob
from learnset.reflections import services
from learnset.reflections.models import Reflection, ReflectionAttachment


class AttachmentError(DomainError):
    """A file that cannot be attached; shown beside the file field."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message, "file", status)


# The limits are the files kit's: `per_item` is how many files one reflection may have.
Limits = files.Limits


def limits_from(config: Mapping[str, Any]) -> Limits:
    return counted.limits_from(config, "FILES_PER_REFLECTION")


def attachments_of(db: Session, reflection: Reflection) -> list[ReflectionAttachment]:
    """A reflection's files, oldest first, with their sizes: one query."""
    return counted.files_beside(
        db, ReflectionAttachment, ReflectionAttachment.reflection_id == reflection.id
    )


def attach(
    db: Session,
    author: User,
    reflection: Reflection,
    stream: BinaryIO,
    given_name: str | None,
    limits: Limits,
    now: datetime,
) -> ReflectionAttachment:
    """Attach a file to the author's own reflection if it is a kind we keep, within every limit;
    a photo is kept without its metadata. The change is recorded as a new version."""
    if reflection.author_id != author.id or reflection.deleted_at is not None:
        raise AttachmentError("Only the author can add files to a reflection", status=403)
    beside = ReflectionAttachment.reflection_id == reflection.id
    with counted.refused_as(AttachmentError):
        blob, _kind, name = counted.keep_counted(
            db, author.id, beside, stream, given_name, limits, now, "A reflection"
        )
    attachment = ReflectionAttachment(
        reflection_id=reflection.id,
        blob=blob,
        name=name,
        created_at=now,
    )
    db.add(attachment)
    db.flush()
    services.record_version(db, reflection, now)
    return attachment


def remove(db: Session, attachment: ReflectionAttachment, now: datetime) -> None:
    """Delete a file from its reflection for good, and record the change as a version."""
    reflection = attachment.reflection
    files.delete_blobs(db, [attachment.blob_id])
    db.expire(reflection)
    services.record_version(db, reflection, now)


def stored(db: Session, blob: FileBlob) -> bytes:
    return files.read_all(db, blob)
