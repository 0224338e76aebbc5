"""A quick note with a photo on a phone-sized window: offline the page says the photo needs a
connection; online the note and its photo land in the inbox, and the photo becomes a file of
the reflection the note turns into. Each page checked by axe."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from learnset.reflections.models import ReflectionAttachment
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, sign_in
from tests.files import samples


def test_a_note_with_a_photo_becomes_a_reflection_with_the_photo(
    live_server: LiveServer, browser: Browser, tmp_path: Path
):
    with live_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        session.commit()
    photo = tmp_path / "whiteboard.png"
    photo.write_bytes(samples.png_with_location())
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()

    sign_in(page, live_server.url, "pat@example.org")
    page.goto(live_server.url + "/notes/new")
    expect(page.get_by_text("without its camera and location details")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your note").fill("The whiteboard after the Future Search day")
    page.locator("input[type=file]").set_input_files(str(photo))

    context.set_offline(True)
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("A photo can be sent only when you are online")).to_be_visible()
    context.set_offline(False)

    page.get_by_role("button", name="Save note").click()
    expect(
        page.get_by_text("Its photo was saved without its camera and location details")
    ).to_be_visible()
    page.goto(live_server.url + "/reflections")
    expect(page.get_by_role("img", name="The photo kept with this note")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Turn into a reflection").click()
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Your reflection has been saved.")).to_be_visible()
    # The photo is now one of the reflection's files, shown by its thumbnail.
    expect(page.locator("img.app-files__thumbnail")).to_have_count(1)
    assert_accessible(page)
    with live_server.session() as session:
        attachment = session.scalar(select(ReflectionAttachment))
        assert attachment is not None and attachment.name == "whiteboard.png"
    context.close()
