"""The database store writes a file in chunks, streams it back, and deletes it whole."""

import io
import random
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from learnset import files
from learnset.db import utcnow
from learnset.files.models import FileBlob, FileChunk
from tests.helpers import count_rows

BIG = bytes(range(256)) * 4096 * 3  # 3 MB: twelve chunks


def test_a_file_is_written_in_chunks_and_read_back_the_same(db, people):
    blob = files.save(
        db, people.participant.id, io.BytesIO(BIG), files.KINDS["txt"], utcnow(), quota=10**9
    )
    assert blob.size == len(BIG)
    assert count_rows(db, FileChunk, FileChunk.blob_id == blob.id) == 12
    pieces = list(files.open_blob(db, blob))
    assert all(len(piece) <= files.CHUNK_SIZE for piece in pieces)
    assert b"".join(pieces) == BIG
    assert files.used_bytes(db, people.participant.id) == len(BIG)


def test_a_file_is_written_several_chunks_a_statement(db, people, connection):
    inserts: list[int] = []

    def record(_conn, _cursor, statement, parameters, _context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO file_chunks"):
            inserts.append(len(parameters) if executemany else 1)

    event.listen(connection.engine, "before_cursor_execute", record)
    try:
        files.save(
            db, people.participant.id, io.BytesIO(BIG), files.KINDS["txt"], utcnow(), quota=10**9
        )
    finally:
        event.remove(connection.engine, "before_cursor_execute", record)
    # Twelve chunks: a statement of eight, then one of the four left.
    assert inserts == [files.CHUNKS_PER_INSERT, 12 - files.CHUNKS_PER_INSERT]


def test_a_file_over_the_quota_is_refused_before_a_byte_is_written(db, people):
    kind = files.KINDS["txt"]
    files.save(db, people.participant.id, io.BytesIO(b"x" * 600), kind, utcnow(), quota=1000)
    with pytest.raises(files.FileRefused, match="no room left"):
        files.save(db, people.participant.id, io.BytesIO(b"y" * 600), kind, utcnow(), quota=1000)
    assert count_rows(db, FileBlob) == 1
    assert count_rows(db, FileChunk) == 1


def test_deleting_a_file_takes_its_chunks(db, people):
    blob = files.save(
        db, people.participant.id, io.BytesIO(BIG), files.KINDS["txt"], utcnow(), quota=10**9
    )
    assert files.delete_blobs(db, [blob.id]) == 1
    assert count_rows(db, FileChunk) == 0


def test_files_nothing_points_at_are_purged_after_an_hour(db, people):
    now = utcnow()
    blob = files.save(
        db, people.participant.id, io.BytesIO(b"left over"), files.KINDS["txt"], now, 10**9
    )
    assert files.purge_orphans(db, now + timedelta(minutes=30)) == 0
    assert files.purge_orphans(db, now + timedelta(hours=2)) == 1
    assert db.get(FileBlob, blob.id) is None
    assert count_rows(db, FileChunk) == 0


def test_a_download_reads_each_chunk_in_a_short_session_of_its_own(app, db, people):
    from learnset.db import database

    blob = files.save(
        db, people.participant.id, io.BytesIO(BIG), files.KINDS["txt"], utcnow(), quota=10**9
    )
    db.commit()
    assert b"".join(files.stream(database(app).sessions, blob)) == BIG


@pytest.mark.postgresql_only
def test_stored_bytes_are_compressed_only_when_that_shrinks_them_on_postgresql(db, people):
    """pglz would spend CPU trying to compress every chunk of a PDF or a photo, for nothing:
    the migration gives file bytes lz4, which gives up on those at once but still shrinks text
    (or, on a server without lz4, stores them as they come)."""
    has_lz4 = "lz4" in db.scalar(
        text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    )
    random_bytes = random.Random(21).randbytes(files.CHUNK_SIZE)
    text_bytes = b"participant,session,rating\n" * (files.CHUNK_SIZE // 27)
    found = {}
    for name, data in (("random", random_bytes), ("text", text_bytes)):
        blob = files.save(
            db, people.participant.id, io.BytesIO(data), files.KINDS["txt"], utcnow(), 10**9
        )
        found[name] = db.scalar(
            text("SELECT pg_column_compression(data) FROM file_chunks WHERE blob_id = :id"),
            {"id": blob.id},
        )
    assert found == {"random": None, "text": "lz4" if has_lz4 else None}
