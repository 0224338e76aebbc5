"""Stored files: one row a file, its bytes in chunks of about 256 KB (learnset/files/store.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from learnset.db import Base, Model, utcnow
from learnset.files.kinds import KINDS, Kind


class FileBlob(Model):
    """One stored file: who it counts against, its judged type and size. Features point at it
    (a reflection's attachment, say); the bytes live wherever the store puts them."""

    __tablename__ = "file_blobs"

    # Whose quota it counts against; their files go with their account.
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FileChunk(Base):
    """A piece of a file's bytes, in order: rows small enough to stream one at a time."""

    __tablename__ = "file_chunks"

    blob_id: Mapped[int] = mapped_column(
        ForeignKey("file_blobs.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class FileThumbnail(Base):
    """A picture's small copy, drawn once when the picture was kept (files/thumbnails.py), with
    the tag its responses carry so that a browser asks again only if it changed."""

    __tablename__ = "file_thumbnails"

    blob_id: Mapped[int] = mapped_column(
        ForeignKey("file_blobs.id", ondelete="CASCADE"), primary_key=True
    )
    etag: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AttachedFile:
    """What every feature's table of attached files has: its blob (which takes the row with it
    when deleted), a name safe to show and to offer as the download's (files/names.py), when it
    was attached, and the kind judged from its bytes."""

    blob_id: Mapped[int] = mapped_column(
        ForeignKey("file_blobs.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def blob(cls) -> Mapped[FileBlob]:
        return relationship(FileBlob, lazy="joined")

    @property
    def kind(self) -> Kind:
        return KINDS[self.blob.kind]

    @property
    def is_image(self) -> bool:
        return self.kind.is_image
