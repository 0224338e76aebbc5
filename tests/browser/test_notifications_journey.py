"""A participant shares a reflection; the tutor sees the count in the header, finds the
notification in the list and follows it to the reflection, which reads it (issue 19, item 2)."""

import re

from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, share_with_tutors, sign_in, sign_out


def test_a_shared_reflection_reaches_the_tutor_through_a_notification(
    live_server: LiveServer, page: Page
):
    with live_server.session() as session:
        learning_set = factories.make_set(session, "Riverside learning set", RIVERSIDE)
        factories.make_reflection(
            session,
            learning_set.people["Pat Participant"],
            title="Listening before the data",
            cohort=learning_set.cohort,
        )
        session.commit()

    sign_in(page, live_server.url, "pat@example.org")
    page.get_by_role("link", name="Your log", exact=True).click()
    page.get_by_role("link", name="Listening before the data").click()
    page.get_by_role("link", name="Share it, or make it private").click()
    share_with_tutors(page)
    sign_out(page)

    sign_in(page, live_server.url, "tess@example.org")
    header_link = page.get_by_role("link", name="Notifications (1 unread)")
    expect(header_link).to_be_visible()
    header_link.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.get_by_text("Pat Participant shared a reflection with the tutors.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Open\b.*reflection shared with you")).click()
    expect(page.get_by_role("heading", name="Listening before the data")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Change notification settings").click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="A reflection shared with you", exact=True).get_by_label(
        "Email me a daily summary"
    ).check()
    page.get_by_role("button", name="Save your choices").click()
    expect(page.get_by_text("Your choices about notifications have been saved.")).to_be_visible()
