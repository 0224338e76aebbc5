"""A participant attaches a PDF and a photo to a reflection and shares it with their tutor, who
downloads the PDF: by keyboard-reachable controls and visible labels, each page checked by axe."""

from pathlib import Path

from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, share_with_tutors, sign_in, sign_out
from tests.files import samples


def test_attach_a_pdf_and_a_photo_share_it_and_the_tutor_downloads_the_pdf(
    live_server: LiveServer, page: Page, tmp_path: Path
):
    with live_server.session() as session:
        riverside = factories.make_set(session, "Riverside learning set", RIVERSIDE)
        factories.make_reflection(
            session, riverside.people["Pat Participant"], title="The provider's letter"
        )
        session.commit()
    letter = tmp_path / "Letter from provider.pdf"
    letter.write_bytes(samples.PDF)
    photo = tmp_path / "whiteboard.png"
    photo.write_bytes(samples.png_with_location())

    sign_in(page, live_server.url, "pat@example.org")
    page.get_by_role("link", name="Your log", exact=True).click()
    page.get_by_role("link", name="The provider's letter").click()
    page.get_by_role("link", name="Add files").click()
    expect(page.get_by_role("heading", name="Files on this reflection")).to_be_visible()
    expect(page.get_by_text("smaller than 10 MB")).to_be_visible()
    assert_accessible(page)

    # Nothing chosen: the error summary and the message beside the field.
    page.get_by_role("button", name="Add file").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a file to add")
    assert_accessible(page)

    page.locator("input[type=file]").set_input_files(str(letter))
    page.get_by_role("button", name="Add file").click()
    expect(page.get_by_text("Letter from provider.pdf has been added.")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="Add file").click()
    expect(page.get_by_text("camera and location details were removed")).to_be_visible()
    expect(page.get_by_role("link", name="Remove whiteboard.png")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the reflection").click()
    page.get_by_role("link", name="Share it, or make it private").click()
    share_with_tutors(page)
    sign_out(page)

    sign_in(page, live_server.url, "tess@example.org")
    page.get_by_role("link", name="The provider's letter").first.click()
    expect(page.get_by_role("heading", name="Files")).to_be_visible()
    expect(page.locator("img.app-files__thumbnail")).to_have_count(1)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Letter from provider.pdf").click()
    assert download.value.suggested_filename == "Letter from provider.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == samples.PDF
