"""Credit and coverage (issue 17, items 2 and 3): every item names its sources and shows them;
the library lists every source; content/coverage.md may name only items that exist; case
studies load as their own kind. Each check of the sync fails on a broken file."""

import pytest
from sqlalchemy import select

from learnset.content import ContentError
from learnset.library.models import ContentItem
from learnset.library.sync import sync_content
from tests import factories
from tests.content import FIRST, SECOND, item_text, snapshot, stored, synced, write_item, write_raw
from tests.helpers import missing_from, open_page

COVERAGE = """# Coverage

| Idea | Source | Items | Status |
| --- | --- | --- | --- |
| Two lenses | Iles | `lenses` | covered |
| Cafe conversations | Harvey | `world-cafe`, `lenses` | partial |
| Something nobody wrote yet | Taylor | | missing |

Counted: 3 ideas, 1 covered, 1 partial, 1 missing.
"""


def _refused(db, content):
    """The problems a sync reports, all in one text, having checked it changed nothing."""
    before = snapshot(db)
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, SECOND)
    db.rollback()
    assert snapshot(db) == before
    return "\n".join(str(problem) for problem in raised.value.problems)


def test_sources_are_stored_in_the_order_given(db, content):
    write_item(content, "lenses", sources=["Iles, V. (2012) Unlocking Commissioning", "Owen, H."])
    synced(db, content, FIRST)
    assert stored(db, ContentItem, "lenses").sources == [
        "Iles, V. (2012) Unlocking Commissioning",
        "Owen, H.",
    ]


@pytest.mark.parametrize(
    ("sources", "words"),
    [
        (None, "theory/new.md: the item credits no sources: add a 'sources:' list"),
        ([], "theory/new.md: 'sources' must name at least one source"),
        ("Iles", "theory/new.md: 'sources' must be a list such as [first, second]"),
        (["Iles", " "], "theory/new.md: 'sources' has an empty entry"),
        (["x" * 301], "theory/new.md: each source must be 300 characters or fewer (one has 301)"),
        (["Iles", "Iles"], "theory/new.md: 'sources' names 'Iles' more than once"),
    ],
    ids=["missing", "empty list", "not a list", "blank entry", "too long", "twice"],
)
def test_an_item_without_proper_sources_stops_the_sync(db, content, sources, words):
    synced(db, content, FIRST)
    front = {"sources": sources} if sources is not None else {"sources": None}
    write_raw(content, "theory/new.md", item_text("new", **front))
    assert words in _refused(db, content)


def test_a_case_study_loads_from_its_folder_as_its_own_kind(db, content):
    write_item(content, "a-composite-case", "case-study", minutes=30)
    report = synced(db, content, FIRST)
    assert report.count("case-study", "added") == 1
    assert "Case studies: 1 added." in report.lines()
    assert stored(db, ContentItem, "a-composite-case").kind == "case-study"


def test_a_case_study_in_the_wrong_folder_is_refused(db, content):
    synced(db, content, FIRST)
    write_raw(content, "theory/misplaced.md", item_text("misplaced", kind="case-study"))
    assert (
        "theory/misplaced.md: 'kind' is 'case-study' but files in theory/ are of kind 'theory'"
        in _refused(db, content)
    )


def test_an_item_may_not_take_the_sources_pages_address(db, content):
    synced(db, content, FIRST)
    write_item(content, "sources")
    assert (
        "theory/sources.md: the slug 'sources' names a library page; choose another for the item"
        in (_refused(db, content))
    )


def test_a_coverage_file_naming_only_real_items_passes(db, content):
    write_raw(content, "coverage.md", COVERAGE)
    synced(db, content, FIRST)
    assert db.scalar(select(ContentItem).where(ContentItem.slug == "lenses")) is not None


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            ("`world-cafe`, `lenses`", "`world-cafe`, `lensez`"),
            "coverage.md: line 6: names the item 'lensez', which is not in the library",
        ),
        (("| covered |", "| done |"), "coverage.md: line 5: the status must be covered, partial"),
        (
            ("| `lenses` | covered |", "| | covered |"),
            "coverage.md: line 5: an idea that is covered must name the items that carry it",
        ),
        (
            ("1 covered, 1 partial", "2 covered, 0 partial"),
            "coverage.md: the counts say 3 ideas, 2 covered, 0 partial, 1 missing but the tables "
            "hold 3 ideas, 1 covered, 1 partial, 1 missing",
        ),
        (
            ("| Idea | Source | Items | Status |", "| Idea | Where | Status |"),
            "coverage.md: there is no table with the columns Idea | Source | Items | Status",
        ),
    ],
    ids=["unknown item", "unknown status", "covered without items", "stale counts", "no table"],
)
def test_a_broken_coverage_file_stops_the_sync(db, content, change, words):
    synced(db, content, FIRST)
    old, new = change
    write_raw(content, "coverage.md", COVERAGE.replace(old, new))
    assert words in _refused(db, content)


def test_removing_an_item_the_coverage_file_names_is_refused(db, content):
    write_raw(content, "coverage.md", COVERAGE)
    synced(db, content, FIRST)
    (content / "methods" / "world-cafe.md").unlink()
    assert "coverage.md: line 6: names the item 'world-cafe', which is not in the library" in (
        _refused(db, content)
    )


def test_an_items_page_shows_its_sources(db, login, people):
    factories.make_content_item(
        db,
        slug="future-search-card",
        title="Future Search",
        sources=["Weisbord, M. and Janoff, S. (2010) Future Search", "Harvey, J. (blog post)"],
    )
    db.commit()
    html = open_page(login(people.participant), "/library/future-search-card")
    assert not missing_from(
        html,
        '<h2 id="sources">Sources</h2>',
        "<li>Weisbord, M. and Janoff, S. (2010) Future Search</li>",
        "<li>Harvey, J. (blog post)</li>",
        'href="/library/sources"',
    )


def test_the_sources_page_lists_every_source_with_the_items_citing_it(db, login, people):
    factories.make_content_item(db, slug="card-a", title="Card A", sources=["Owen, H.", "Iles, V."])
    factories.make_content_item(db, slug="card-b", title="Card B", sources=["Iles, V."])
    factories.make_content_item(
        db, slug="gone", title="Gone", sources=["Nobody, N."], archived_at=FIRST
    )
    db.commit()
    browser = login(people.participant)
    assert 'href="/library/sources"' in open_page(browser, "/library")
    html = open_page(browser, "/library/sources")
    assert html.index("Iles, V.") < html.index("Owen, H.")
    assert not missing_from(
        html, '<a href="/library/card-a">Card A</a>, <a href="/library/card-b">'
    )
    assert "Nobody, N." not in html


def test_the_sources_page_makes_the_same_number_of_queries_however_many_items(
    db, login, people, count_queries
):
    factories.make_content_item(db)
    db.commit()
    browser = login(people.participant)
    browser.get("/library/sources")
    with count_queries() as few:
        open_page(browser, "/library/sources")
    for _ in range(20):
        factories.make_content_item(db)
    db.commit()
    with count_queries() as many:
        open_page(browser, "/library/sources")
    assert len(many) == len(few), "\n\n".join([*few, "-----", *many])
