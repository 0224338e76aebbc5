"""A participant browses the library, filters by capability, reads a module and the framework."""

from playwright.sync_api import Page, expect
from sqlalchemy import select

from learnset import PROJECT_ROOT
from learnset.accounts.services import create_user
from learnset.cohorts.models import Cohort, Membership
from learnset.db import utcnow
from learnset.library.models import ContentItem
from learnset.library.sync import sync_content
from tests.browser.conftest import LiveServer, assert_accessible
from tests.factories import FAST_HASH

PASSWORD = "participant long passphrase"


def _programme(live_server: LiveServer) -> None:
    with live_server.session() as session:
        sync_content(session, PROJECT_ROOT / "content", utcnow())
        cohort = Cohort(name="Riverside learning set", status="running")
        participant = create_user(
            session, email="priya@example.org", name="Priya Natarajan", password=PASSWORD,
            method=FAST_HASH,
        )  # fmt: skip
        session.add_all([cohort, Membership(user=participant, cohort=cohort, role="participant")])
        retired = session.scalar(select(ContentItem).where(ContentItem.slug == "gains-audit"))
        retired.archived_at = utcnow()
        session.commit()


def _sign_in(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/sign-in")
    page.get_by_label("Email address").fill("priya@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Priya Natarajan")).to_be_visible()


def test_participant_browses_filters_reads_a_module_and_the_framework(
    live_server: LiveServer, page: Page
):
    _programme(live_server)
    _sign_in(page, live_server)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", level=1, name="Library")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="32 items")).to_be_visible()
    expect(page.get_by_role("link", name="A gains audit")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Capability it develops").select_option(
        label="Co-production with citizens and communities"
    )
    page.get_by_label("Type").select_option(label="Theory modules")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="3 results")).to_be_visible()
    expect(page.get_by_label("Capability it develops")).to_have_value("co-production")
    assert_accessible(page)

    page.get_by_label("Search the library").fill("zebra crossings")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="No results")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Search the library").fill("word " * 50)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Clear search and filters").click()
    page.get_by_label("Search the library").fill("OUTCOMES rather")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Outcomes rather than services").click()
    expect(
        page.get_by_role("heading", level=1, name="Outcomes rather than services")
    ).to_be_visible()
    expect(page.get_by_text("Theory module", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="In practice")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Co-production with citizens and communities").click()
    expect(page.get_by_role("heading", level=1, name="Capability framework")).to_be_visible()
    capability = page.get_by_role("heading", level=3, name="Co-production with citizens")
    expect(capability).to_be_visible()
    assert page.url.endswith("/framework#co-production")
    page.locator("summary").filter(has_text="Co-production with citizens").click()
    expect(page.get_by_role("table", name="Levels 1 to 5 for Co-production")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/library/gains-audit")
    expect(page.get_by_role("heading", level=1, name="A gains audit")).to_be_visible()
    expect(page.get_by_text("This item has been archived")).to_be_visible()
    assert_accessible(page)


def test_library_pages_work_without_javascript(live_server: LiveServer, browser):
    _programme(live_server)
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    _sign_in(page, live_server)
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
