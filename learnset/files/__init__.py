"""Files kept as evidence: what they are (kinds), safe names, and the store (in the database by
default, in chunks). A core kit: any feature may keep files with it, none is named here."""

from __future__ import annotations

from learnset.files.kinds import ACCEPTED, KINDS, FileRefused, Kind, clean_image, judge, thumbnail
from learnset.files.names import safe_name, size_in_words
from learnset.files.store import (
    CHUNK_SIZE,
    CHUNKS_PER_INSERT,
    delete_blobs,
    lock_owner,
    open_blob,
    purge_orphans,
    read_all,
    save,
    size_of,
    stream,
    used_bytes,
)
from learnset.files.uploads import FileTooLarge, Limits, keep

__all__ = [
    "ACCEPTED",
    "CHUNKS_PER_INSERT",
    "CHUNK_SIZE",
    "KINDS",
    "FileRefused",
    "FileTooLarge",
    "Kind",
    "Limits",
    "clean_image",
    "delete_blobs",
    "judge",
    "keep",
    "lock_owner",
    "open_blob",
    "purge_orphans",
    "read_all",
    "safe_name",
    "save",
    "size_in_words",
    "size_of",
    "stream",
    "thumbnail",
    "used_bytes",
]
