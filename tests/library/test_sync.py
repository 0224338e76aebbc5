"""The content sync: files in, matched by slug, archived not deleted, all or nothing."""

import pytest
from sqlalchemy import func, select

from learnset.content import ContentError
from learnset.library.models import ContentItem
from learnset.library.sync import sync_content
from tests.content import (
    FIRST,
    SECOND,
    THIRD,
    item_text,
    snapshot,
    stored,
    synced,
    write_item,
    write_raw,
)


def test_first_sync_adds_every_item_with_its_capabilities(db, content):
    report = synced(db, content, FIRST)
    assert report.count("theory", "added") == 1
    assert report.count("exercise", "added") == 1
    assert report.count("method", "added") == 1
    lenses = stored(db, ContentItem, "lenses")
    assert lenses.kind == "theory"
    assert lenses.title == "Lenses"
    assert lenses.summary == "What lenses is about."
    assert lenses.minutes == 20
    assert lenses.body == "## A heading\n\nSome words about it."
    assert lenses.source_path == "theory/lenses.md"
    assert len(lenses.content_hash) == 64
    assert [c.slug for c in lenses.capabilities] == ["listening", "using-data"]
    assert lenses.created_at == lenses.updated_at == FIRST
    assert lenses.archived_at is None
    assert stored(db, ContentItem, "world-cafe").kind == "method"


def test_sync_without_changes_changes_nothing(db, content):
    synced(db, content, FIRST)
    before = snapshot(db)
    report = synced(db, content, SECOND)
    assert snapshot(db) == before
    assert not report.changed
    assert report.count("theory", "unchanged") == 1
    assert report.count("capability", "unchanged") == 2
    assert "Theory modules: 1 unchanged." in report.lines()


def test_changed_file_updates_the_item_and_keeps_its_id(db, content):
    synced(db, content, FIRST)
    original_id = stored(db, ContentItem, "lenses").id
    write_item(
        content,
        "lenses",
        title="Two lenses on commissioning",
        capabilities=["using-data"],
        minutes=25,
        body="## New words\n\nRewritten.",
    )
    report = synced(db, content, SECOND)
    lenses = stored(db, ContentItem, "lenses")
    assert lenses.id == original_id
    assert lenses.title == "Two lenses on commissioning"
    assert lenses.minutes == 25
    assert lenses.body == "## New words\n\nRewritten."
    assert [c.slug for c in lenses.capabilities] == ["using-data"]
    assert lenses.created_at == FIRST
    assert lenses.updated_at == SECOND
    assert report.count("theory", "updated") == 1
    assert report.count("exercise", "unchanged") == 1


def test_missing_file_archives_the_item_and_never_deletes_it(db, content):
    synced(db, content, FIRST)
    original_id = stored(db, ContentItem, "world-cafe").id
    (content / "methods" / "world-cafe.md").unlink()
    report = synced(db, content, SECOND)
    cafe = stored(db, ContentItem, "world-cafe")
    assert cafe.id == original_id
    assert cafe.archived_at == SECOND
    assert [c.slug for c in cafe.capabilities] == ["using-data"]
    assert report.count("method", "archived") == 1
    # Archived once: a later sync neither archives it again nor moves its date.
    again = synced(db, content, THIRD)
    assert again.count("method", "archived") == 0
    assert stored(db, ContentItem, "world-cafe").archived_at == SECOND


def test_file_that_comes_back_is_restored_with_the_same_id(db, content):
    synced(db, content, FIRST)
    path = content / "methods" / "world-cafe.md"
    text = path.read_text()
    original_id = stored(db, ContentItem, "world-cafe").id
    path.unlink()
    synced(db, content, SECOND)
    path.write_text(text)
    report = synced(db, content, THIRD)
    cafe = stored(db, ContentItem, "world-cafe")
    assert cafe.id == original_id
    assert cafe.archived_at is None
    assert report.count("method", "restored") == 1


def test_changed_file_that_comes_back_is_restored_with_its_new_words(db, content):
    synced(db, content, FIRST)
    (content / "methods" / "world-cafe.md").unlink()
    synced(db, content, SECOND)
    write_item(content, "world-cafe", "method", title="World Café, revised")
    synced(db, content, THIRD)
    cafe = stored(db, ContentItem, "world-cafe")
    assert cafe.archived_at is None
    assert cafe.title == "World Café, revised"


def test_folded_yaml_strings_lose_their_trailing_newline(db, content):
    text = (
        "---\nslug: folded\nkind: theory\ntitle: >\n  A folded\n  title\n"
        "summary: >\n  A summary folded\n  over two lines.\nminutes: 15\n"
        "capabilities: [listening]\nsources: [Someone (2020) A book]\n---\n\nBody.\n\n"
    )
    write_raw(content, "theory/folded.md", text)
    synced(db, content, FIRST)
    folded = stored(db, ContentItem, "folded")
    assert folded.title == "A folded title"
    assert folded.summary == "A summary folded over two lines."
    assert folded.body == "Body."


def test_windows_line_ends_and_a_byte_order_mark_are_accepted(db, content):
    text = item_text("crlf", capabilities=["listening"]).replace("\n", "\r\n")
    write_raw(content, "theory/crlf.md", b"\xef\xbb\xbf" + text.encode())
    synced(db, content, FIRST)
    assert stored(db, ContentItem, "crlf").body == "## A heading\n\nSome words about it."


def test_only_the_four_folders_are_read(db, content):
    write_raw(content, "README.md", "# Not an item\n")
    write_raw(content, "theory/notes.txt", "not Markdown, not read")
    (content / "drafts").mkdir()
    write_raw(content, "drafts/draft.md", item_text("draft"))
    synced(db, content, FIRST)
    assert db.scalar(select(func.count()).select_from(ContentItem)) == 3
    assert stored(db, ContentItem, "draft") is None


def test_report_lists_capabilities_no_item_develops(db, content):
    (content / "exercises" / "paired-listening.md").unlink()
    write_item(content, "lenses", capabilities=["using-data"])
    report = sync_content(db, content, FIRST)
    assert report.undeveloped == ["listening"]
    assert "No library item develops these capabilities yet: listening." in report.lines()


# Each breaks one file in its own way: (file, its text, words the problem must contain).
BROKEN = {
    "bad YAML": ("theory/broken.md", "---\nslug: broken\n title: oops\n---\nBody\n", "line 3"),
    "no front matter": ("theory/broken.md", "# Just a heading\n", "front matter"),
    "unclosed front matter": ("theory/broken.md", "---\nslug: broken\nBody\n", "front matter"),
    "front matter not fields": ("theory/broken.md", "---\n- a list\n---\nBody\n", "'field: value'"),
    "missing field": (
        "theory/broken.md",
        item_text("broken", title=None),
        "the field 'title' is missing",
    ),
    "empty title": ("theory/broken.md", item_text("broken", title="  "), "'title' is empty"),
    "title not text": (
        "theory/broken.md",
        item_text("broken", title=["a", "b"]),
        "'title' must be text",
    ),
    "title too long": (
        "theory/broken.md",
        item_text("broken", title="x" * 201),
        "200 characters or fewer",
    ),
    "minutes as words": ("theory/broken.md", item_text("broken", minutes="twenty"), "'minutes'"),
    "minutes zero": ("theory/broken.md", item_text("broken", minutes=0), "whole number above 0"),
    "minutes negative": ("theory/broken.md", item_text("broken", minutes=-5), "above 0"),
    "minutes fraction": ("theory/broken.md", item_text("broken", minutes=2.5), "whole number"),
    "minutes yes": ("theory/broken.md", item_text("broken", minutes=True), "whole number"),
    "unknown kind": ("theory/broken.md", item_text("broken", kind="lecture"), "'lecture'"),
    "kind not its folder": (
        "theory/broken.md",
        item_text("broken", kind="method"),
        "files in theory/",
    ),
    "slug not the file name": (
        "theory/broken.md",
        item_text("mended"),
        "does not match the file name 'broken.md'",
    ),
    "slug with capitals": ("theory/Broken.md", item_text("Broken"), "lowercase"),
    "duplicate slug": ("methods/lenses.md", item_text("lenses", "method"), "also used by"),
    "slug of a capability": ("theory/listening.md", item_text("listening"), "capability's slug"),
    "unknown capability": (
        "theory/broken.md",
        item_text("broken", capabilities=["listening", "juggling"]),
        "unknown capability 'juggling'",
    ),
    "no capabilities": (
        "theory/broken.md",
        item_text("broken", capabilities=[]),
        "at least one capability",
    ),
    "capabilities not a list": (
        "theory/broken.md",
        item_text("broken", capabilities="listening"),
        "must be a list",
    ),
    "capability twice": (
        "theory/broken.md",
        item_text("broken", capabilities=["listening", "listening"]),
        "more than once",
    ),
    "unknown field": ("theory/broken.md", item_text("broken", author="Me"), "unknown field"),
    "field given twice": (
        "theory/broken.md",
        item_text("broken").replace("minutes: 20", "minutes: 20\nminutes: 30"),
        "given twice",
    ),
    "no body": ("theory/broken.md", item_text("broken", body=""), "no text after"),
    "not UTF-8": ("theory/broken.md", "é".encode("latin-1"), "not UTF-8"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_file_stops_the_sync_and_nothing_changes(case, db, content):
    synced(db, content, FIRST)
    before = snapshot(db)
    # Valid changes in the same run must not be applied either.
    write_item(content, "new-module", capabilities=["listening"])
    write_item(content, "lenses", title="Changed title")
    (content / "methods" / "world-cafe.md").unlink()
    path, text, words = BROKEN[case]
    write_raw(content, path, text)
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, SECOND)
    db.rollback()
    assert [problem.path for problem in raised.value.problems] == [path]
    assert words in raised.value.problems[0].message
    assert snapshot(db) == before


def test_every_problem_is_reported_at_once(db, content):
    write_raw(content, "theory/one.md", item_text("one", minutes=0))
    write_raw(content, "exercises/two.md", item_text("two", "exercise", capabilities=["nope"]))
    write_raw(content, "methods/three.md", "no front matter")
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, FIRST)
    problems = raised.value.problems
    assert [p.path for p in problems] == ["exercises/two.md", "methods/three.md", "theory/one.md"]
    assert str(raised.value) == "3 problems in the content"
    assert str(problems[0]) == (
        "exercises/two.md: unknown capability 'nope' (it is not in the framework)"
    )


def test_a_missing_item_folder_is_refused_rather_than_archiving_everything(db, content):
    synced(db, content, FIRST)
    before = snapshot(db)
    for path in (content / "methods").iterdir():
        path.unlink()
    (content / "methods").rmdir()
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, SECOND)
    assert str(raised.value.problems[0]) == "methods/: the methods folder is missing"
    assert snapshot(db) == before


def test_a_content_folder_that_does_not_exist_is_refused(db, tmp_path):
    with pytest.raises(ContentError) as raised:
        sync_content(db, tmp_path / "nowhere", FIRST)
    assert "does not exist" in raised.value.problems[0].message
