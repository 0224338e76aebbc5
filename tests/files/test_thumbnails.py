"""Thumbnails: drawn once when a picture is kept, stored with it, deleted with it; served with a
tag, so a browser that has one gets a 304, but only after the same check as the picture
itself. A picture kept before thumbnails were stored has its own drawn when asked (GET writes
nothing)."""

import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import delete, select

from learnset import files
from learnset.db import utcnow
from learnset.files.models import FileBlob, FileThumbnail
from learnset.reflections import attachments, binned
from learnset.reflections.models import ReflectionAttachment
from tests import factories
from tests.files import assert_served_as_download, samples
from tests.helpers import count_rows
from tests.notes.test_note_photos import noted

LIMITS = attachments.Limits(file_bytes=10 * 1024 * 1024, per_item=20, quota_bytes=250 * 1024**2)


def _kept(db, people, data=None, name="whiteboard.png"):
    reflection = factories.make_reflection(db, people.participant)
    attachment = attachments.attach(
        db,
        people.participant,
        reflection,
        io.BytesIO(data or samples.png_with_location((800, 600))),
        name,
        LIMITS,
        utcnow(),
    )
    db.commit()
    return reflection, attachment


def _path(attachment):
    return f"/reflections/files/{attachment.id}/thumbnail"


def test_a_picture_s_thumbnail_is_drawn_once_when_it_is_kept(db, people):
    _reflection, attachment = _kept(db, people)
    stored = db.get(FileThumbnail, attachment.blob_id)
    assert stored is not None
    small = Image.open(io.BytesIO(stored.data))
    assert small.format == "PNG" and max(small.size) == 320
    assert not small.getexif()


def test_a_file_that_is_not_a_picture_has_no_thumbnail_stored(db, people):
    _kept(db, people, samples.PDF, "letter.pdf")
    assert count_rows(db, FileThumbnail) == 0


def test_the_stored_thumbnail_is_served_with_its_tag_and_a_304_when_unchanged(login, db, people):
    _reflection, attachment = _kept(db, people)
    stored = db.get(FileThumbnail, attachment.blob_id)
    browser = login(people.participant)
    first = browser.get(_path(attachment))
    assert_served_as_download(first, "image/png")
    assert first.data == stored.data
    assert first.headers["ETag"] == f'"{stored.etag}"'
    assert first.headers["Cache-Control"] == "private, no-cache"

    again = browser.get(_path(attachment), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "private, no-cache"
    other_tag = browser.get(_path(attachment), headers={"If-None-Match": '"something-else"'})
    assert other_tag.status_code == 200 and other_tag.data == stored.data


def test_another_persons_thumbnail_is_404_even_with_the_right_tag(login, db, people):
    _reflection, attachment = _kept(db, people)
    tag = login(people.participant).get(_path(attachment)).headers["ETag"]
    for person in (people.outsider, people.fellow, people.tutor, people.other_tutor):
        answer = login(person).get(_path(attachment), headers={"If-None-Match": tag})
        assert answer.status_code == 404, person.name
        assert "ETag" not in answer.headers


def test_a_notes_photo_is_304_for_its_writer_and_404_for_anyone_else(login, db, people):
    note = noted(db, people.participant)
    db.commit()
    path = f"/notes/{note.id}/photo"
    tag = login(people.participant).get(path).headers["ETag"]
    assert login(people.participant).get(path, headers={"If-None-Match": tag}).status_code == 304
    for person in (people.fellow, people.tutor, people.outsider):
        assert login(person).get(path, headers={"If-None-Match": tag}).status_code == 404


def test_a_picture_kept_before_thumbnails_were_stored_has_one_drawn_without_writing(
    login, db, people
):
    _reflection, attachment = _kept(db, people)
    stored = db.get(FileThumbnail, attachment.blob_id)
    tag, data = stored.etag, stored.data
    # As a picture kept before the migration: no stored thumbnail.
    db.execute(delete(FileThumbnail))
    db.commit()
    browser = login(people.participant)
    drawn = browser.get(_path(attachment))
    assert drawn.status_code == 200
    # Drawn the same way from the same picture: the same bytes and the same tag.
    assert drawn.data == data and drawn.headers["ETag"] == f'"{tag}"'
    assert browser.get(_path(attachment), headers={"If-None-Match": f'"{tag}"'}).status_code == 304
    assert count_rows(db, FileThumbnail) == 0


def test_a_thumbnail_goes_with_its_picture(db, people):
    _reflection, attachment = _kept(db, people)
    attachments.remove(db, attachment, utcnow())
    db.commit()
    assert count_rows(db, FileThumbnail) == 0


def test_a_thumbnail_goes_with_its_reflection_deleted_for_good(db, people):
    reflection, _attachment = _kept(db, people)
    binned.move_to_bin(db, reflection, utcnow())
    binned.delete_for_good(db, reflection)
    db.commit()
    assert count_rows(db, ReflectionAttachment) == 0
    assert count_rows(db, FileBlob) == 0 and count_rows(db, FileThumbnail) == 0


def test_flask_purge_deletes_an_orphaned_picture_with_its_thumbnail(db, people):
    now = utcnow()
    _blob, _kind, _name = files.keep(
        db, people.participant.id, io.BytesIO(samples.png_with_location()), "a.png",
        10**7, 10**9, now,
    )  # fmt: skip
    db.commit()
    # The thumbnail points at the picture, but is part of it, not a use of it.
    assert files.purge_orphans(db, now + timedelta(hours=2)) == 1
    assert db.scalar(select(FileThumbnail.blob_id)) is None
    assert count_rows(db, FileBlob) == 0
