"""Files kept beside one thing up to a number: the count is taken under the owner's lock, and a
refusal becomes the feature's own error (413 for a file too large)."""

from __future__ import annotations

import io

import pytest

from learnset.db import utcnow
from learnset.errors import DomainError
from learnset.files import FileRefused, FileTooLarge, Limits, counted
from learnset.files.models import FileBlob
from tests import factories
from tests.files import samples

LIMITS = Limits(file_bytes=1024 * 1024, per_item=1, quota_bytes=10 * 1024 * 1024)


def test_the_limits_come_from_the_settings_with_the_features_own_count():
    config = {"FILE_MAX_BYTES": 10, "FILES_PER_UPDATE": 3, "FILES_QUOTA_BYTES": 100}
    assert counted.limits_from(config, "FILES_PER_UPDATE") == Limits(10, 3, 100)


def test_a_file_is_kept_while_there_is_room_and_refused_after(db):
    owner = factories.make_user(db)
    beside = FileBlob.owner_id == owner.id
    blob, kind, name = counted.keep_counted(
        db, owner.id, beside, io.BytesIO(samples.PDF), "notes.pdf", LIMITS, utcnow(), "A thing"
    )
    db.flush()
    assert (kind.name, name, blob.owner_id) == ("pdf", "notes.pdf", owner.id)
    with pytest.raises(FileRefused, match="A thing can have up to 1 files"):
        counted.keep_counted(
            db, owner.id, beside, io.BytesIO(samples.PDF), "more.pdf", LIMITS, utcnow(), "A thing"
        )


def _as_domain_error(message: str, status: int | None) -> DomainError:
    return DomainError(message, "file", status)


def test_a_refusal_is_raised_again_as_the_features_error():
    too_large = FileTooLarge("The file must be smaller than 1 MB")
    with pytest.raises(DomainError) as raised, counted.refused_as(_as_domain_error):
        raise too_large
    assert (raised.value.status, raised.value.field, raised.value.__cause__) == (
        413,
        "file",
        too_large,
    )
    with pytest.raises(DomainError) as refused, counted.refused_as(_as_domain_error):
        raise FileRefused("We cannot keep this kind of file")
    assert refused.value.status == 422
