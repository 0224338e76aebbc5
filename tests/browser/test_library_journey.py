"""A participant browses the library, filters by capability, reads a module and the framework."""

from playwright.sync_api import Page, expect
from sqlalchemy import select

from learnset import PROJECT_ROOT
from learnset.db import utcnow
from learnset.library.models import ContentItem
from learnset.library.sync import sync_content
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import assert_accessible, refused, sign_in


def _programme(live_server: LiveServer) -> None:
    with live_server.session() as session:
        sync_content(session, PROJECT_ROOT / "content", utcnow())
        factories.make_set(session, "Riverside learning set", {"Priya Natarajan": "participant"})
        retired = session.scalar(select(ContentItem).where(ContentItem.slug == "gains-audit"))
        retired.archived_at = utcnow()
        session.commit()


def test_participant_browses_filters_reads_a_module_and_the_framework(
    live_server: LiveServer, page: Page
):
    _programme(live_server)
    sign_in(page, live_server.url, "priya@example.org", "Priya Natarajan")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", level=1, name="Library")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="42 items")).to_be_visible()
    expect(page.get_by_role("link", name="A gains audit")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Capability it develops").select_option(
        label="Co-production with citizens and communities"
    )
    page.get_by_label("Type").select_option(label="Theory modules")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="4 results")).to_be_visible()
    expect(page.get_by_label("Capability it develops")).to_have_value("co-production")
    assert_accessible(page)

    page.get_by_label("Search the library").fill("zebra crossings")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="No results")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Search the library").fill("word " * 50)
    refused(page, "Search")

    page.get_by_role("link", name="Clear search and filters").click()
    page.get_by_label("Search the library").fill("OUTCOMES rather")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Outcomes rather than services").click()
    expect(
        page.get_by_role("heading", level=1, name="Outcomes rather than services")
    ).to_be_visible()
    expect(page.get_by_text("Theory module", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="In practice")).to_be_visible()
    # Under the text, the works it draws on, and a way to every source (issue 17, item 3).
    expect(page.get_by_role("heading", level=2, name="Sources")).to_be_visible()
    expect(page.get_by_text("Kennedy, R. Commissioning")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Every source the library draws on").click()
    expect(page.get_by_role("heading", level=1, name="Sources and credits")).to_be_visible()
    expect(page.get_by_text("Weisbord, M. and Janoff, S. (2010) Future Search")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the library").click()

    page.get_by_label("Type").select_option(label="Case studies")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="4 results")).to_be_visible()
    page.get_by_role("link", name="The day centre whose contract was ending").click()
    expect(page.get_by_text("This is a composite case study.")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Questions for the set")).to_be_visible()
    assert_accessible(page)

    # The empathy and challenge grid: every header cell has words (axe checks it).
    page.goto(live_server.url + "/library/empathic-challenging-conversations")
    expect(page.get_by_role("columnheader", name="Empathy and challenge")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/library/outcomes-rather-than-services")

    page.get_by_role("link", name="Co-production with citizens and communities").click()
    expect(page.get_by_role("heading", level=1, name="Capability framework")).to_be_visible()
    capability = page.get_by_role("heading", level=3, name="Co-production with citizens")
    expect(capability).to_be_visible()
    assert page.url.endswith("/framework#co-production")
    page.locator("summary").filter(has_text="Co-production with citizens").click()
    levels = page.get_by_role("table", name="Levels 1 to 5 for Co-production")
    expect(levels).to_be_visible()
    expect(levels.get_by_role("columnheader", name="Evidence you could point to")).to_be_visible()
    expect(levels.get_by_text("A 'you said, we did' note shared with participants")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/library/gains-audit")
    expect(page.get_by_role("heading", level=1, name="A gains audit")).to_be_visible()
    expect(page.get_by_text("This item has been archived")).to_be_visible()
    assert_accessible(page)


def test_library_pages_work_without_javascript(live_server: LiveServer, browser):
    _programme(live_server)
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server.url, "priya@example.org", "Priya Natarajan")
    page.goto(live_server.url + "/library")
    page.get_by_label("Type").select_option(label="Method cards")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="5 results")).to_be_visible()
    page.get_by_role("link", name="Open Space").click()
    expect(page.get_by_role("heading", level=1, name="Open Space")).to_be_visible()
    page.goto(live_server.url + "/framework")
    page.locator("summary").filter(has_text="Holding complexity").click()
    expect(page.get_by_role("table", name="Levels 1 to 5 for Holding complexity")).to_be_visible()
    context.close()
