"""On the demo programme: the admin finds a participant among People, deactivates their account
after confirming, and the participant can no longer sign in. axe-core checks every page."""

import re

from playwright.sync_api import Page, expect

from learnset import demo
from tests.browser.conftest import LiveServer, assert_accessible
from tests.browser.test_dashboard_journey import _load_demo, _sign_in


def test_an_admin_deactivates_an_account(live_server: LiveServer, page: Page):
    _load_demo(live_server)
    _sign_in(page, live_server, "admin@example.org")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Name or email address").fill("participant12@")
    page.get_by_role("button", name="Search").click()
    rows = page.get_by_role("table", name="People, by name").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and one person
    name = rows.nth(1).get_by_role("link").inner_text()
    rows.nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Deactivate")).click()
    expect(page.get_by_role("heading", level=1, name=f"Deactivate {name}?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text(f"{name} can no longer sign in.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Deactivated")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    page.goto(live_server.url + "/sign-in")
    page.get_by_label("Email address").fill("participant12@example.org")
    page.get_by_label("Password", exact=True).fill(demo.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Enter a correct email address and password").first).to_be_visible()
