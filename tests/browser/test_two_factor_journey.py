"""A tutor signs in with their password and is asked to set up two-factor authentication before
anything else; they read the key off the page (as someone who cannot scan the QR code would),
their "app" (pyotp) gives a code, they keep their recovery codes, sign out, and sign in again
with a password and a code. Every page on the way is checked with axe-core (issue 16, item 2)."""

from playwright.sync_api import Page, expect

from tests import factories
from tests.accounts.two_factor_helpers import code_for
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, fill_in_sign_in, refused, sign_out


def test_a_tutor_sets_up_an_app_at_sign_in_and_signs_in_with_a_code(
    live_server: LiveServer, page: Page
):
    live_server.app.config["TWO_FACTOR_REQUIRED"] = True
    with live_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        session.commit()

    page.goto(live_server.url + "/sign-in")
    fill_in_sign_in(page, "tess@example.org")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to add Learnset")).to_be_visible()
    assert_accessible(page)

    # Nothing else opens until it is set up: another page leads back here.
    page.goto(live_server.url + "/account")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_text("Finish signing in first")).to_be_visible()

    # A wrong code first, then the one the app shows.
    page.get_by_label("Security code").fill("000000")
    refused(page, "Continue")
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Security code").fill(code_for(secret, 0))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    assert_accessible(page)
    page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page.get_by_role("heading", name="Hello, Tess Tutor")).to_be_visible()

    page.get_by_role("link", name="Tess Tutor").click()
    expect(page.get_by_text("You have 10 unused recovery codes")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Next time: the password, then a code.
    fill_in_sign_in(page, "tess@example.org")
    expect(page.get_by_role("heading", name="Enter a security code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Security code").fill(code_for(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Hello, Tess Tutor")).to_be_visible()
