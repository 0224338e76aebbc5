"""On the demo programme: a tutor opens their set's dashboard, reads the gap heat map and adds a
suggested library item to the next session; a participant reads how the set is growing; an
admin compares the sets. axe-core checks every page."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from learnset import PROJECT_ROOT, demo
from learnset.db import utcnow
from learnset.library.sync import sync_content
from learnset.meetings.models import Meeting
from tests.browser.conftest import LiveServer
from tests.browser.steps import assert_accessible, sign_in, sign_out
from tests.factories import FAST_HASH

RIVERSIDE = demo.COHORTS[0][0]
HEAT_MAP = "Gap between target and current level, by capability and participant"


def _load_demo(live_server: LiveServer) -> None:
    with live_server.session() as session:
        sync_content(session, PROJECT_ROOT / "content", utcnow())
        demo.load(session, FAST_HASH)
        session.commit()


def _open_learning_set(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Learning sets").click()
    page.get_by_role("link", name=RIVERSIDE).click()
    expect(page.get_by_role("heading", level=1, name=RIVERSIDE)).to_be_visible()


def test_a_tutor_plans_the_next_session_from_the_set_s_gaps(live_server: LiveServer, page: Page):
    _load_demo(live_server)
    sign_in(page, live_server.url, "tutor1@example.org", password=demo.PASSWORD)
    _open_learning_set(page)
    page.get_by_role("link", name="Dashboard: growth, gaps and engagement").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    assert_accessible(page)

    # The growth chart names itself, and its figures are in a table beside it.
    expect(page.get_by_role("img", name=re.compile("mean level in each domain"))).to_be_visible()

    # The heat map: a table with a column per participant who shared, commonest gaps first.
    heat_map = page.get_by_role("table", name=HEAT_MAP)
    expect(heat_map).to_be_visible()
    headers = heat_map.get_by_role("columnheader")
    expect(headers.first).to_have_text("Capability")
    expect(headers).to_have_count(8)  # capability, six participants, the mean gap
    expect(heat_map.get_by_role("columnheader", name="Dr Priya Natarajan")).to_be_visible()
    first_row = heat_map.get_by_role("row").nth(1)
    expect(first_row.get_by_role("cell").last).to_have_text(re.compile(r"^\d\.\d$"))
    # The figures are released, not live, and say when.
    expect(page.get_by_text(re.compile("These figures were released on"))).to_be_visible()
    # Dr Jonathan Price has missed the last two sessions.
    engagement = page.locator("#engagement ~ ul").first
    expect(engagement).to_contain_text("Dr Jonathan Price")

    # The next draft session and the first suggestion for the commonest gap.
    plan = page.locator("#plan ~ div.app-plan-gap").first
    add = plan.get_by_role("button", name=re.compile("^Add .* to Looking back, looking on$")).first
    item_title = _visible_title(add)
    add.click()
    expect(
        page.get_by_text(re.compile("has been added to Looking back, looking on"))
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Looking back, looking on").click()
    expect(
        page.get_by_role("heading", level=1, name="Materials, topics and presenters")
    ).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text(item_title)

    # Engagement month by month.
    page.go_back()
    page.get_by_role("link", name=re.compile("by participant and month")).click()
    expect(page.get_by_role("heading", level=1, name="Engagement")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Months").get_by_role("link").last.click()
    expect(page.get_by_role("heading", level=2, name="March 2026", exact=True)).to_be_visible()
    assert_accessible(page)

    with live_server.session() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.title == "Looking back, looking on"))
        assert [item.content_item.title for item in meeting.items] == [item_title]


def _visible_title(button) -> str:  # type: ignore[no-untyped-def]
    """The item's title, read from the button's accessible name "Add <title> to <session>"."""
    name = button.evaluate("element => element.textContent")
    return re.sub(r"^\s*Add\s+(.*?)\s+to Looking back, looking on\s*$", r"\1", name, flags=re.S)


def test_a_participant_sees_the_set_grow_and_an_admin_compares_sets(
    live_server: LiveServer, page: Page
):
    _load_demo(live_server)
    sign_in(page, live_server.url, "participant1@example.org", password=demo.PASSWORD)
    _open_learning_set(page)
    page.get_by_role("link", name="How the set is growing").click()
    expect(page.get_by_role("heading", level=1, name="How the set is growing")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("mean level in each domain"))).to_be_visible()
    expect(page.get_by_role("table", name=HEAT_MAP)).to_have_count(0)
    expect(page.get_by_text("Tom Hughes")).to_have_count(0)
    assert_accessible(page)

    # What the participant's tutor sees about them, on one page.
    page.get_by_role("link", name=f"Back to {RIVERSIDE}").click()
    page.get_by_role("link", name="What your tutors see about you").click()
    expect(
        page.get_by_role("heading", level=1, name="What your tutors see about you")
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="Your engagement, month by month, as your tutors see it")
    ).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server.url, "admin@example.org", password=demo.PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Learning sets").click()
    page.get_by_role("link", name=re.compile("^Programme overview")).click()
    expect(page.get_by_role("heading", level=1, name="Programme overview")).to_be_visible()
    table = page.get_by_role("table", name="Every learning set in the programme")
    expect(table.get_by_role("row", name=re.compile(RIVERSIDE))).to_contain_text("Up ")
    assert_accessible(page)
    table.get_by_role("link", name=RIVERSIDE).click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    # Admins see the set's figures, never a participant's own ratings.
    expect(page.get_by_role("table", name=HEAT_MAP)).to_have_count(0)
    assert_accessible(page)
