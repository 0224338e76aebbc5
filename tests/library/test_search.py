"""Searching the library: words, kind and capability, archived items left out, pages."""

import pytest

from learnset.db import utcnow
from learnset.library.services import PER_PAGE, LibraryQuery, search
from tests import factories

# slug: kind, title, summary, body (None: the factory's) and the capabilities it develops.
ITEMS = {
    "lenses": (
        "theory",
        "The crisis lens and the unlocking lens",
        "Two ways of seeing a struggling service.",
        "Most people reach for blame first.",
        ["listening"],
    ),
    "openers": (
        "exercise",
        "Data pack to conversation openers",
        "Turn a dashboard into questions.",
        "Choose three figures. Ask what LIES behind them: 100% of the story?",
        ["using-data"],
    ),
    "cafe": (
        "method",
        "World Café",
        "Rounds of conversation at small tables.",
        "Hosts stay; travellers move_between tables.",
        ["listening", "using-data"],
    ),
    "gone": ("theory", "An archived lens", "No longer in the library.", None, ["listening"]),
}


@pytest.fixture
def library(db):
    conversations = factories.make_domain(db, name="Unlocking conversations", position=1)
    capabilities = {
        "listening": factories.make_capability(
            db, conversations, slug="listening", name="Listening"
        ),
        "using-data": factories.make_capability(
            db, conversations, slug="using-data", name="Using data"
        ),
    }
    for slug, (kind, title, summary, body, develops) in ITEMS.items():
        item = factories.make_content_item(
            db,
            [capabilities[name] for name in develops],
            slug=slug,
            kind=kind,
            title=title,
            summary=summary,
            archived_at=utcnow() if slug == "gone" else None,
        )
        item.body = body or item.body
    db.commit()


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
