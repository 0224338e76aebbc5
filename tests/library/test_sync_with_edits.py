"""The content sync and edits made in the app: a sync never overwrites one without saying so;
--overwrite takes the files' version as a version of its own; `flask content export` writes
the app's words back in content/'s format, and a sync of what it wrote changes nothing."""

import difflib
import shutil

from sqlalchemy import select

from learnset import PROJECT_ROOT
from learnset.db import database
from learnset.framework.loading import capability_source
from learnset.framework.models import Capability
from learnset.library import editing, export, versions
from learnset.library.models import ContentItem, ContentVersion
from learnset.library.sync import ITEM_FOLDERS, item_source, sync_content
from tests import factories
from tests.apps import fresh_app
from tests.content import FIRST, SECOND, THIRD, stored, synced, synced_by_command, write_item
from tests.helpers import count_rows

EDIT = editing.ItemChanges(
    title="Lenses, edited in the app",
    summary="What lenses is about.",
    minutes=20,
    capabilities=["listening", "using-data"],
    body="## A heading\n\nWords written in the browser.",
)


def _edit_lenses(db, user):
    item = stored(db, ContentItem, "lenses")
    editing.save_item(db, user, item, EDIT, versions.latest_number(db, item), SECOND)
    db.commit()


def _edit_listening(db, user):
    capability = stored(db, Capability, "listening")
    words = editing.DescriptorChanges(
        "Listening, as edited.", {n: f"Edited {n}." for n in range(1, 6)}
    )
    editing.save_descriptors(
        db, user, capability, words, versions.latest_number(db, capability), SECOND
    )
    db.commit()


def _numbers(db, slug):
    item = stored(db, ContentItem, "lenses" if slug is None else slug)
    return [
        (v.number, v.origin)
        for v in db.scalars(
            select(ContentVersion)
            .where(ContentVersion.content_item_id == item.id)
            .order_by(ContentVersion.number)
        )
    ]


def _words(db):
    """Every item's and capability's words, as the files would hold them."""
    db.expire_all()
    return [
        item_source(item) for item in db.scalars(select(ContentItem).order_by(ContentItem.slug))
    ] + [capability_source(c) for c in db.scalars(select(Capability).order_by(Capability.slug))]


def test_a_sync_records_each_new_item_as_its_first_version(db, content):
    synced(db, content, FIRST)
    assert _numbers(db, "lenses") == [(1, "synced")]


def test_a_sync_keeps_an_item_edited_in_the_app_and_says_so(db, content, people):
    synced(db, content, FIRST)
    _edit_lenses(db, people.admin)
    write_item(content, "lenses", title="Changed in the file", capabilities=["listening"])
    report = synced(db, content, THIRD)
    assert stored(db, ContentItem, "lenses").title == "Lenses, edited in the app"
    assert report.kept == ["theory/lenses.md"]
    assert report.count("theory", "kept") == 1
    assert any("Kept as edited in the app (not overwritten): theory/lenses.md" in line
               for line in report.lines())  # fmt: skip


def test_a_sync_keeps_an_edit_even_when_the_file_did_not_change(db, content, people):
    synced(db, content, FIRST)
    _edit_lenses(db, people.admin)
    report = synced(db, content, THIRD)
    assert stored(db, ContentItem, "lenses").title == "Lenses, edited in the app"
    assert report.kept == ["theory/lenses.md"]


def test_overwrite_takes_the_files_version_as_a_new_version(db, content, people):
    synced(db, content, FIRST)
    _edit_lenses(db, people.admin)
    write_item(content, "lenses", title="Changed in the file", capabilities=["listening"])
    report = sync_content(db, content, THIRD, overwrite=True)
    db.commit()
    item = stored(db, ContentItem, "lenses")
    assert item.title == "Changed in the file" and item.edited_in_app_at is None
    assert report.overwritten == ["theory/lenses.md"]
    assert _numbers(db, "lenses") == [(1, "synced"), (2, "edited"), (3, "synced")]
    # Once the files' version is taken, later syncs follow the files again.
    write_item(content, "lenses", title="Changed again", capabilities=["listening"])
    assert synced(db, content, THIRD).kept == []
    assert stored(db, ContentItem, "lenses").title == "Changed again"


def test_an_item_not_edited_in_the_app_follows_its_file_as_before(db, content):
    synced(db, content, FIRST)
    write_item(content, "lenses", title="Changed in the file", capabilities=["listening"])
    report = synced(db, content, SECOND)
    assert report.kept == [] and report.count("theory", "updated") == 1
    assert stored(db, ContentItem, "lenses").title == "Changed in the file"
    assert _numbers(db, "lenses") == [(1, "synced"), (2, "synced")]


def test_a_capability_edited_in_the_app_is_kept_and_overwrite_takes_the_file(db, content, people):
    synced(db, content, FIRST)
    _edit_listening(db, people.admin)
    report = synced(db, content, THIRD)
    assert stored(db, Capability, "listening").description == "Listening, as edited."
    assert report.kept == ["framework/1-conversations.yaml (listening)"]
    report = sync_content(db, content, THIRD, overwrite=True)
    db.commit()
    assert stored(db, Capability, "listening").description == "What listening means."
    assert report.overwritten == ["framework/1-conversations.yaml (listening)"]


def test_export_then_sync_changes_nothing(db, content, people, tmp_path):
    synced(db, content, FIRST)
    _edit_lenses(db, people.admin)
    _edit_listening(db, people.admin)
    report = export.export_content(db, content)
    assert sorted(report.written) == ["framework/1-conversations.yaml", "theory/lenses.md"]
    assert "Words written in the browser." in (content / "theory/lenses.md").read_text()
    before = _words(db)
    versions_before = count_rows(db, ContentVersion)
    again = synced(db, content, THIRD)
    assert not again.changed and again.kept == []
    assert _words(db) == before
    assert count_rows(db, ContentVersion) == versions_before
    # The edit is now in step with the files: a later change to the file is taken.
    assert stored(db, ContentItem, "lenses").edited_in_app_at is None
    # And a second export writes nothing.
    assert export.export_content(db, content).written == []


def test_export_into_an_empty_folder_writes_files_a_sync_loads_unchanged(db, content, tmp_path):
    synced(db, content, FIRST)
    target = tmp_path / "exported"
    for folder in ITEM_FOLDERS:  # a folder with no files is a kind with no items yet
        (target / folder).mkdir(parents=True)
    report = export.export_content(db, target)
    assert len(report.written) == 4
    assert not synced(db, target, SECOND).changed


def test_exporting_the_starter_content_leaves_every_file_as_it_is(tmp_path):
    app = fresh_app(tmp_path)
    copy = shutil.copytree(PROJECT_ROOT / "content", tmp_path / "content")
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    with database(app).sessions() as session:
        sync_content(session, copy, FIRST)
        session.commit()
        report = export.export_content(session, copy)
    assert report.written == []
    for path in (PROJECT_ROOT / "content").rglob("*.*"):
        assert (copy / path.relative_to(PROJECT_ROOT / "content")).read_bytes() == path.read_bytes()


def test_the_commands_say_what_they_kept_and_wrote(tmp_path, content):
    app, runner = synced_by_command(tmp_path, content)
    with database(app).sessions() as session:
        item = session.scalar(select(ContentItem).where(ContentItem.slug == "lenses"))
        user = factories.make_user(session, is_admin=True)
        editing.save_item(session, user, item, EDIT, 1, SECOND)
        session.commit()
    write_item(content, "lenses", title="Changed in the file", capabilities=["listening"])
    kept = runner.invoke(args=["content", "sync"])
    assert kept.exit_code == 0, kept.output
    assert "Theory modules: 1 kept." in kept.output
    assert "Kept as edited in the app (not overwritten): theory/lenses.md" in kept.output
    assert "--overwrite" in kept.output
    exported = runner.invoke(args=["content", "export", "--to", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    assert "4 files written." in exported.output
    overwritten = runner.invoke(args=["content", "sync", "--overwrite"])
    assert "now replaced by the files' version" in overwritten.output
    assert "Theory modules: 1 updated." in overwritten.output


def test_exporting_one_edited_capability_rewrites_only_its_lines(tmp_path):
    app = fresh_app(tmp_path)
    copy = shutil.copytree(PROJECT_ROOT / "content", tmp_path / "content")
    app.test_cli_runner().invoke(args=["db", "upgrade"])
    with database(app).sessions() as session:
        sync_content(session, copy, FIRST)
        capability = stored(session, Capability, "clinical-credibility")
        words = editing.DescriptorChanges(
            capability.description, {n: f"Edited level {n}." for n in range(1, 6)}
        )
        admin = factories.make_user(session, is_admin=True)
        editing.save_descriptors(
            session, admin, capability, words, versions.latest_number(session, capability), SECOND
        )
        session.commit()
        report = export.export_content(session, copy)
        assert report.written == ["framework/1-unlocking-conversations.yaml"]
        assert not synced(session, copy, THIRD).changed
    name = "framework/1-unlocking-conversations.yaml"
    before = (PROJECT_ROOT / "content" / name).read_text().splitlines()
    after = (copy / name).read_text().splitlines()
    changed = [line for line in difflib.unified_diff(before, after, n=0, lineterm="")
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]  # fmt: skip
    assert "+      3: Edited level 3." in changed
    # Only the edited capability's levels changed: every removed line was one of them.
    removed = [line[1:] for line in changed if line.startswith("-")]
    block = (PROJECT_ROOT / "content" / name).read_text().split("  - slug: clinical-credibility")[1]
    block = block.split("\n  - slug:")[0]
    assert removed and all(line in block for line in removed)


def test_only_ascii_digits_number_a_level_in_a_file_read_back():
    # "²" is a digit to str.isdigit() but not to int(); "٣" is one to both.
    read = export._plain({"3": " Three ", 4: "Four", "²": "Squared", "٣": "Arabic three"})
    assert read == {3: "Three", 4: "Four", "²": "Squared", "٣": "Arabic three"}
