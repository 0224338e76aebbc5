"""Stored files: one row a file, its bytes in chunks of about 256 KB (learnset/files/store.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from learnset.db import Base, UTCDateTime, utcnow


class FileBlob(Base):
    """One stored file: who it counts against, its judged type and size. Features point at it
    (a reflection's attachment, say); the bytes live wherever the store puts them."""

    __tablename__ = "file_blobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose quota it counts against; their files go with their account.
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FileChunk(Base):
    """A piece of a file's bytes, in order: rows small enough to stream one at a time."""

    __tablename__ = "file_chunks"

    blob_id: Mapped[int] = mapped_column(
        ForeignKey("file_blobs.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
