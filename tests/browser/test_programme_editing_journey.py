"""An admin edits a programme session's facilitator notes in the browser with a preview, sees
them on the programme page, then restores the words the content files gave."""

from playwright.sync_api import Page, expect

from learnset import PROJECT_ROOT
from learnset.db import utcnow
from learnset.library.sync import sync_content
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import assert_accessible, refused, sign_in

PROGRAMME = "/programmes/unlocking-commissioning"
OLD_WORDS = "The first session sets the tone for the year"
NEW_WORDS = "Arrive early and set the chairs in a circle"


def test_admin_edits_a_sessions_notes_with_preview_then_restores_them(
    live_server: LiveServer, page: Page
):
    with live_server.session() as session:
        sync_content(session, PROJECT_ROOT / "content", utcnow())
        factories.make_user(session, name="Ada Admin", email="ada@example.org", is_admin=True)
        session.commit()
    sign_in(page, live_server.url, "ada@example.org", "Ada Admin")

    page.goto(live_server.url + PROGRAMME)
    page.get_by_role("link", name="Edit month 1", exact=True).click()
    expect(
        page.get_by_role("heading", level=1, name="Edit month 1: Starting as a set")
    ).to_be_visible()
    assert_accessible(page)

    box = page.get_by_label("The session's file")
    text = box.input_value()
    assert OLD_WORDS in text
    box.fill(text.replace(OLD_WORDS, f"## Before they arrive\n\n{NEW_WORDS}.\n\n{OLD_WORDS}"))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.get_by_role("heading", name="Before they arrive")).to_be_visible()
    assert_accessible(page)

    # A running order that no longer fills the session is refused, and says why.
    broken = box.input_value().replace(
        "  - minutes: 15\n    activity: Break", "  - minutes: 10\n    activity: Break"
    )
    box.fill(broken)
    refused(page, "Save changes")
    expect(page.get_by_text("the steps add up to 175 minutes").first).to_be_visible()

    box.fill(
        broken.replace(
            "  - minutes: 10\n    activity: Break", "  - minutes: 15\n    activity: Break"
        )
    )
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("saved as a new version")).to_be_visible()
    expect(page.get_by_text(NEW_WORDS)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="History of month 1", exact=True).click()
    versions = page.get_by_role("table", name="Versions")
    expect(versions.get_by_role("cell", name="2 (current)")).to_be_visible()
    expect(versions.get_by_role("cell", name="Ada Admin")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Restore version 1").click()
    expect(page.get_by_role("heading", level=1, name="Restore version 1?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Restore version 1").click()
    expect(page.get_by_text("has been restored as the newest version")).to_be_visible()

    page.goto(live_server.url + PROGRAMME)
    expect(page.get_by_text(OLD_WORDS)).to_be_visible()
    expect(page.get_by_text(NEW_WORDS)).to_have_count(0)
