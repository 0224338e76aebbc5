"""The Markdown zip of the log carries each reflection's files beside it, linked from it, with
safe names; it is made as it is sent, at a fixed number of queries however many files."""

import io
import zipfile
from datetime import date

import pytest

from learnset.db import utcnow
from learnset.files import CHUNK_SIZE
from learnset.reflections import attachments
from tests import factories
from tests.files import samples
from tests.helpers import streamed_statements

LIMITS = attachments.Limits(10 * 1024 * 1024, 20, 250 * 1024 * 1024)


def attached(db, reflection, data=samples.PDF, name="letter.pdf"):
    return attachments.attach(
        db, reflection.author, reflection, io.BytesIO(data), name, LIMITS, utcnow()
    )


def _zip(login, user):
    response = login(user).get("/reflections/export.zip")
    assert response.status_code == 200
    assert response.is_streamed
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_files_sit_beside_their_reflection_and_are_linked_from_it(login, db, people):
    reflection = factories.make_reflection(
        db, people.participant, title="Provider meeting", experienced_on=date(2026, 3, 5)
    )
    attached(db, reflection, name="Letter from provider.pdf")
    attached(db, reflection, data=samples.CSV, name="referrals.csv")
    db.commit()
    archive = _zip(login, people.participant)
    folder = "reflections/2026-03-05-provider-meeting"
    assert sorted(archive.namelist()) == [
        "README.md",
        f"{folder}.md",
        f"{folder}/Letter from provider.pdf",
        f"{folder}/referrals.csv",
    ]
    assert archive.read(f"{folder}/Letter from provider.pdf") == samples.PDF
    assert archive.read(f"{folder}/referrals.csv") == samples.CSV
    markdown = archive.read(f"{folder}.md").decode()
    assert "## Files" in markdown
    assert (
        "- [Letter from provider.pdf](2026-03-05-provider-meeting/Letter%20from%20provider.pdf)"
        in markdown
    )
    assert "- [referrals.csv](2026-03-05-provider-meeting/referrals.csv)" in markdown
    assert "attached to a reflection are in a" in archive.read("README.md").decode()


def test_names_are_safe_and_never_overwrite_each_other(login, db, people):
    reflection = factories.make_reflection(
        db, people.participant, title="Names", experienced_on=date(2026, 3, 5)
    )
    for name in ("con.pdf", "Report.csv", "REPORT.csv", "[draft]_notes.txt"):
        data = samples.TEXT if name.endswith(".txt") else samples.CSV
        attached(db, reflection, data=samples.PDF if name.endswith(".pdf") else data, name=name)
    db.commit()
    archive = _zip(login, people.participant)
    files = sorted(name for name in archive.namelist() if name.count("/") == 2)
    assert files == [
        "reflections/2026-03-05-names/REPORT (2).csv",
        "reflections/2026-03-05-names/Report.csv",
        "reflections/2026-03-05-names/[draft]_notes.txt",
        "reflections/2026-03-05-names/_con.pdf",
    ]
    markdown = archive.read("reflections/2026-03-05-names.md").decode()
    assert "- [\\[draft\\]\\_notes.txt](2026-03-05-names/%5Bdraft%5D_notes.txt)" in markdown
    assert "- [con.pdf](2026-03-05-names/_con.pdf)" in markdown


def test_binned_reflections_and_other_peoples_files_are_never_in_it(login, db, people):
    mine = factories.make_reflection(db, people.participant, title="Mine")
    attached(db, mine, name="mine.pdf")
    binned = factories.make_reflection(db, people.participant, title="Binned")
    attached(db, binned, name="BINNED.pdf")
    binned.deleted_at = utcnow()
    theirs = factories.make_reflection(db, people.fellow, title="Theirs", visibility="set")
    attached(db, theirs, name="THEIRS.pdf")
    db.commit()
    names = _zip(login, people.participant).namelist()
    assert any(name.endswith("/mine.pdf") for name in names)
    assert not any("BINNED" in name or "THEIRS" in name for name in names)
    assert not any("binned" in name or "theirs" in name for name in names)


# The download of a person's data is made the same way, and holds the same files.
@pytest.mark.parametrize("path", ["/reflections/export.zip", "/account/your-data.zip"])
def test_the_queries_do_not_grow_with_the_files(login, db, people, count_queries, path):
    one = factories.make_reflection(db, people.participant, title="One")
    attached(db, one)
    db.commit()
    before, chunks_before = streamed_statements(count_queries, login(people.participant), path)
    # A file of three chunks, and more files on more reflections.
    large = samples.CSV * (2 * CHUNK_SIZE // len(samples.CSV) + 1)
    attached(db, one, data=large, name="large.csv")
    for title in ("Two", "Three"):
        other = factories.make_reflection(db, people.participant, title=title)
        attached(db, other)
        attached(db, other, data=samples.CSV, name="figures.csv")
    db.commit()
    after, chunks_after = streamed_statements(count_queries, login(people.participant), path)
    assert after == before
    # Only the bytes themselves cost more: one short read a chunk.
    assert chunks_before == 1
    assert chunks_after == 1 + 3 + 4
