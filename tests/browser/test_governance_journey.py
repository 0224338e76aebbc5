"""Issue 15, items 3, 5 and 7 in a browser: someone not signed in gives feedback from the phase
banner, putting a mistake right first; an admin finds it, the audit log of the sign-ins, and an
email the queue gave up on, which they send again. axe-core checks every page."""

from playwright.sync_api import Page, expect

from learnset.db import utcnow
from learnset.mail import queue
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, fill_in_sign_in, sign_in


def _programme(live_server: LiveServer) -> None:
    with live_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        factories.make_user(session, name="Ada Admin", email="ada@example.org", is_admin=True)
        mail = queue.add(
            session,
            kind=queue.MESSAGE,
            recipient="fay@example.org",
            subject="Your next session",
            now=utcnow(),
        )
        mail.failed_at, mail.next_attempt_at, mail.attempts = utcnow(), None, 10
        mail.last_error = "SMTPDataError: 550 5.7.1 Message refused"
        session.commit()


def test_feedback_reaches_an_admin_who_reads_the_audit_log_and_resends_an_email(
    live_server: LiveServer, page: Page
):
    _programme(live_server)
    page.goto(live_server.url + "/sign-in")
    expect(page).to_have_title("Sign in \u2013 Learnset \u2013 NHS")
    page.get_by_role("link", name="Tell us what you think").click()
    expect(page.get_by_role("heading", level=1, name="Give feedback on Learnset")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send feedback").click()
    expect(page).to_have_title("Error: Give feedback \u2013 Learnset \u2013 NHS")
    expect(page.get_by_role("link", name="Enter your feedback")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What would you like to tell us?").fill(
        "The sign-in page could say who to ask for an account."
    )
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you. Your feedback has been sent")).to_be_visible()

    # A failed sign-in, then the admin's own.
    page.goto(live_server.url + "/sign-in")
    fill_in_sign_in(page, "fay@example.org", "not the password")
    sign_in(page, live_server.url, "ada@example.org", "Ada Admin")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.get_by_role("link", name="feedback", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Feedback")).to_be_visible()
    expect(
        page.get_by_text("The sign-in page could say who to ask for an account.")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.get_by_role("link", name="audit log", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Event", exact=True).select_option(label="Sign-in failed")
    page.get_by_role("button", name="Show events").click()
    rows = page.get_by_role("table", name="Audit events, newest first").get_by_role("row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Fay Fellow")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.get_by_role("link", name="emails not sent").click()
    expect(page.get_by_role("heading", level=1, name="Emails not sent")).to_be_visible()
    expect(page.get_by_text("550 5.7.1 Message refused")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Send again to fay@example.org").click()
    expect(
        page.get_by_role("heading", level=1, name="Send the email to fay@example.org again?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_text("The email has been queued again.")).to_be_visible()
    expect(page.get_by_text("Nothing needs your attention here.")).to_be_visible()
