"""Editing a programme session in the app (learnset/library/editing.py): checked as the sync
checks its file, a version for every save and restore, never over someone else's save; the sync
keeps an edited session unless told to overwrite it; export writes it back, and a sync of what
export wrote changes nothing."""

import pytest
from sqlalchemy import select

from learnset import PROJECT_ROOT
from learnset.audit.models import AuditEvent
from learnset.curriculum.models import Programme
from learnset.curriculum.texts import session_text
from learnset.db import database
from learnset.library import editing, export, versions
from learnset.library.models import ContentVersion
from learnset.library.sync import sync_content
from tests import factories
from tests.apps import fresh_app
from tests.content import FIRST, SECOND, THIRD, stored, synced, synced_by_command
from tests.curriculum.programmes import write_programme, write_session
from tests.helpers import count_rows

SESSION_FILE = "programme/year/01-month.md"
NEW_NOTES = "## Before the session\n\nNotes rewritten in the browser."


def _first(db):
    db.expire_all()
    return stored(db, Programme, "year").sessions[0]


def _with_notes(session, notes):
    head, _notes = session_text(session).rsplit("---\n", 1)
    return f"{head}---\n{notes}\n"


def _edit(db, user, notes=NEW_NOTES, when=SECOND):
    session = _first(db)
    version = editing.save_session(
        db, user, session, _with_notes(session, notes), versions.latest_number(db, session), when
    )
    db.commit()
    return version


def _history(db):
    session = _first(db)
    return [
        (v.number, v.origin)
        for v in db.scalars(
            select(ContentVersion)
            .where(ContentVersion.programme_session_id == session.id)
            .order_by(ContentVersion.number)
        )
    ]


@pytest.fixture
def loaded(db, content):
    write_programme(content)
    synced(db, content, FIRST)
    return content


def test_saving_a_session_changes_it_and_keeps_both_versions(db, loaded, people):
    version = _edit(db, people.admin)
    session = _first(db)
    assert session.facilitator_notes == NEW_NOTES
    assert session.edited_in_app_at is not None
    assert version is not None and version.number == 2 and version.author_id == people.admin.id
    assert _history(db) == [(1, "synced"), (2, "edited")]
    first = versions.version(db, session, 1)
    assert first is not None and "Notes for tutors only." in first.text
    event = db.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.kind == "content-edited" and "programme year, session 1" in event.detail


def test_a_save_that_changes_nothing_makes_no_version(db, loaded, people):
    assert _edit(db, people.admin, notes="Notes for tutors only.") is None
    assert _history(db) == []


def test_the_running_order_and_aims_can_be_changed_too(db, loaded, people):
    session = _first(db)
    text = session_text(session).replace("activity: Check-in", "activity: Arrivals and check-in")
    editing.save_session(db, people.admin, session, text, 0, SECOND)
    db.commit()
    assert _first(db).steps[0].activity == "Arrivals and check-in"
    assert [step.minutes for step in _first(db).steps] == [15, 20, 30, 55]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("minutes: 55", "minutes: 50"), "the steps add up to 115 minutes"),
        (("item: lenses", "item: no-such-item"), "'no-such-item' is not in the library"),
        (("[listening]", "[no-such-capability]"), "unknown capability 'no-such-capability'"),
        (("aim: conversations", "aim: no-such-aim"), "'no-such-aim' is not one of the programme"),
        (("number: 1", "number: 2"), "cannot be renumbered"),
        (("---\n", ""), "front matter"),
    ],
)
def test_a_text_the_sync_would_refuse_is_refused_and_nothing_changes(
    db, loaded, people, change, message
):
    session = _first(db)
    before = session_text(session)
    text = before.replace(*change, 1)
    assert text != before
    with pytest.raises(editing.ContentEditError) as refused:
        editing.save_session(db, people.admin, session, text, 0, SECOND)
    db.rollback()
    assert message in str(refused.value)
    assert refused.value.field == "text"
    assert session_text(_first(db)) == before
    assert _history(db) == []


def test_a_save_based_on_an_older_version_is_refused(db, loaded, people):
    _edit(db, people.admin)
    session = _first(db)
    with pytest.raises(editing.ContentEditError) as refused:
        editing.save_session(db, people.admin, session, _with_notes(session, "Mine."), 0, THIRD)
    db.rollback()
    assert refused.value.status == 409
    assert "Ada Admin saved a new version (version 2)" in str(refused.value)
    assert _first(db).facilitator_notes == NEW_NOTES


def test_restoring_an_earlier_version_is_a_new_version(db, loaded, people):
    _edit(db, people.admin)
    session = _first(db)
    editing.restore(db, people.admin, session, 1, 2, THIRD)
    db.commit()
    assert _first(db).facilitator_notes == "Notes for tutors only."
    assert _history(db) == [(1, "synced"), (2, "edited"), (3, "restored")]
    with pytest.raises(editing.ContentEditError):
        editing.restore(db, people.admin, _first(db), 1, 3, THIRD)


def test_a_sync_keeps_an_edited_session_and_says_which(db, loaded, people):
    _edit(db, people.admin)
    write_session(loaded, 1, notes="Changed in the file.")
    report = synced(db, loaded, THIRD)
    assert _first(db).facilitator_notes == NEW_NOTES
    assert report.kept == [SESSION_FILE]
    assert any(SESSION_FILE in line and "Kept as edited" in line for line in report.lines())
    # The other session still follows its file.
    write_session(loaded, 2, title="Month two, renamed")
    synced(db, loaded, THIRD)
    assert stored(db, Programme, "year").sessions[1].title == "Month two, renamed"
    assert _first(db).facilitator_notes == NEW_NOTES


def test_overwrite_takes_the_files_version_as_a_version(db, loaded, people):
    _edit(db, people.admin)
    write_session(loaded, 1, notes="Changed in the file.")
    report = sync_content(db, loaded, THIRD, overwrite=True)
    db.commit()
    assert report.overwritten == [SESSION_FILE]
    session = _first(db)
    assert session.facilitator_notes == "Changed in the file." and session.edited_in_app_at is None
    assert _history(db) == [(1, "synced"), (2, "edited"), (3, "synced")]


def test_a_session_keeps_its_id_and_history_across_syncs(db, loaded, people):
    _edit(db, people.admin)
    session_id = _first(db).id
    write_session(loaded, 2, title="Month two, renamed")
    synced(db, loaded, THIRD)
    assert _first(db).id == session_id
    assert len(_history(db)) == 2


def test_export_then_sync_changes_nothing(db, loaded, people):
    _edit(db, people.admin)
    report = export.export_content(db, loaded)
    assert report.written == [SESSION_FILE]
    assert "Notes rewritten in the browser." in (loaded / SESSION_FILE).read_text()
    before = [session_text(s) for s in stored(db, Programme, "year").sessions]
    versions_before = count_rows(db, ContentVersion)
    again = synced(db, loaded, THIRD)
    assert not again.changed and again.kept == []
    assert [session_text(s) for s in stored(db, Programme, "year").sessions] == before
    assert count_rows(db, ContentVersion) == versions_before
    assert _first(db).edited_in_app_at is None
    assert export.export_content(db, loaded).written == []


def test_the_demo_gives_the_years_first_session_versions_to_compare(tmp_path):
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["init"])
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with database(app).sessions() as session:
        first = stored(session, Programme, "unlocking-commissioning").sessions[0]
        found = [
            (v.number, v.origin)
            for v in session.scalars(
                select(ContentVersion)
                .where(ContentVersion.programme_session_id == first.id)
                .order_by(ContentVersion.number)
            )
        ]
        assert found == [(1, "synced"), (2, "edited"), (3, "restored")]
        # The words end as the files have them, so a sync has nothing to keep, and clears the mark.
        report = sync_content(session, PROJECT_ROOT / "content", THIRD)
        assert report.kept == [] and first.edited_in_app_at is None


def test_the_sync_command_names_a_kept_session_and_overwrite_takes_the_file(tmp_path, content):
    write_programme(content)
    app, runner = synced_by_command(tmp_path, content)
    with database(app).sessions() as session:
        user = factories.make_user(session, is_admin=True)
        _edit(session, user)
    kept = runner.invoke(args=["content", "sync"])
    assert kept.exit_code == 0, kept.output
    assert f"Kept as edited in the app (not overwritten): {SESSION_FILE}" in kept.output
    write_session(content, 1, notes="Changed in the file.")
    overwritten = runner.invoke(args=["content", "sync", "--overwrite"])
    assert overwritten.exit_code == 0, overwritten.output
    assert (
        f"now replaced by the files' version (the app's is kept in the history): {SESSION_FILE}"
        in overwritten.output
    )
    with database(app).sessions() as session:
        assert _first(session).facilitator_notes == "Changed in the file."


def test_an_edited_session_whose_file_has_gone_is_kept_unless_overwrite(db, loaded, people):
    _edit(db, people.admin)
    (loaded / SESSION_FILE).unlink()
    report = synced(db, loaded, THIRD)
    assert report.kept == [f"{SESSION_FILE} (its file has gone)"]
    assert [s.number for s in stored(db, Programme, "year").sessions] == [1, 2]
    assert _first(db).facilitator_notes == NEW_NOTES
    report = sync_content(db, loaded, THIRD, overwrite=True)
    db.commit()
    assert report.overwritten == [f"{SESSION_FILE} (its file has gone)"]
    db.expire_all()
    assert [s.number for s in stored(db, Programme, "year").sessions] == [2]
