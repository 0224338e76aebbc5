"""An admin edits a library item in the browser with a preview, sees the new words in the
library and in a session, compares the versions and restores the first; then a tutor, once the
programme allows it, changes an item's wording and sees it in their set's session."""

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from learnset import PROJECT_ROOT
from learnset.db import utcnow
from learnset.library.models import ContentItem
from learnset.library.sync import sync_content
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, refused, sign_in, sign_out

ITEM = "Outcomes rather than services"
NEW_TITLE = "Outcomes first, services second"


def _programme(live_server: LiveServer) -> int:
    with live_server.session() as session:
        sync_content(session, PROJECT_ROOT / "content", utcnow())
        riverside = factories.make_set(session, "Riverside learning set", RIVERSIDE)
        factories.make_user(session, name="Ada Admin", email="ada@example.org", is_admin=True)
        meeting = factories.make_meeting(
            session,
            riverside.cohort,
            number=3,
            title="Naming outcomes",
            status="published",
            starts_at=utcnow().replace(microsecond=0) + timedelta(days=10),
        )
        item = session.scalar(
            select(ContentItem).where(ContentItem.slug == "outcomes-rather-than-services")
        )
        factories.add_item_to(session, meeting, item)
        session.commit()
        return meeting.id


def test_admin_edits_with_preview_compares_and_restores_then_a_tutor_edits(
    live_server: LiveServer, page: Page
):
    meeting_id = _programme(live_server)
    sign_in(page, live_server.url, "ada@example.org", "Ada Admin")

    page.goto(live_server.url + "/library/outcomes-rather-than-services")
    page.get_by_role("link", name="Edit this item").click()
    expect(page.get_by_role("heading", level=1, name=f"Edit {ITEM}")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Title").fill(NEW_TITLE)
    body = page.get_by_label("Text")
    body.fill(body.input_value() + "\n\n## Added in the browser\n\nA **new** paragraph.")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.get_by_role("heading", name="Added in the browser")).to_be_visible()
    expect(preview.locator("strong", has_text="new")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Title").fill("")
    refused(page, "Save changes")
    expect(page.get_by_text("Enter a title").first).to_be_visible()

    page.get_by_label("Title").fill(NEW_TITLE)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1, name=NEW_TITLE)).to_be_visible()
    expect(page.get_by_text("saved as a new version")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Added in the browser")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Library").click()
    page.get_by_label("Search the library").fill("services second")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=NEW_TITLE)).to_be_visible()

    page.goto(f"{live_server.url}/sessions/{meeting_id}")
    expect(page.get_by_role("link", name=NEW_TITLE)).to_be_visible()

    page.goto(live_server.url + "/library/outcomes-rather-than-services")
    page.get_by_role("link", name="Its history of versions").click()
    expect(page.get_by_role("heading", level=1, name=f"History of {NEW_TITLE}")).to_be_visible()
    versions = page.get_by_role("table", name="Versions")
    expect(versions.get_by_role("cell", name="2 (current)")).to_be_visible()
    expect(versions.get_by_role("cell", name="Ada Admin")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="What changed in version 2").click()
    expect(page.get_by_role("heading", name="Version 1 to version 2")).to_be_visible()
    expect(page.locator("ins", has_text="## Added in the browser")).to_be_visible()
    expect(page.locator("del", has_text=f"title: {ITEM}")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the history").click()
    page.get_by_role("link", name="Restore version 1").click()
    expect(page.get_by_role("heading", level=1, name="Restore version 1?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Restore version 1").click()
    expect(page.get_by_text("has been restored as the newest version")).to_be_visible()
    expect(versions.get_by_role("cell", name="3 (current)")).to_be_visible()
    expect(
        versions.get_by_role("cell", name="Restored from an earlier version (version 1)")
    ).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/library/outcomes-rather-than-services")
    expect(page.get_by_role("heading", level=1, name=ITEM)).to_be_visible()
    sign_out(page)

    # The programme lets tutors edit: Tess rewords the item's summary for her set.
    live_server.app.config["TUTORS_EDIT_CONTENT"] = True
    sign_in(page, live_server.url, "tess@example.org", "Tess Tutor")
    page.goto(live_server.url + "/library/outcomes-rather-than-services")
    page.get_by_role("link", name="Edit this item").click()
    page.get_by_label("Summary").fill("Start from what people want to be different, then shop.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("saved as a new version")).to_be_visible()
    page.goto(f"{live_server.url}/sessions/{meeting_id}")
    expect(
        page.get_by_text("Start from what people want to be different, then shop.")
    ).to_be_visible()
    assert_accessible(page)
