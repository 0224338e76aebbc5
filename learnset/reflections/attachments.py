"""Files attached to a reflection as evidence: the limits, the checks, adding and removing.

The bytes are kept by the files kit (learnset/files/); who may read them is the reflection's
own rule (learnset/authz/reflections.py). Each step either happens whole or not at all: the
file's chunks, its row and the version that records it are written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnset import files
from learnset.accounts.models import User
from learnset.errors import DomainError
from learnset.files.models import FileBlob
from learnset.reflections import services
from learnset.reflections.models import Reflection, ReflectionAttachment


class AttachmentError(DomainError):
    """A file that cannot be attached; shown beside the file field."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message, "file", status)


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    per_reflection: int
    quota_bytes: int

    @classmethod
    def from_config(cls, config: Any) -> Limits:
        return cls(
            config["FILE_MAX_BYTES"], config["FILES_PER_REFLECTION"], config["FILES_QUOTA_BYTES"]
        )

    @property
    def file_size(self) -> str:
        return files.size_in_words(self.file_bytes)

    @property
    def quota(self) -> str:
        return files.size_in_words(self.quota_bytes)


def attachments_of(db: Session, reflection: Reflection) -> list[ReflectionAttachment]:
    """A reflection's files, oldest first, with their sizes: one query."""
    return list(
        db.scalars(
            select(ReflectionAttachment)
            .join(ReflectionAttachment.blob)
            .where(ReflectionAttachment.reflection_id == reflection.id)
            .order_by(ReflectionAttachment.created_at, ReflectionAttachment.id)
        ).unique()
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
    # Taken before counting, so two uploads at once cannot both take the last place.
    files.lock_owner(db, author.id)
    count = db.scalar(
        select(func.count()).where(ReflectionAttachment.reflection_id == reflection.id)
    )
    if (count or 0) >= limits.per_reflection:
        raise AttachmentError(
            f"A reflection can have up to {limits.per_reflection} files. "
            "Remove one you no longer need to add another"
        )
    try:
        blob, _kind, name = files.keep(
            db, author.id, stream, given_name, limits.file_bytes, limits.quota_bytes, now
        )
    except files.FileTooLarge as refused:
        raise AttachmentError(str(refused), status=413) from refused
    except files.FileRefused as refused:
        raise AttachmentError(str(refused)) from refused
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


def used(db: Session, user: User) -> int:
    return files.used_bytes(db, user.id)


def stored(db: Session, blob: FileBlob) -> bytes:
    return files.read_all(db, blob)
