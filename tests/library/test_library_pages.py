"""The library's pages: browse, search and filter, an item's page, safe Markdown, query counts."""

import re
from datetime import UTC, datetime

import pytest

from learnset import PROJECT_ROOT
from learnset.db import utcnow
from learnset.library.sync import sync_content
from tests import factories
from tests.content import synced, write_item
from tests.helpers import missing_from, open_page


@pytest.fixture
def library(db):
    conversations = factories.make_domain(db, name="Unlocking conversations", position=1)
    systems = factories.make_domain(db, name="Whole-system working", position=2)
    listening = factories.make_capability(
        db, conversations, slug="listening", name="Listening across boundaries"
    )
    convening = factories.make_capability(
        db, systems, slug="convening", name="Convening the system"
    )
    factories.make_content_item(
        db,
        [listening],
        slug="lenses",
        kind="theory",
        title="The crisis lens and the unlocking lens",
        summary="Two ways of seeing a struggling service.",
        minutes=20,
        body="## Two lenses\n\nMost people reach for blame first.",
    )
    factories.make_content_item(
        db,
        [convening, listening],
        slug="world-cafe",
        kind="method",
        title="World Café",
        summary="Rounds of conversation at small tables.",
        minutes=35,
    )
    factories.make_content_item(
        db,
        [listening],
        slug="old-lens",
        title="An archived lens",
        archived_at=datetime(2026, 2, 3, 12, 0, tzinfo=UTC),
    )
    db.commit()


@pytest.mark.parametrize("role", ["participant", "tutor", "admin", "outsider"])
def test_every_signed_in_user_sees_the_library_in_the_navigation(login, people, role):
    html = open_page(login(getattr(people, role)), "/")
    assert 'href="/library"' in html


def test_signed_out_visitors_see_no_library_and_are_sent_to_sign_in(client):
    assert 'href="/library"' not in open_page(client, "/")
    response = client.get("/library/lenses")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


def test_the_library_lists_current_items_with_kind_time_and_capabilities(login, people, library):
    html = open_page(login(people.participant), "/library")
    assert not missing_from(html, "<h2>2 items</h2>", "Theory module", "Method card", "35 minutes")
    assert not missing_from(
        html, 'href="/library/lenses"', "The crisis lens and the unlocking lens"
    )
    assert "Develops: Listening across boundaries" in html
    assert "Develops: Convening the system, Listening across boundaries" not in html
    assert "An archived lens" not in html


def test_the_capability_filter_is_grouped_by_domain(login, people, library):
    html = open_page(login(people.participant), "/library")
    assert re.search(
        r'<optgroup label="Unlocking conversations">\s*<option value="listening">'
        r"Listening across boundaries</option>\s*</optgroup>",
        html,
    )
    assert '<optgroup label="Whole-system working">' in html


def test_search_and_filters_narrow_the_list(login, people, library):
    browser = login(people.participant)
    html = open_page(browser, "/library?q=WORLD%20caf")
    assert "<h2>1 result</h2>" in html
    assert "World Café" in html and "crisis lens" not in html
    html = open_page(browser, "/library?kind=theory")
    assert "crisis lens" in html and "World Café" not in html
    html = open_page(browser, "/library?capability=convening")
    assert "World Café" in html and "crisis lens" not in html
    assert '<option value="convening" selected>' in html
    assert "Clear search and filters" in html


def test_no_results_says_what_to_do_next(login, people, library):
    html = open_page(login(people.participant), "/library?q=zebra&kind=exercise")
    assert "<h2>No results</h2>" in html
    assert "check the spelling" in html
    assert 'value="zebra"' in html


def test_an_empty_library_says_so(login, people):
    html = open_page(login(people.participant), "/library")
    assert "The library is empty" in html


@pytest.mark.parametrize(
    "query,message",
    [
        ("kind=lecture", "Choose a type from the list"),
        ("capability=juggling", "Choose a capability from the list"),
        ("q=" + "word " * 50, "Search words must be 200 characters or fewer"),
    ],
)
def test_bad_filters_get_a_message_beside_the_field_not_a_500(
    login, people, library, query, message
):
    html = open_page(login(people.participant), f"/library?{query}", status=422)
    assert "There is a problem" in html
    assert html.count(message) == 2  # in the summary and beside the field
    assert "<title>Error: " in html


def test_an_archived_capability_is_not_offered(db, login, people, library):
    factories.make_capability(db, slug="retired", name="A retired capability", archived_at=utcnow())
    db.commit()
    browser = login(people.participant)
    assert "A retired capability" not in open_page(browser, "/library")
    open_page(browser, "/library?capability=retired", status=422)


def test_pages_of_results(db, login, people, library):
    capability = factories.make_capability(db)
    for number in range(30):
        factories.make_content_item(db, [capability], title=f"Module {number:02}")
    db.commit()
    browser = login(people.participant)
    first = open_page(browser, "/library?kind=theory")
    assert "Showing 1 to 20 of 31" in first
    assert 'href="/library?kind=theory&amp;page=2"' in first
    second = open_page(browser, "/library?kind=theory&page=2")
    assert "Showing 21 to 31 of 31" in second
    assert 'href="/library?kind=theory"' in second  # back to page 1, without page=1
    # A page past the end shows the last one rather than an error.
    assert "Showing 21 to 31 of 31" in open_page(browser, "/library?kind=theory&page=3")
    assert "Showing 1 to 20 of 31" in open_page(browser, "/library?kind=theory&page=0")
    assert "Showing 1 to 20" in open_page(browser, "/library?page=first")


def test_the_index_makes_the_same_number_of_queries_however_many_items(
    db, login, people, count_queries
):
    domain = factories.make_domain(db)
    capabilities = [factories.make_capability(db, domain) for _ in range(3)]
    factories.make_content_item(db, capabilities[:1])
    db.commit()
    browser = login(people.participant)
    path = f"/library?q=item&capability={capabilities[0].slug}"
    browser.get("/library")  # warm up: first-request work is not the page's
    with count_queries() as few:
        open_page(browser, path)
    for _ in range(40):
        factories.make_content_item(db, capabilities)
    for _ in range(5):
        factories.make_capability(db, factories.make_domain(db))
    db.commit()
    with count_queries() as many:
        html = open_page(browser, path)
    assert "Showing 1 to 20 of 41" in html
    assert len(many) == len(few), "\n\n".join([*few, "-----", *many])


def test_an_item_page_shows_what_it_is_and_what_it_develops(login, people, library):
    html = open_page(login(people.participant), "/library/world-cafe")
    assert not missing_from(html, "<h1>World Café</h1>", "Method card", "35 minutes")
    assert "Rounds of conversation at small tables." in html
    # Capabilities in framework order, linking to their place on the framework page.
    assert html.index('href="/framework#listening"') < html.index('href="/framework#convening"')
    assert "has been archived" not in html


def test_an_archived_item_is_still_readable_with_a_notice(login, people, library):
    html = open_page(login(people.participant), "/library/old-lens")
    assert "<h1>An archived lens</h1>" in html
    assert "This item has been archived" in html
    assert "3 February 2026" in html


def test_an_unknown_item_is_not_found(login, people, library):
    open_page(login(people.participant), "/library/no-such-item", status=404)


def test_the_real_content_renders_its_tables(db, login, people):
    sync_content(db, PROJECT_ROOT / "content", utcnow())
    db.commit()
    html = open_page(login(people.participant), "/library/complexity-and-chaos")
    assert "<table>" in html
    assert "<th>" in html
    assert "<h2>" in html


def test_a_script_or_javascript_link_in_a_content_file_comes_out_inert(db, login, people, content):
    write_item(
        content,
        "hostile",
        body=(
            "## Looks harmless\n\n"
            "<script>alert('owned')</script>\n\n"
            "[Click me](javascript:alert('owned'))\n\n"
            '<a href="javascript:alert(1)" onclick="alert(2)">raw link</a>\n\n'
            '<img src="x" onerror="alert(3)">\n\n'
            "[A fine link](https://www.england.nhs.uk/)\n"
        ),
    )
    synced(db, content, utcnow())
    html = open_page(login(people.participant), "/library/hostile")
    body = html[html.index('class="app-library-body"') :]
    assert "<script>alert" not in body
    assert "javascript:" not in body
    assert "onclick" not in body
    assert "onerror" not in body
    assert "<img" not in body
    assert "<h2>Looks harmless</h2>" in body
    assert 'href="https://www.england.nhs.uk/"' in body
