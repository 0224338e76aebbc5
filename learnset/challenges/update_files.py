"""Files kept beside a live challenge's updates: the owner's evidence for an action, an
experiment or a gain (a note of a meeting, a photo of a whiteboard).

The bytes are kept by the files kit (learnset/files/), under the same limits as a reflection's
files and the same per-person quota; who may read them is the challenge's own rule
(learnset/authz/challenges.py). Each step happens whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any, BinaryIO

from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import Session

from learnset import authz, files
from learnset.accounts.models import User
from learnset.challenges.models import ChallengeUpdate, ChallengeUpdateAttachment
from learnset.errors import DomainError
from learnset.files import counted


class UpdateFileError(DomainError):
    """A file that cannot be kept beside an update; shown beside the file field."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message, "file", status)


def limits_from(config: Mapping[str, Any]) -> files.Limits:
    return counted.limits_from(config, "FILES_PER_UPDATE")


def files_of(db: Session, update: ChallengeUpdate) -> list[ChallengeUpdateAttachment]:
    """An update's files, oldest first, with their sizes: one query."""
    return counted.files_beside(
        db, ChallengeUpdateAttachment, ChallengeUpdateAttachment.update_id == update.id
    )


@cache
def _files_of_updates() -> Select[ChallengeUpdateAttachment]:
    # Built once: the challenge page reads it on every request.
    return (
        select(ChallengeUpdateAttachment)
        .where(
            ChallengeUpdateAttachment.update_id.in_(
                bindparam("update_ids", type_=Integer, expanding=True)
            )
        )
        .order_by(ChallengeUpdateAttachment.created_at, ChallengeUpdateAttachment.id)
    )


def files_by_update(
    db: Session, update_ids: list[int]
) -> dict[int, list[ChallengeUpdateAttachment]]:
    """The files of several updates (a page of the timeline), in one query."""
    found: dict[int, list[ChallengeUpdateAttachment]] = {}
    if not update_ids:
        return found
    for attachment in db.scalars(_files_of_updates(), {"update_ids": update_ids}).unique():
        found.setdefault(attachment.update_id, []).append(attachment)
    return found


def attach(
    db: Session,
    owner: User,
    update: ChallengeUpdate,
    stream: BinaryIO,
    given_name: str | None,
    limits: files.Limits,
    now: datetime,
) -> ChallengeUpdateAttachment:
    """Keep a file beside the owner's own update if it is a kind we keep, within every limit;
    a photo is kept without its metadata."""
    if not authz.can(owner, "challenge_update:attach", update):
        raise UpdateFileError("Only the challenge's owner can add files to their updates", 403)
    beside = ChallengeUpdateAttachment.update_id == update.id
    with counted.refused_as(UpdateFileError):
        blob, _kind, name = counted.keep_counted(
            db, owner.id, beside, stream, given_name, limits, now, "An update"
        )
    attachment = ChallengeUpdateAttachment(
        update_id=update.id, blob=blob, name=name, created_at=now
    )
    db.add(attachment)
    db.flush()
    return attachment


def remove(db: Session, actor: User, attachment: ChallengeUpdateAttachment) -> None:
    """Delete a file from its update for good, bytes and all."""
    if not authz.can(actor, "challenge_file:remove", attachment):
        raise UpdateFileError("Only the challenge's owner can remove its files", 403)
    files.delete_blobs(db, [attachment.blob_id])


def blobs_of(updates: Select[int]) -> Select[int]:
    """The stored files beside the given updates."""
    return select(ChallengeUpdateAttachment.blob_id).where(
        ChallengeUpdateAttachment.update_id.in_(updates)
    )


def delete_files_of(db: Session, updates: Select[int]) -> None:
    """Delete for good the files beside these updates (before the updates themselves go)."""
    files.delete_blobs(db, list(db.scalars(blobs_of(updates))))
