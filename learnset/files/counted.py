"""Files kept beside one thing (a reflection, an update) up to a number per thing: the count,
the limits from the settings, the list, and the refusal in the feature's own words. What every
feature that takes files beside its items does the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, BinaryIO, TypeVar

from sqlalchemy import ColumnElement, func, inspect, select
from sqlalchemy.orm import Session

from learnset.files.kinds import FileRefused, Kind
from learnset.files.models import AttachedFile, FileBlob
from learnset.files.store import lock_owner
from learnset.files.uploads import FileTooLarge, Limits, keep

Attached = TypeVar("Attached", bound=AttachedFile)


def limits_from(config: Mapping[str, Any], per_item_setting: str) -> Limits:
    """The limits in force: the site's file size and quota, and this feature's count a thing."""
    return Limits(config["FILE_MAX_BYTES"], config[per_item_setting], config["FILES_QUOTA_BYTES"])


def keep_counted(
    db: Session,
    owner_id: int,
    beside: ColumnElement[bool],
    stream: BinaryIO,
    given_name: str | None,
    limits: Limits,
    now: datetime,
    thing: str,
) -> tuple[FileBlob, Kind, str]:
    """Keep an uploaded file (`keep`) unless the rows matching `beside` already number
    `limits.per_item`, the most that one `thing` ("A reflection") may have."""
    # Taken before counting, so two uploads at once cannot both take the last place.
    lock_owner(db, owner_id)
    if (db.scalar(select(func.count()).where(beside)) or 0) >= limits.per_item:
        raise FileRefused(
            f"{thing} can have up to {limits.per_item} files. "
            "Remove one you no longer need to add another"
        )
    return keep(db, owner_id, stream, given_name, limits.file_bytes, limits.quota_bytes, now)


@contextmanager
def refused_as(error: Callable[[str, int | None], Exception]) -> Iterator[None]:
    """A refused file raised again as the feature's own error: 413 for one too large."""
    try:
        yield
    except FileTooLarge as refused:
        raise error(str(refused), 413) from refused
    except FileRefused as refused:
        raise error(str(refused), None) from refused


def files_beside(
    db: Session,
    model: type[Attached],
    beside: ColumnElement[bool],
) -> list[Attached]:
    """The files matching `beside`, oldest first, with their stored sizes: one query."""
    ordered = select(model).where(beside).order_by(model.created_at, *inspect(model).primary_key)
    return list(db.scalars(ordered).unique())
