"""The zip of a person's data is made as it is sent: the JSON document, then every file they
stored under the path the document gives it, with its bytes as stored; each file is read a chunk
at a time in short sessions, so the statements do not grow with the files, only one short read
a chunk (tests/reflections/test_log_zip.py counts them for both zips)."""

import io
import json
import zipfile

from learnset import files
from learnset.challenges import update_files
from learnset.db import utcnow
from learnset.files import CHUNK_SIZE
from learnset.reflections import attachments
from tests import factories
from tests.files import samples

DOWNLOAD = "/account/your-data.zip"
LIMITS = files.Limits(file_bytes=10 * 1024 * 1024, per_item=20, quota_bytes=250 * 1024**2)
LARGE = samples.CSV * (2 * CHUNK_SIZE // len(samples.CSV) + 1)  # three chunks


def attach(db, reflection, data=samples.PDF, name="letter.pdf"):
    attachments.attach(db, reflection.author, reflection, io.BytesIO(data), name, LIMITS, utcnow())


def _download(login, user):
    response = login(user).get(DOWNLOAD)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "application/zip"
    named = f'attachment; filename="learnset-your-data-{utcnow().date().isoformat()}.zip"'
    assert response.headers["Content-Disposition"] == named
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_the_zip_holds_the_document_then_every_file_by_the_name_it_gives(login, db, people):
    first = factories.make_reflection(db, people.participant, title="Provider meeting")
    attach(db, first, name="Letter from provider.pdf")
    attach(db, first, data=LARGE, name="referrals.csv")
    second = factories.make_reflection(db, people.participant, title="Same name")
    attach(db, second, data=samples.CSV, name="Referrals.CSV")
    challenge = factories.make_challenge(db, people.participant)
    update = factories.make_update(db, challenge, people.participant, "action")
    update_files.attach(
        db, people.participant, update, io.BytesIO(samples.PDF), "notes.pdf", LIMITS, utcnow()
    )
    theirs = factories.make_reflection(db, people.fellow, visibility="set")
    attach(db, theirs, name="not-mine.pdf")
    db.commit()
    archive = _download(login, people.participant)
    assert archive.testzip() is None
    document = json.loads(archive.read("your-data.json"))
    reflections = document["reflective_log"]["reflections"]
    updates = document["live_challenges"]["challenges"][0]["updates"]
    listed = [*reflections[0]["files"], *reflections[1]["files"], *updates[0]["files"]]
    names = archive.namelist()
    assert names[0] == "your-data.json"
    paths = [entry["in_download"] for entry in listed]
    assert sorted(names[1:]) == sorted(paths) and len(set(paths)) == 4
    assert [entry["name"] for entry in listed] == [
        "Letter from provider.pdf",
        "referrals.csv",
        "Referrals.csv",
        "notes.pdf",
    ]
    assert [archive.read(path) for path in paths] == [samples.PDF, LARGE, samples.CSV, samples.PDF]
    assert not any("not-mine" in name for name in names)


def test_a_person_with_no_files_gets_the_document_alone(login, db, people):
    archive = _download(login, people.participant)
    assert archive.namelist() == ["your-data.json"]
    assert json.loads(archive.read("your-data.json"))["service"] == "Learnset"
