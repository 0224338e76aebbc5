"""The owner of a live challenge keeps a photo beside an action; a fellow of the set sees its
thumbnail on the timeline and downloads it. Each page checked by axe."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, sign_in, sign_out
from tests.files import samples


def test_the_owner_adds_a_photo_to_an_action_and_the_set_downloads_it(
    live_server: LiveServer, page: Page, tmp_path: Path
):
    with live_server.session() as session:
        riverside = factories.make_set(session, "Riverside learning set", RIVERSIDE)
        challenge = factories.make_challenge(
            session, riverside.people["Pat Participant"], title="Frailty at home"
        )
        factories.make_update(
            session,
            challenge,
            riverside.people["Pat Participant"],
            "action",
            body="Meet the three practices",
        )
        session.commit()
        path = f"/challenges/{challenge.id}"
    photo = tmp_path / "whiteboard.png"
    photo.write_bytes(samples.png_with_location())

    sign_in(page, live_server.url, "pat@example.org")
    page.goto(live_server.url + path)
    page.get_by_role("link", name=re.compile("^Add or remove files")).click()
    expect(page.get_by_role("heading", name="Files on this update")).to_be_visible()
    expect(page.get_by_text("without their camera and location details")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add file").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a file to add")
    assert_accessible(page)

    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="Add file").click()
    expect(page.get_by_text("camera and location details were removed")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server.url, "fay@example.org")
    page.goto(live_server.url + path)
    expect(page.locator("img.app-files__thumbnail")).to_have_count(1)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="whiteboard.png").click()
    assert download.value.suggested_filename == "whiteboard.png"
