"""An invited participant opens the link from the outbox, sets a password, lands home, signs out."""

import re

from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import assert_accessible, fill_in_sign_in, refused, sign_out


def _programme(live_server: LiveServer) -> None:
    with live_server.session() as session:
        factories.make_set(session, "Riverside learning set", {"Tess Tutor": "tutor"})
        session.commit()


def test_invited_participant_joins_and_signs_out(live_server: LiveServer, page: Page):
    _programme(live_server)

    page.goto(live_server.url + "/sign-in")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)
    fill_in_sign_in(page, "tess@example.org")
    expect(page.get_by_role("heading", name="Hello, Tess Tutor")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Invitations for Riverside learning set").click()
    expect(page.get_by_role("heading", name="Invitations", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("nadia@example.org")
    # Only admins grant the tutor role: a tutor is offered no choice of role.
    expect(page.get_by_text("They will join as a participant")).to_be_visible()
    expect(page.get_by_label("Tutor")).to_have_count(0)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to nadia@example.org.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    [message] = live_server.outbox()
    link = re.search(r"http://\S+/join/\S+", message.get_payload(decode=True).decode()).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    assert_accessible(page)

    refused(page, "Create account and join")

    page.get_by_label("Full name").fill("Nadia New")
    page.get_by_label("Job title").fill("GP and frailty lead")
    page.get_by_label("Organisation").fill("North Riverside ICB")
    page.get_by_label("Create a password").fill("lantern river otter")
    page.get_by_label("Confirm password").fill("lantern river otter")
    page.get_by_role("button", name="Create account and join").click()

    expect(page.get_by_role("heading", name="Hello, Nadia New")).to_be_visible()
    expect(page.get_by_text("You have joined Riverside learning set.")).to_be_visible()
    expect(page.get_by_role("heading", name="Riverside learning set")).to_be_visible()
    assert_accessible(page)

    sign_out(page)
    page.goto(link)
    expect(page.get_by_role("heading", name="This invitation link no longer works")).to_be_visible()
    assert_accessible(page)


def test_error_and_public_pages_are_accessible(live_server: LiveServer, page: Page):
    for path, heading in [
        ("/", "Learning sets for clinical commissioners"),
        ("/no-such-page", "Page not found"),
        ("/forgot-password", "Reset your password"),
        ("/privacy", "Privacy notice"),
        ("/accessibility", "Accessibility statement for Learnset"),
        ("/cookies", "Cookies on Learnset"),
        ("/feedback", "Give feedback on Learnset"),
        ("/reset-password/not-a-token", "This password reset link no longer works"),
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert_accessible(page)


def test_wrong_password_then_right_one(live_server: LiveServer, page: Page):
    _programme(live_server)
    page.goto(live_server.url + "/account")
    expect(page.get_by_text("Sign in to continue.")).to_be_visible()
    fill_in_sign_in(page, "tess@example.org", "not the password")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="Enter a correct email address and password")
    ).to_be_visible()
    assert_accessible(page)
    fill_in_sign_in(page, "tess@example.org")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert_accessible(page)
