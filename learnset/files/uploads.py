"""Keeping one uploaded file: the checks every feature applies the same way, in one order."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session

from learnset.files.kinds import FileRefused, Kind, clean_image, judge
from learnset.files.models import FileBlob
from learnset.files.names import safe_name, size_in_words
from learnset.files.store import save, size_of
from learnset.files.thumbnails import keep_thumbnail


@dataclass(frozen=True)
class Limits:
    """How large one file may be, how many may sit beside one thing, and what a person may
    keep in all (bytes); with the sizes as the page says them."""

    file_bytes: int
    per_item: int
    quota_bytes: int

    @property
    def file_size(self) -> str:
        return size_in_words(self.file_bytes)

    @property
    def quota(self) -> str:
        return size_in_words(self.quota_bytes)


class FileTooLarge(FileRefused):
    """Over the largest size one file may be (the page answers 413)."""


def keep(
    db: Session,
    owner_id: int,
    stream: BinaryIO,
    given_name: str | None,
    file_bytes: int,
    quota_bytes: int,
    now: datetime,
    only: Collection[str] | None = None,
    refusal: str = "",
) -> tuple[FileBlob, Kind, str]:
    """Store an uploaded file if it is small enough, a kind we keep (judged from its content)
    and within its owner's quota; a photo is re-encoded so its metadata is gone, and its
    thumbnail is drawn and kept with it. `only` narrows the kinds (by name), with `refusal` as
    the message for any other. Returns the stored file, its kind and a safe name for it."""
    if size_of(stream) > file_bytes:
        raise FileTooLarge(f"The file must be smaller than {size_in_words(file_bytes)}")
    try:
        kind = judge(stream, given_name or "")
    except FileRefused:
        if only is None:
            raise
        raise FileRefused(refusal) from None
    if only is not None and kind.name not in only:
        raise FileRefused(refusal)
    body = clean_image(stream, kind) if kind.is_image else stream
    blob = save(db, owner_id, body, kind, now, quota_bytes)
    if kind.is_image:
        keep_thumbnail(db, blob, body, kind)
    return blob, kind, safe_name(given_name, kind)
