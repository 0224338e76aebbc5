"""Where files' bytes live. The default keeps them in the database, in chunks, so they work on
SQLite and PostgreSQL, on one server or several, and are in every backup.

Features never touch the chunks: they call `save` with a stream and get a FileBlob, and call
`open` for an iterator of bytes to stream back. Another store (a bucket, say) would implement
the same four methods and keep only its own key beside the FileBlob row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import BinaryIO, Protocol

from sqlalchemy import ForeignKey, Table, column, delete, func, insert, select, table
from sqlalchemy.orm import Session

from learnset.db import Base, delete_where
from learnset.files.kinds import FileRefused, Kind
from learnset.files.models import FileBlob, FileChunk, FileThumbnail

CHUNK_SIZE = 256 * 1024
# Chunks sent in one statement (an executemany): 2 MB, so a 10 MB file takes five.
CHUNKS_PER_INSERT = 8
_CHUNKS: Table = FileChunk.__table__  # type: ignore[assignment]  # a declared model's is a Table
_USERS = table("users", column("id"))
# Tables that are parts of a stored file, not features pointing at it.
_OWN_PARTS = {FileChunk.__tablename__, FileThumbnail.__tablename__}


class FileStore(Protocol):
    def save(self, db: Session, blob: FileBlob, stream: BinaryIO) -> None: ...
    def open(self, db: Session, blob: FileBlob) -> Iterator[bytes]: ...
    def chunk(self, db: Session, blob: FileBlob, position: int) -> bytes | None: ...
    def size(self, db: Session, blob: FileBlob) -> int: ...
    def delete(self, db: Session, blob_ids: list[int]) -> None: ...


class DatabaseStore:
    """Bytes in `file_chunks`: written several chunks a statement, read one at a time."""

    def save(self, db: Session, blob: FileBlob, stream: BinaryIO) -> None:
        digest = hashlib.sha256()
        size = 0
        position = 0
        rows: list[dict[str, object]] = []
        while True:
            data = stream.read(CHUNK_SIZE)
            if data:
                digest.update(data)
                size += len(data)
                rows.append({"blob_id": blob.id, "position": position, "data": data})
                position += 1
            if rows and (not data or len(rows) == CHUNKS_PER_INSERT):
                # A Core statement for several chunks: none is kept in the session, and a
                # large file costs a few statements, not one a chunk (bench/upload_cpu.py).
                db.execute(insert(_CHUNKS), rows)
                rows = []
            if not data:
                break
        blob.size = size
        blob.sha256 = digest.hexdigest()

    def open(self, db: Session, blob: FileBlob) -> Iterator[bytes]:
        count = db.scalar(select(func.count()).where(FileChunk.blob_id == blob.id)) or 0
        for position in range(count):
            data = self.chunk(db, blob, position)
            if data is not None:
                yield data

    def chunk(self, db: Session, blob: FileBlob, position: int) -> bytes | None:
        # This file's, by its digest too: SQLite gives a deleted file's id to the next file
        # kept, and a download still under way must end there, not go on with that one.
        return db.scalar(
            select(FileChunk.data)
            .join(FileBlob, FileBlob.id == FileChunk.blob_id)
            .where(
                FileChunk.blob_id == blob.id,
                FileChunk.position == position,
                FileBlob.sha256 == blob.sha256,
            )
        )

    def size(self, db: Session, blob: FileBlob) -> int:
        return (
            db.scalar(
                select(func.coalesce(func.sum(func.length(FileChunk.data)), 0)).where(
                    FileChunk.blob_id == blob.id
                )
            )
            or 0
        )

    def delete(self, db: Session, blob_ids: list[int]) -> None:
        if blob_ids:
            db.execute(delete(FileChunk).where(FileChunk.blob_id.in_(blob_ids)))


STORE: FileStore = DatabaseStore()


def used_bytes(db: Session, owner_id: int) -> int:
    """Everything a person has stored, across every feature."""
    return (
        db.scalar(
            select(func.coalesce(func.sum(FileBlob.size), 0)).where(FileBlob.owner_id == owner_id)
        )
        or 0
    )


def size_of(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def lock_owner(db: Session, owner_id: int) -> None:
    """Hold the owner's row until the transaction ends: their uploads take turns."""
    db.execute(select(_USERS.c.id).where(_USERS.c.id == owner_id).with_for_update())


def save(
    db: Session,
    owner_id: int,
    stream: BinaryIO,
    kind: Kind,
    now: datetime,
    quota: int,
) -> FileBlob:
    """Store a judged file against its owner's quota: all of it, or (on FileRefused, or any
    failure, once the caller rolls back) none of it.

    The owner's row is locked first, so two uploads at once cannot both squeeze under the
    quota on PostgreSQL (SQLite already takes its write lock when the transaction begins).
    """
    lock_owner(db, owner_id)
    size = size_of(stream)
    if used_bytes(db, owner_id) + size > quota:
        raise FileRefused(
            "You have no room left for this file. Delete files you no longer need, then try again"
        )
    blob = FileBlob(owner_id=owner_id, kind=kind.name, size=size, sha256="", created_at=now)
    db.add(blob)
    db.flush()
    STORE.save(db, blob, stream)
    db.flush()
    return blob


def open_blob(db: Session, blob: FileBlob) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time."""
    return STORE.open(db, blob)


def stream(sessions: Callable[[], Session], blob: FileBlob) -> Iterator[bytes]:
    """The file's bytes for a response that outlives its request, each chunk read in a short
    session of its own: a slow download never holds a database connection between chunks."""
    count = (blob.size + CHUNK_SIZE - 1) // CHUNK_SIZE
    for position in range(count):
        with sessions() as session:
            data = STORE.chunk(session, blob, position)
        if data is None:
            # Deleted while it was being downloaded: the download ends short, as it must.
            return
        yield data


def read_all(db: Session, blob: FileBlob) -> bytes:
    """The whole file: for exports and thumbnails of files already under the size limit."""
    return b"".join(STORE.open(db, blob))


def delete_blobs(db: Session, blob_ids: list[int]) -> int:
    """Delete files for good, bytes first; whatever pointed at them goes with them (cascade)."""
    if not blob_ids:
        return 0
    STORE.delete(db, blob_ids)
    db.execute(delete(FileThumbnail).where(FileThumbnail.blob_id.in_(blob_ids)))
    return delete_where(db, FileBlob, FileBlob.id.in_(blob_ids))


def _references() -> list[ForeignKey]:
    """Every column in the schema that points at a stored file, found from the models."""
    return [
        key
        for model_table in Base.metadata.tables.values()
        if model_table.name not in _OWN_PARTS
        for key in model_table.foreign_keys
        if key.column.table.name == FileBlob.__tablename__
    ]


def purge_orphans(db: Session, now: datetime, grace: timedelta = timedelta(hours=1)) -> int:
    """Delete files nothing points at any more (their reflection was deleted with an account,
    say). Files younger than `grace` are left: a feature may be between saving and pointing."""
    query = select(FileBlob.id).where(FileBlob.created_at < now - grace)
    for key in _references():
        query = query.where(FileBlob.id.not_in(select(key.parent).where(key.parent.is_not(None))))
    return delete_blobs(db, list(db.scalars(query)))
