"""Files beside a live challenge's updates: kept within the limits shared with reflections,
refused safely, visible to exactly those who may read the challenge, served only as downloads,
and gone with their update, their challenge or their owner's account."""

import io
import json
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select

from learnset import files
from learnset.challenges import personal_data, services, update_files
from learnset.challenges.models import ChallengeUpdateAttachment
from learnset.db import utcnow
from learnset.files.models import FileBlob, FileChunk
from learnset.reflections import attachments
from tests import factories
from tests.files import assert_limits_said, assert_served_as_download, samples
from tests.helpers import count_rows, csrf_from, html_of

LIMITS = files.Limits(file_bytes=10 * 1024 * 1024, per_item=10, quota_bytes=250 * 1024**2)


def files_page(update):
    return f"/challenges/{update.challenge_id}/updates/{update.id}/files"


def upload(browser, update, data, name):
    path = files_page(update)
    return browser.post(
        path,
        data={"csrf_token": csrf_from(browser, path), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def attached(db, update, data=samples.PDF, name="notes.pdf"):
    return update_files.attach(db, update.author, update, io.BytesIO(data), name, LIMITS, utcnow())


def nothing_stored(db):
    return (
        count_rows(db, FileBlob) == 0
        and count_rows(db, FileChunk) == 0
        and count_rows(db, ChallengeUpdateAttachment) == 0
    )


@pytest.fixture
def action(db, challenge, people):
    update = factories.make_update(db, challenge, people.participant, "action")
    db.commit()
    return update


def test_the_owner_attaches_a_pdf_the_set_sees_and_downloads_it(login, db, people, action):
    browser = login(people.participant)
    page = html_of(browser.get(files_page(action)))
    assert_limits_said(page, most_files=10)

    response = upload(browser, action, samples.PDF, "../Practice meeting notes.pdf")
    assert response.status_code == 302
    attachment = db.scalar(select(ChallengeUpdateAttachment))
    assert attachment.name == "Practice meeting notes.pdf"

    for person in (people.participant, people.fellow, people.tutor):
        reader = login(person)
        assert "Practice meeting notes.pdf" in html_of(
            reader.get(f"/challenges/{action.challenge_id}")
        )
        download = reader.get(f"/challenges/files/{attachment.id}")
        assert_served_as_download(download, "application/pdf", "Practice%20meeting%20notes.pdf")
        assert download.data == samples.PDF


def test_only_the_owner_is_offered_the_files_page(login, db, people, action):
    link = files_page(action)
    assert link in html_of(login(people.participant).get(f"/challenges/{action.challenge_id}"))
    assert link not in html_of(login(people.fellow).get(f"/challenges/{action.challenge_id}"))


def test_a_photo_loses_its_location_and_the_owner_is_told(login, db, people, action):
    browser = login(people.participant)
    response = upload(browser, action, samples.png_with_location(), "whiteboard.png")
    assert "camera and location details were removed" in html_of(browser.get(response.location))
    attachment = db.scalar(select(ChallengeUpdateAttachment))
    stored = Image.open(io.BytesIO(browser.get(f"/challenges/files/{attachment.id}").data))
    assert not stored.getexif()
    thumbnail = browser.get(f"/challenges/files/{attachment.id}/thumbnail")
    assert_served_as_download(thumbnail, "image/png")


def test_a_file_that_is_not_a_photo_has_no_thumbnail(login, db, people, action):
    attachment = attached(db, action)
    db.commit()
    assert (
        login(people.participant).get(f"/challenges/files/{attachment.id}/thumbnail").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.HTML_AS_PDF, "letter.pdf", "not one Learnset can keep"),
        (b"", "empty.txt", "empty"),
        (samples.zip_bomb(), "figures.xlsx", ""),
    ],
)
def test_refused_files_leave_nothing_and_say_why_beside_the_field(
    login, db, people, action, data, name, message
):
    page = html_of(upload(login(people.participant), action, data, name), 422)
    assert message in page
    assert "nhsuk-error-message" in page
    assert nothing_stored(db)


def test_a_file_over_the_size_limit_gets_the_form_and_a_message(app, login, db, people, action):
    app.config["FILE_MAX_BYTES"] = 2000
    browser = login(people.participant)
    page = html_of(upload(browser, action, b"x" * 3000, "big.txt"), 422)
    assert "The file must be smaller than 2 KB" in page
    response = upload(browser, action, b"x" * 200_000, "huge.txt")
    page = html_of(response, 413)
    assert "The file must be smaller than 2 KB" in page
    assert "<h1>Files on this update</h1>" in page
    assert nothing_stored(db)


def test_an_update_takes_only_so_many_files(app, login, db, people, action):
    app.config["FILES_PER_UPDATE"] = 2
    browser = login(people.participant)
    for number in range(2):
        assert upload(browser, action, samples.TEXT, f"n{number}.txt").status_code == 302
    page = html_of(upload(browser, action, samples.TEXT, "third.txt"), 422)
    assert "An update can have up to 2 files" in page
    assert count_rows(db, FileBlob) == 2


def test_the_quota_is_one_for_reflections_and_challenges_together(app, login, db, people, action):
    app.config["FILES_QUOTA_BYTES"] = len(samples.PDF) + 10
    reflection = factories.make_reflection(db, people.participant)
    attachments.attach(
        db,
        people.participant,
        reflection,
        io.BytesIO(samples.PDF),
        "one.pdf",
        attachments.Limits(10**7, 20, 10**8),
        utcnow(),
    )
    db.commit()
    page = html_of(upload(login(people.participant), action, samples.PDF, "two.pdf"), 422)
    assert "You have no room left for this file" in page
    assert count_rows(db, ChallengeUpdateAttachment) == 0
    assert count_rows(db, FileBlob) == 1


def test_only_the_owner_adds_files_and_only_to_what_they_wrote(db, people, challenge):
    question = factories.make_update(db, challenge, people.fellow, "question")
    action = factories.make_update(db, challenge, people.participant, "action")
    with pytest.raises(update_files.UpdateFileError):
        attached(db, question)
    with pytest.raises(update_files.UpdateFileError):
        update_files.attach(
            db, people.fellow, action, io.BytesIO(samples.PDF), "x.pdf", LIMITS, utcnow()
        )
    assert nothing_stored(db)


@pytest.mark.parametrize("who", ["other_tutor", "outsider", "admin"])
def test_outside_the_set_another_persons_file_is_not_there(login, db, people, action, who):
    attachment = attached(db, action, samples.png_with_location(), "board.png")
    db.commit()
    browser = login(getattr(people, who))
    for path in ("", "/thumbnail", "/remove"):
        assert browser.get(f"/challenges/files/{attachment.id}{path}").status_code == 404


def test_the_set_cannot_remove_the_owners_file(login, db, people, action):
    attachment = attached(db, action)
    db.commit()
    browser = login(people.fellow)
    path = f"/challenges/files/{attachment.id}/remove"
    assert browser.get(path).status_code == 403
    assert count_rows(db, FileBlob) == 1


def test_the_owner_removes_a_file_with_its_bytes(login, db, people, action):
    attachment = attached(db, action)
    db.commit()
    browser = login(people.participant)
    path = f"/challenges/files/{attachment.id}/remove"
    response = browser.post(path, data={"csrf_token": csrf_from(browser, path)})
    assert response.status_code == 302
    assert nothing_stored(db)


def test_deleting_the_update_or_the_challenge_takes_its_files(db, people, challenge):
    first = factories.make_update(db, challenge, people.participant, "action")
    second = factories.make_update(db, challenge, people.participant, "gain")
    attached(db, first)
    attached(db, second, samples.CSV, "figures.csv")
    services.delete_update(db, first, people.participant)
    assert count_rows(db, FileBlob) == 1
    services.delete_challenge(db, challenge, people.participant)
    assert nothing_stored(db)


def test_files_of_a_challenge_deleted_without_the_service_are_purged(db, people, challenge):
    update = factories.make_update(db, challenge, people.participant, "action")
    blob_id = attached(db, update).blob_id
    db.delete(challenge)
    db.flush()
    later = utcnow().replace(year=utcnow().year + 1)
    assert files.purge_orphans(db, later) == 1
    assert db.get(FileBlob, blob_id) is None


def test_the_download_of_your_data_has_the_files_by_name(login, db, people, challenge):
    action = factories.make_update(db, challenge, people.participant, "action")
    attached(db, action, name="Practice notes.pdf")
    theirs = factories.make_challenge(db, people.fellow)
    attached(db, factories.make_update(db, theirs, people.fellow, "action"), name="not-mine.pdf")
    db.commit()
    archive = zipfile.ZipFile(
        io.BytesIO(login(people.participant).get("/account/your-data.zip").data)
    )
    document = json.loads(archive.read("your-data.json"))
    listed = document["live_challenges"]["challenges"][0]["updates"][0]["files"]
    assert [entry["name"] for entry in listed] == ["Practice notes.pdf"]
    assert archive.read(listed[0]["in_download"]) == samples.PDF
    assert not any("not-mine" in name for name in archive.namelist())


def test_deleting_an_account_takes_the_files_of_its_challenges(db, people, challenge):
    attached(db, factories.make_update(db, challenge, people.participant, "action"))
    personal_data.erase_challenges(db, people.participant)
    assert nothing_stored(db)
