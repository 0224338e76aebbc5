"""Pictures' small copies: drawn once, when the picture is kept, and stored beside it with a tag
(an ETag) so that a browser that has one asks only whether it changed. A picture kept before
thumbnails were stored has its small copy drawn when it is asked for: a GET never writes."""

from __future__ import annotations

import hashlib
import io
from typing import BinaryIO

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from learnset.files.kinds import Kind, thumbnail
from learnset.files.models import FileBlob, FileThumbnail
from learnset.files.store import read_all


def tag_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def keep_thumbnail(db: Session, blob: FileBlob, picture: BinaryIO, kind: Kind) -> None:
    """Draw the kept picture's small copy and store it with the picture."""
    picture.seek(0)
    data = thumbnail(picture, kind)
    picture.seek(0)
    # A Core insert: the bytes are not kept in the session.
    db.execute(insert(FileThumbnail).values(blob_id=blob.id, etag=tag_of(data), data=data))


def thumbnail_of(db: Session, blob: FileBlob, kind: Kind) -> tuple[str, bytes]:
    """The picture's small copy and its tag: the one stored with it, else one drawn now."""
    found = db.execute(
        select(FileThumbnail.etag, FileThumbnail.data).where(FileThumbnail.blob_id == blob.id)
    ).first()
    if found is not None:
        return found.etag, found.data
    data = thumbnail(io.BytesIO(read_all(db, blob)), kind)
    return tag_of(data), data
