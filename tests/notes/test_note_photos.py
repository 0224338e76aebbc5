"""A quick note's optional photo: a PNG or JPEG only, kept without its metadata, shown to its
writer alone as a thumbnail, carried into the reflection the note becomes (in the same
transaction), and deleted with the note."""

import io
import json
import uuid
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select

from learnset import files
from learnset.db import utcnow
from learnset.files.models import FileBlob, FileChunk
from learnset.reflections import notes, services
from learnset.reflections.models import Note, Reflection, ReflectionAttachment, ReflectionVersion
from tests import factories
from tests.files import assert_served_as_download, samples
from tests.helpers import count_rows, csrf_from, editor_fields, html_of, press, submit
from tests.matrix import SIGNED_IN

LIMITS = files.Limits(10 * 1024 * 1024, 1, 250 * 1024**2)


def jot_with_photo(
    browser, data, name, body="The whiteboard after the Future Search day", headers=None
):
    return browser.post(
        "/notes/new",
        data={
            "csrf_token": csrf_from(browser, "/notes/new"),
            "note_id": str(uuid.uuid4()),
            "body": body,
            "photo": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
        headers=headers,
    )


# As the page's script sends a note kept offline: the form's own multipart post, asking JSON.
AS_SCRIPT = {"Accept": "application/json"}


def noted(db, person, data=None, name="board.png"):
    photo = notes.Photo(io.BytesIO(data or samples.png_with_location()), name, LIMITS)
    note, _ = notes.add_note(db, person, str(uuid.uuid4()), "With a photo", utcnow(), photo=photo)
    return note


def test_the_page_offers_a_photo_and_says_what_happens_to_it(login, people):
    page = html_of(login(people.participant).get("/notes/new"))
    assert 'enctype="multipart/form-data"' in page
    assert "without its camera and location details" in page
    assert "kept on this device with the note" in page
    # The script checks a photo kept offline as the server would: the same limit.
    assert 'data-photo-max="10485760" data-photo-size="10 MB"' in page


def test_the_offline_shell_offers_the_photo_too(login, people):
    page = html_of(login(None).get("/notes/offline"))
    assert 'type="file"' in page and 'accept="image/png,image/jpeg"' in page
    assert "kept on this device with the note" in page
    assert 'data-photo-max="10485760"' in page


def test_a_photo_kept_offline_is_sent_by_the_script_as_the_form_would_send_it(login, db, people):
    browser = login(people.participant)
    response = jot_with_photo(browser, samples.png_with_location(), "board.png", headers=AS_SCRIPT)
    assert response.status_code == 201 and response.json["new"] is True
    note = db.scalar(select(Note))
    assert note.photo_name == "board.png"
    assert not Image.open(io.BytesIO(files.read_all(db, note.photo))).getexif()


def test_the_script_gets_a_refused_photo_as_json_beside_the_photo(app, login, db, people):
    browser = login(people.participant)
    app.config["FILES_QUOTA_BYTES"] = 10
    full = jot_with_photo(browser, samples.png_with_location(), "a.png", headers=AS_SCRIPT)
    assert full.status_code == 422
    assert full.json["errors"]["photo"].startswith("You have no room left for this file")
    app.config["FILE_MAX_BYTES"] = 2000
    huge = jot_with_photo(browser, b"x" * 200_000, "huge.png", headers=AS_SCRIPT)
    assert huge.status_code == 413
    assert huge.json == {"errors": {"photo": "The photo must be smaller than 2 KB"}}
    assert count_rows(db, Note) == 0 and count_rows(db, FileBlob) == 0


def test_a_photo_is_kept_without_its_metadata_and_shown_to_its_writer(login, db, people):
    browser = login(people.participant)
    response = jot_with_photo(browser, samples.png_with_location(), "whiteboard.png")
    assert response.status_code == 302
    assert "camera and location details" in html_of(browser.get(response.location))
    note = db.scalar(select(Note))
    assert note.photo_name == "whiteboard.png"
    assert f"/notes/{note.id}/photo" in html_of(browser.get("/reflections"))
    thumbnail = browser.get(f"/notes/{note.id}/photo")
    assert_served_as_download(thumbnail, "image/png")
    assert not Image.open(io.BytesIO(files.read_all(db, note.photo))).getexif()


@pytest.mark.parametrize(
    ("data", "name"),
    [(samples.PDF, "letter.pdf"), (samples.HTML_AS_PDF, "photo.png"), (samples.CSV, "a.csv")],
)
def test_anything_but_a_png_or_jpeg_is_refused_beside_the_field(login, db, people, data, name):
    page = html_of(jot_with_photo(login(people.participant), data, name), 422)
    assert "The photo must be a PNG or JPEG image" in page
    assert "nhsuk-error-message" in page
    assert count_rows(db, Note) == 0 and count_rows(db, FileBlob) == 0


def test_a_photo_over_the_limit_gets_the_form_and_a_message(app, login, db, people):
    photo = samples.png_with_location()
    app.config["FILE_MAX_BYTES"] = len(photo) - 1
    browser = login(people.participant)
    page = html_of(jot_with_photo(browser, photo, "b.png"), 422)
    assert "The file must be smaller than" in page
    app.config["FILE_MAX_BYTES"] = 2000
    response = jot_with_photo(browser, b"x" * 200_000, "huge.png")
    page = html_of(response, 413)
    assert "The photo must be smaller than 2 KB" in page
    assert "<h1>Jot a note</h1>" in page
    assert count_rows(db, Note) == 0 and count_rows(db, FileBlob) == 0


def test_other_reflection_pages_keep_the_sites_own_error_for_a_huge_request(login, people):
    response = login(people.participant).post("/reflections/new", data={"x": "y" * 3_000_000})
    assert response.status_code == 413


def test_the_quota_counts_a_notes_photo(app, login, db, people):
    app.config["FILES_QUOTA_BYTES"] = 10
    page = html_of(
        jot_with_photo(login(people.participant), samples.png_with_location(), "a.png"), 422
    )
    assert "You have no room left for this file" in page
    assert count_rows(db, Note) == 0


def test_photos_sent_with_notes_keep_to_the_upload_limit(app, login, db, people):
    """Each photo is drawn again on the server, as a file on a reflection is: the same limit
    a person (FILE_UPLOAD_LIMIT), counting the notes that carry a photo and no others."""
    app.config["FILE_UPLOAD_LIMIT"] = "2 per hour"
    browser = login(people.participant)
    codes = [
        jot_with_photo(browser, samples.png_with_location(), f"{n}.png").status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    assert count_rows(db, Note) == 2 and count_rows(db, FileBlob) == 2
    response = browser.post(
        "/notes/new",
        data={
            "csrf_token": csrf_from(browser, "/notes/new"),
            "note_id": str(uuid.uuid4()),
            "body": "Words alone still go",
        },
    )
    assert response.status_code == 302
    assert count_rows(db, Note) == 3


@pytest.mark.parametrize("role", [r for r in SIGNED_IN if r != "participant"])
def test_a_notes_photo_is_a_404_for_everyone_but_its_writer(login, db, people, role):
    note = noted(db, people.participant)
    db.commit()
    assert login(getattr(people, role)).get(f"/notes/{note.id}/photo").status_code == 404


def test_a_note_without_a_photo_has_none(login, db, people):
    note, _ = notes.add_note(db, people.participant, str(uuid.uuid4()), "Words", utcnow())
    db.commit()
    assert login(people.participant).get(f"/notes/{note.id}/photo").status_code == 404


def test_the_photo_becomes_an_attachment_of_the_reflection(login, db, people):
    browser = login(people.participant)
    jot_with_photo(browser, samples.png_with_location(), "whiteboard.png")
    note = db.scalar(select(Note))
    blob_id = note.photo_blob_id
    editor = press(browser, f"/notes/{note.id}/reflect", page="/reflections").location
    assert submit(browser, editor, editor_fields(people.cohort)).status_code == 302
    assert count_rows(db, Note) == 0
    attachment = db.scalar(select(ReflectionAttachment))
    reflection = db.scalar(select(Reflection))
    assert (attachment.reflection_id, attachment.blob_id) == (reflection.id, blob_id)
    assert attachment.name == "whiteboard.png"
    version = db.scalar(select(ReflectionVersion))
    assert version.files == ["whiteboard.png"]
    assert count_rows(db, FileBlob) == 1


def test_when_saving_the_reflection_fails_the_photo_stays_with_the_note(db, people):
    note = noted(db, people.participant)
    key = notes.start_reflection(db, people.participant, note, utcnow())
    db.commit()
    with pytest.raises(services.ReflectionError):
        services.create_reflection(
            db, people.participant, factories.reflection_input(people.other_cohort), utcnow(), key
        )
    db.rollback()
    assert count_rows(db, ReflectionAttachment) == 0
    assert db.scalar(select(Note)).photo_blob_id is not None


def test_deleting_the_note_deletes_its_photo(login, db, people):
    note = noted(db, people.participant)
    db.commit()
    browser = login(people.participant)
    assert submit(browser, f"/notes/{note.id}/delete", {}).status_code == 302
    assert count_rows(db, Note) == 0
    assert count_rows(db, FileBlob) == 0 and count_rows(db, FileChunk) == 0


def test_a_notes_photo_is_in_its_writers_download(login, db, people):
    note = noted(db, people.participant)
    db.commit()
    archive = zipfile.ZipFile(
        io.BytesIO(login(people.participant).get("/account/your-data.zip").data)
    )
    [listed] = json.loads(archive.read("your-data.json"))["reflective_log"]["notes"]
    assert listed["photo"] == f"note-photos/{note.id}-board.png"
    Image.open(io.BytesIO(archive.read(listed["photo"]))).verify()
