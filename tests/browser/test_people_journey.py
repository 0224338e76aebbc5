"""On the demo programme: the admin finds a participant among People, deactivates their account
after confirming, and the participant can no longer sign in; a participant ends a session on
another device and an admin signs them out everywhere. axe-core checks every page."""

import re

from playwright.sync_api import Browser, Page, expect

from learnset import demo
from tests.browser.conftest import LiveServer
from tests.browser.steps import assert_accessible, fill_in_sign_in, sign_in, sign_out
from tests.browser.test_dashboard_journey import _load_demo

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_an_admin_deactivates_an_account(live_server: LiveServer, page: Page):
    _load_demo(live_server)
    sign_in(page, live_server.url, "admin@example.org", password=demo.PASSWORD)
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
    sign_out(page)

    page.goto(live_server.url + "/sign-in")
    fill_in_sign_in(page, "participant12@example.org", demo.PASSWORD)
    expect(page.get_by_text("Enter a correct email address and password").first).to_be_visible()


def test_someone_ends_a_lost_device_s_session_and_an_admin_signs_them_out_everywhere(
    live_server: LiveServer, page: Page, browser: Browser
):
    """Signed in on a laptop and a phone: from the laptop's account page they sign the phone
    out, which is then sent to sign in with a message; later an admin signs them out
    everywhere. axe-core checks the sessions list and the confirmation pages."""
    _load_demo(live_server)
    email = "participant3@example.org"
    phone_context = browser.new_context(locale="en-GB", user_agent=IPHONE)
    phone = phone_context.new_page()
    try:
        sign_in(phone, live_server.url, email, password=demo.PASSWORD)
        sign_in(page, live_server.url, email, password=demo.PASSWORD)

        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account").click()
        sessions = page.get_by_role("table", name=re.compile("^Where you are signed in"))
        expect(sessions.get_by_role("row")).to_have_count(3)  # the header and two sessions
        expect(sessions).to_contain_text("This device")
        expect(sessions).to_contain_text("Safari on iPhone")
        assert_accessible(page)

        sessions.get_by_role("link", name=re.compile("^Sign out of Safari on iPhone")).click()
        expect(
            page.get_by_role("heading", level=1, name="Sign out of Safari on iPhone?")
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Sign out of Safari on iPhone").click()
        expect(page.get_by_text("You have signed out of Safari on iPhone.")).to_be_visible()
        expect(sessions.get_by_role("row")).to_have_count(2)
        assert_accessible(page)

        # The phone was on the home page, which anyone may see: it says so there.
        phone.reload()
        expect(
            phone.get_by_text("You were signed out of this device from another device.")
        ).to_be_visible()

        admin_context = browser.new_context(locale="en-GB")
        admin = admin_context.new_page()
        try:
            sign_in(admin, live_server.url, "admin@example.org", password=demo.PASSWORD)
            admin.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
            admin.get_by_label("Name or email address").fill(email)
            admin.get_by_role("button", name="Search").click()
            admin.get_by_role("table", name="People, by name").get_by_role("link").click()
            admin.get_by_role("link", name=re.compile("^Sign .*out everywhere$")).click()
            expect(
                admin.get_by_role("heading", level=1, name=re.compile("out everywhere\\?$"))
            ).to_be_visible()
            assert_accessible(admin)
            admin.get_by_role("button", name="Sign out everywhere").click()
            expect(admin.get_by_text(re.compile("signed out on every device"))).to_be_visible()
        finally:
            admin_context.close()

        page.reload()
        expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
        expect(page.get_by_text("You were signed out by a Learnset administrator.")).to_be_visible()
        assert_accessible(page)
    finally:
        phone_context.close()
