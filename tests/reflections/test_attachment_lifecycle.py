"""Files follow their reflection: into the bin, back out, gone for good with it; they are in
the appraisal portfolio (by name) and in the download of a person's data (the files)."""

import io
import json
import zipfile
from datetime import timedelta

from learnset.accounts import personal_data
from learnset.db import utcnow
from learnset.files.models import FileBlob, FileChunk
from learnset.reflections import attachments, binned
from tests import factories
from tests.files import samples
from tests.helpers import count_rows, html_of, submit

LIMITS = attachments.Limits(10 * 1024 * 1024, 20, 250 * 1024 * 1024)


def attached(db, reflection, data=samples.PDF, name="letter.pdf"):
    return attachments.attach(
        db, reflection.author, reflection, io.BytesIO(data), name, LIMITS, utcnow()
    )


def test_files_go_into_the_bin_and_come_back_with_their_reflection(login, db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="tutors")
    attachment = attached(db, reflection)
    db.commit()
    tutor = login(people.tutor)
    assert tutor.get(f"/reflections/files/{attachment.id}").status_code == 200

    author = login(people.participant)
    submit(author, f"/reflections/{reflection.id}/delete", {})
    assert tutor.get(f"/reflections/files/{attachment.id}").status_code == 404
    assert count_rows(db, FileBlob) == 1

    author.post(
        f"/reflections/{reflection.id}/restore",
        data={"csrf_token": _token(author, "/reflections/bin")},
    )
    assert tutor.get(f"/reflections/files/{attachment.id}").data == samples.PDF


def _token(browser, page):
    from tests.helpers import csrf_from

    return csrf_from(browser, page)


def test_deleting_for_good_takes_the_files_and_their_chunks(db, people):
    reflection = factories.make_reflection(db, people.participant)
    attached(db, reflection)
    binned.move_to_bin(db, reflection, utcnow())
    binned.delete_for_good(db, reflection)
    assert count_rows(db, FileBlob) == 0
    assert count_rows(db, FileChunk) == 0


def test_the_bins_purge_takes_the_files_of_what_it_purges_and_no_others(db, people):
    old = factories.make_reflection(db, people.participant)
    fresh = factories.make_reflection(db, people.participant)
    attached(db, old, name="old.pdf")
    attached(db, fresh, name="fresh.pdf")
    old.deleted_at = utcnow() - timedelta(days=31)
    fresh.deleted_at = utcnow() - timedelta(days=29)
    db.flush()
    assert binned.purge_bin(db, utcnow()) == 1
    assert count_rows(db, FileBlob) == 1
    assert count_rows(db, FileChunk) == 1


def test_deleting_an_account_takes_its_files(db, people):
    reflection = factories.make_reflection(db, people.participant)
    attached(db, reflection)
    personal_data.delete_account(db, people.participant)
    assert count_rows(db, FileBlob) == 0
    assert count_rows(db, FileChunk) == 0


def test_the_portfolio_lists_the_files_by_name(login, db, people):
    reflection = factories.make_reflection(db, people.participant, title="Provider meeting")
    attached(db, reflection, name="Letter from provider.pdf")
    db.commit()
    page = html_of(login(people.participant).get("/reflections/portfolio?date_from=&date_to="))
    assert "Letter from provider.pdf" in page


def test_the_download_of_your_data_is_a_zip_with_the_files_by_name(login, db, people):
    reflection = factories.make_reflection(db, people.participant, title="Provider meeting")
    attached(db, reflection, name="Letter from provider.pdf")
    attached(db, reflection, data=samples.CSV, name="referrals.csv")
    theirs = factories.make_reflection(db, people.fellow, visibility="set")
    attached(db, theirs, name="not-mine.pdf")
    db.commit()
    response = login(people.participant).get("/account/your-data.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    document = json.loads(archive.read("your-data.json"))
    listed = document["reflective_log"]["reflections"][0]["files"]
    assert [entry["name"] for entry in listed] == ["Letter from provider.pdf", "referrals.csv"]
    assert archive.read(listed[0]["in_download"]) == samples.PDF
    assert archive.read(listed[1]["in_download"]) == samples.CSV
    assert not any("not-mine" in name for name in names)
