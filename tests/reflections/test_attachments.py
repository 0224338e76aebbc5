"""Files on reflections: added within the limits, refused safely, private as the reflection is,
served only as downloads."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from learnset.db import utcnow
from learnset.files.models import FileBlob, FileChunk
from learnset.reflections import attachments
from learnset.reflections.models import ReflectionAttachment, ReflectionVersion
from tests import factories
from tests.files import assert_limits_said, assert_served_as_download, samples
from tests.helpers import count_rows, csrf_from, html_of

LIMITS = attachments.Limits(file_bytes=10 * 1024 * 1024, per_item=20, quota_bytes=250 * 1024**2)


def upload(browser, reflection, data, name):
    path = f"/reflections/{reflection.id}/files"
    return browser.post(
        path,
        data={"csrf_token": csrf_from(browser, path), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def nothing_stored(db):
    return (
        count_rows(db, FileBlob) == 0
        and count_rows(db, FileChunk) == 0
        and count_rows(db, ReflectionAttachment) == 0
    )


def test_a_pdf_is_attached_listed_and_downloaded_as_a_download(login, db, people):
    reflection = factories.make_reflection(db, people.participant, title="Provider letter")
    db.commit()
    browser = login(people.participant)
    page = html_of(browser.get(f"/reflections/{reflection.id}/files"))
    assert_limits_said(page, most_files=20)

    response = upload(browser, reflection, samples.PDF, "../Letter from provider.pdf")
    assert response.status_code == 302
    attachment = db.scalar(select(ReflectionAttachment))
    assert attachment.name == "Letter from provider.pdf"
    assert "Letter from provider.pdf" in html_of(browser.get(f"/reflections/{reflection.id}"))

    download = browser.get(f"/reflections/files/{attachment.id}")
    assert_served_as_download(download, "application/pdf", "Letter%20from%20provider.pdf")
    assert download.data == samples.PDF


def test_a_photo_loses_its_location_and_the_participant_is_told(login, db, people):
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    browser = login(people.participant)
    response = upload(browser, reflection, samples.png_with_location(), "whiteboard.png")
    assert response.status_code == 302
    page = html_of(browser.get(response.location))
    assert "camera and location details were removed" in page
    attachment = db.scalar(select(ReflectionAttachment))
    stored = Image.open(io.BytesIO(browser.get(f"/reflections/files/{attachment.id}").data))
    assert not stored.getexif().get_ifd(0x8825)
    assert not stored.getexif()
    thumbnail = browser.get(f"/reflections/files/{attachment.id}/thumbnail")
    assert_served_as_download(thumbnail, "image/png")
    assert Image.open(io.BytesIO(thumbnail.data)).format == "PNG"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.HTML_AS_PDF, "evidence.pdf", "a web page or other markup"),
        (samples.zip_bomb(), "figures.xlsx", "unpacks to far more than its size"),
        (b"", "empty.pdf", "The file is empty"),
        (samples.TRUNCATED_PDF, "cut-short.pdf", "This PDF is incomplete or damaged"),
    ],
)
def test_refused_files_leave_nothing_behind_and_say_why_beside_the_field(
    login, db, people, data, name, message
):
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    response = upload(login(people.participant), reflection, data, name)
    page = html_of(response, 422)
    assert message in page
    assert 'class="nhsuk-error-summary' in page
    assert 'id="file--error-message"' in page or "nhsuk-error-message" in page
    assert nothing_stored(db)


def test_a_docx_is_kept_under_its_own_name(login, db, people):
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    upload(login(people.participant), reflection, samples.office("docx"), "Feedback.docx")
    attachment = db.scalar(select(ReflectionAttachment))
    assert (attachment.name, attachment.blob.kind) == ("Feedback.docx", "docx")


def test_control_characters_and_a_thousand_characters_make_a_safe_name(login, db, people):
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    upload(login(people.participant), reflection, samples.TEXT, "a\x07b\x1b" + "n" * 1000 + ".txt")
    attachment = db.scalar(select(ReflectionAttachment))
    assert attachment.name.startswith("a b n")
    assert len(attachment.name) == 120
    assert attachment.name.endswith(".txt")


def test_a_file_over_the_size_limit_gets_the_form_and_a_message(app, login, db, people):
    app.config["FILE_MAX_BYTES"] = 2000
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    page = html_of(upload(login(people.participant), reflection, b"x" * 3000, "big.txt"), 422)
    assert "The file must be smaller than 2 KB" in page
    assert nothing_stored(db)


def test_a_request_over_the_servers_limit_gets_the_form_not_a_bare_error(app, login, db, people):
    app.config["FILE_MAX_BYTES"] = 2000
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    response = upload(login(people.participant), reflection, b"x" * 200_000, "huge.txt")
    page = html_of(response, 413)
    assert "The file must be smaller than 2 KB" in page
    assert "<h1>Files on this reflection</h1>" in page
    assert nothing_stored(db)


def test_other_pages_keep_the_sites_own_size_limit(app, login, db, people):
    browser = login(people.participant)
    response = browser.post("/feedback", data={"message": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


def test_a_reflection_takes_only_so_many_files(app, login, db, people):
    app.config["FILES_PER_REFLECTION"] = 2
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    browser = login(people.participant)
    for number in range(2):
        assert upload(browser, reflection, samples.TEXT, f"n{number}.txt").status_code == 302
    page = html_of(upload(browser, reflection, samples.TEXT, "third.txt"), 422)
    assert "A reflection can have up to 2 files" in page
    assert count_rows(db, FileBlob) == 2


def test_a_full_quota_refuses_the_file_and_keeps_nothing(app, login, db, people):
    app.config["FILES_QUOTA_BYTES"] = len(samples.PDF) + 10
    first = factories.make_reflection(db, people.participant)
    second = factories.make_reflection(db, people.participant)
    db.commit()
    browser = login(people.participant)
    assert upload(browser, first, samples.PDF, "one.pdf").status_code == 302
    page = html_of(upload(browser, second, samples.PDF, "two.pdf"), 422)
    assert "You have no room left for this file" in page
    assert count_rows(db, FileBlob) == 1
    assert count_rows(db, FileChunk) == 1


def test_each_file_added_or_removed_is_a_version_naming_the_files(db, people):
    reflection = factories.make_reflection(db, people.participant)
    added = attachments.attach(
        db, people.participant, reflection, io.BytesIO(samples.PDF), "a.pdf", LIMITS, utcnow()
    )
    attachments.attach(
        db, people.participant, reflection, io.BytesIO(samples.CSV), "b.csv", LIMITS, utcnow()
    )
    attachments.remove(db, added, utcnow())
    versions = db.scalars(
        select(ReflectionVersion)
        .where(ReflectionVersion.reflection_id == reflection.id)
        .order_by(ReflectionVersion.number)
    ).all()
    assert [version.files for version in versions][-3:] == [
        ["a.pdf"],
        ["a.pdf", "b.csv"],
        ["b.csv"],
    ]
    assert count_rows(db, FileBlob) == 1


def test_only_the_author_adds_files(db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    with pytest.raises(attachments.AttachmentError):
        attachments.attach(
            db, people.fellow, reflection, io.BytesIO(samples.PDF), "a.pdf", LIMITS, utcnow()
        )


def test_a_file_of_several_chunks_comes_back_whole(login, db, people):
    # Under 500 KB: above that the test client spools its own request body to a file it never
    # closes (a server owns that stream), and the warning would fail some other test.
    data = ("Month,Referrals\n" + "January,41\n" * 35_000).encode()
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    browser = login(people.participant)
    assert upload(browser, reflection, data, "long.csv").status_code == 302
    attachment = db.scalar(select(ReflectionAttachment))
    assert count_rows(db, FileChunk) == 2
    assert browser.get(f"/reflections/files/{attachment.id}").data == data


def test_a_download_under_way_never_goes_on_with_a_file_that_took_its_place(login, db, people):
    """A download reads its chunks by the file's id, one short session each. Removed half-way
    and someone else's upload given the same id (SQLite hands out the highest id again once
    its row is gone), the rest of the download must not be that person's bytes."""
    shared = factories.make_reflection(db, people.participant, visibility="tutors")
    mine = ("Month,Referrals\n" + "January,41\n" * 35_000).encode()
    attachment = attachments.attach(
        db, people.participant, shared, io.BytesIO(mine), "long.csv", LIMITS, utcnow()
    )
    theirs = factories.make_reflection(db, people.outsider)
    db.commit()
    download = login(people.tutor).get(f"/reflections/files/{attachment.id}")
    pieces = iter(download.response)
    first = next(pieces)
    assert mine.startswith(first)

    attachments.remove(db, attachment, utcnow())
    db.commit()
    db.expunge_all()
    secret = ("Outsider's private figures\n" * 20_000).encode()
    outsider = db.merge(people.outsider)
    attachments.attach(
        db, outsider, db.merge(theirs), io.BytesIO(secret), "secret.txt", LIMITS, utcnow()
    )
    db.commit()

    rest = b"".join(pieces)
    download.close()
    assert b"Outsider" not in rest
    assert mine.startswith(first + rest)


def test_the_history_page_says_which_files_each_version_had(login, db, people):
    reflection = factories.make_reflection(db, people.participant)
    attachments.attach(
        db, people.participant, reflection, io.BytesIO(samples.PDF), "a.pdf", LIMITS, utcnow()
    )
    db.commit()
    page = html_of(login(people.participant).get(f"/reflections/{reflection.id}/history"))
    assert "Files attached: a.pdf." in page
