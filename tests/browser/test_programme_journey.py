"""A tutor opens the year's programme, creates next year's sessions for their set from it, and
opens one of the drafts to find its running order and items."""

from datetime import date

from playwright.sync_api import Page, expect

from learnset import PROJECT_ROOT
from learnset.db import utcnow
from learnset.library.sync import sync_content
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import assert_accessible, refused, sign_in


def test_tutor_creates_next_years_sessions_from_the_programme(live_server: LiveServer, page: Page):
    next_year = utcnow().year + 1
    with live_server.session() as session:
        sync_content(session, PROJECT_ROOT / "content", utcnow())
        factories.make_set(
            session,
            "Northfield learning set",
            {"Tess Tutor": "tutor", "Pat Participant": "participant"},
            start_month=date(next_year, 3, 1),
            status="planned",
        )
        session.commit()
    sign_in(page, live_server.url, "tess@example.org", "Tess Tutor")

    page.goto(f"{live_server.url}/library")
    page.get_by_role("link", name="programmes").click()
    expect(page.get_by_role("heading", level=1, name="Programmes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Unlocking Commissioning, the year").click()
    expect(
        page.get_by_role("heading", level=2, name="Month 7: Outcomes, not services")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Facilitator notes").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Create sessions for Northfield learning set").click()
    expect(
        page.get_by_role("heading", level=1, name="Create sessions from a programme")
    ).to_be_visible()
    expect(page.get_by_label("Programme")).to_have_value("unlocking-commissioning")
    assert_accessible(page)
    # The first Tuesday of March next year, whatever year that is.
    first = date(next_year, 3, 1)
    first = first.replace(day=1 + (1 - first.weekday()) % 7)
    page.get_by_label("Day").fill(str(first.day))
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill(str(next_year))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Place (optional)").fill("Room 4, Northfield House")
    page.get_by_role("button", name="Check the dates").click()

    expect(page.get_by_role("heading", level=1, name="Check the sessions")).to_be_visible()
    expect(page.get_by_role("cell", name="Harvesting the year")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Create 12 draft sessions").click()

    expect(page.get_by_text("12 draft sessions were made from the programme")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Threat, connection and attention").click()
    expect(
        page.get_by_role("heading", level=1, name="Threat, connection and attention")
    ).to_be_visible()
    expect(page.get_by_text("Running order").first).to_be_visible()
    expect(page.get_by_text("10:15am to 10:40am: Theory: threat and connection")).to_be_visible()
    expect(page.get_by_role("link", name="Mindfulness for commissioners").first).to_be_visible()
    assert_accessible(page)

    # The programme cannot be used twice for the same set: the refusal is beside the field.
    page.goto(f"{live_server.url}/programmes/unlocking-commissioning")
    page.get_by_role("link", name="Create sessions for Northfield learning set").click()
    page.get_by_label("Day").fill(str(first.day))
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill(str(next_year + 1))
    page.get_by_label("Start time").fill("10:00")
    refused(page, "Check the dates")
    expect(page.locator("#programme-error")).to_contain_text("already made from")
