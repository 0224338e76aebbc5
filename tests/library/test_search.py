"""Searching the library: words, kind and capability, archived items left out, pages."""

import pytest

from learnset.db import utcnow
from learnset.library.services import PER_PAGE, LibraryQuery, search
from tests import factories


@pytest.fixture
def library(db):
    conversations = factories.make_domain(db, name="Unlocking conversations", position=1)
    listening = factories.make_capability(db, conversations, slug="listening", name="Listening")
    data = factories.make_capability(db, conversations, slug="using-data", name="Using data")
    items = {
        "lenses": factories.make_content_item(
            db,
            [listening],
            slug="lenses",
            kind="theory",
            title="The crisis lens and the unlocking lens",
            summary="Two ways of seeing a struggling service.",
            body="Most people reach for blame first.",
        ),
        "openers": factories.make_content_item(
            db,
            [data],
            slug="openers",
            kind="exercise",
            title="Data pack to conversation openers",
            summary="Turn a dashboard into questions.",
            body="Choose three figures. Ask what LIES behind them: 100% of the story?",
        ),
        "cafe": factories.make_content_item(
            db,
            [listening, data],
            slug="cafe",
            kind="method",
            title="World Café",
            summary="Rounds of conversation at small tables.",
            body="Hosts stay; travellers move_between tables.",
        ),
        "gone": factories.make_content_item(
            db,
            [listening],
            slug="gone",
            kind="theory",
            title="An archived lens",
            summary="No longer in the library.",
            archived_at=utcnow(),
        ),
    }
    db.commit()
    return items


def _slugs(db, **query):
    page = search(db, LibraryQuery(**query), 1)
    return [item.slug for item in page.items]


def test_browsing_lists_every_current_item_by_kind_then_title(db, library):
    assert _slugs(db) == ["lenses", "openers", "cafe"]


def test_archived_items_are_never_listed_or_found(db, library):
    assert "gone" not in _slugs(db)
    assert _slugs(db, words="archived") == []
    assert _slugs(db, capability="listening") == ["lenses", "cafe"]


@pytest.mark.parametrize(
    "words,expected",
    [
        ("UNLOCKING", ["lenses"]),  # title, any case
        ("dashboard", ["openers"]),  # summary
        ("lies behind", ["openers"]),  # body, every word, any order
        ("behind lies", ["openers"]),
        ("conversation", ["openers", "cafe"]),  # title match first, then the rest
        ("café", ["cafe"]),
        ("blame dashboard", []),  # every word must match somewhere in the same item
        ("100%", ["openers"]),  # % and _ are searched for, not wildcards
        ("move_between", ["cafe"]),
        ("m_ve", []),
        ("%", ["openers"]),
    ],
)
def test_words_are_searched_in_title_summary_and_body(db, library, words, expected):
    assert _slugs(db, words=words) == expected


def test_filter_by_kind(db, library):
    assert _slugs(db, kind="exercise") == ["openers"]
    assert _slugs(db, kind="method", words="tables") == ["cafe"]


def test_filter_by_capability(db, library):
    assert _slugs(db, capability="using-data") == ["openers", "cafe"]
    assert _slugs(db, capability="using-data", kind="method") == ["cafe"]
    assert _slugs(db, capability="using-data", words="lens") == []


def test_results_come_a_page_at_a_time(db, library):
    capability = factories.make_capability(db)
    for number in range(PER_PAGE + 5):
        factories.make_content_item(db, [capability], title=f"Module {number:02}", kind="theory")
    db.commit()
    first = search(db, LibraryQuery(words="module"), 1)
    second = search(db, LibraryQuery(words="module"), 2)
    assert first.total == second.total == PER_PAGE + 5
    assert first.pages == 2
    assert len(first.items) == PER_PAGE
    assert [item.title for item in second.items] == [f"Module {n}" for n in range(20, 25)]
    assert (second.first_shown, second.last_shown) == (21, 25)
    # Past the end comes the last page; before the start, the first.
    assert search(db, LibraryQuery(words="module"), 3).number == 2
    assert search(db, LibraryQuery(words="module"), 0).number == 1
    # An empty first page is a page (with nothing on it), not an error.
    assert search(db, LibraryQuery(words="nothing like this"), 1).items == []
