"""A participant adds a passkey from their account page, signs out, and signs in with it, in
Chromium with a virtual authenticator (CTAP2, built in, holding discoverable credentials and
verifying the person) standing in for a phone or laptop (issue 16, item 3). Passkeys need a
host name, not an IP address, so this journey goes to localhost."""

from playwright.sync_api import Browser, expect

from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, fill_in_sign_in, sign_out


def test_a_participant_adds_a_passkey_and_signs_in_with_it(
    live_server: LiveServer, browser: Browser
):
    base = live_server.url.replace("127.0.0.1", "localhost")
    live_server.app.config["BASE_URL"] = base
    with live_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        session.commit()
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    try:
        page.goto(base + "/sign-in")
        fill_in_sign_in(page, "pat@example.org")
        expect(page.get_by_role("heading", name="Hello, Pat Participant")).to_be_visible()
        page.get_by_role("link", name="Pat Participant").click()
        expect(page.get_by_role("heading", name="Passkeys")).to_be_visible()
        page.get_by_role("link", name="Add a passkey").click()
        expect(page.get_by_role("heading", name="Add a passkey")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Name this passkey").fill("Work laptop")
        page.get_by_role("button", name="Add passkey").click()

        expect(page.get_by_text("Your passkey Work laptop has been added.")).to_be_visible()
        expect(page.get_by_role("cell", name="Work laptop", exact=True)).to_be_visible()
        assert_accessible(page)
        sign_out(page)

        # The sign-in page offers the passkey; no email address or password is typed.
        expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Sign in with a passkey").click()
        expect(page.get_by_role("heading", name="Hello, Pat Participant")).to_be_visible()
        page.get_by_role("link", name="Pat Participant").click()
        expect(page.get_by_role("row", name="Work laptop")).not_to_contain_text("Not yet")
    finally:
        cdp.send(
            "WebAuthn.removeVirtualAuthenticator", {"authenticatorId": added["authenticatorId"]}
        )
        context.close()
