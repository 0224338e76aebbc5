"""A participant gets a certificate for their learning set's year, downloads it as a PDF and
checks its reference on the public verification page; then lays a reflection out for NMC
revalidation. axe-core checks every page on the way (issue 19, items 4 and 5)."""

import io
import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from learnset.dates import UK
from learnset.db import utcnow
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, sign_in, sign_out


def _programme(live_server: LiveServer) -> None:
    """The Riverside set started two months ago; Pat attended its first session and wrote a
    reflection on it with an hour of CPD time."""
    with live_server.session() as session:
        start = (utcnow().astimezone(UK).date() - timedelta(days=62)).replace(day=1)
        riverside = factories.make_set(
            session, "Riverside learning set", RIVERSIDE, start_month=start
        )
        pat = riverside.people["Pat Participant"]
        meeting = factories.make_published_meeting(
            session,
            riverside.cohort,
            title="Seeing the whole system",
            starts_at=utcnow().replace(microsecond=0) - timedelta(days=20),
        )
        factories.make_attendance(session, meeting, pat)
        factories.make_reflection(
            session,
            pat,
            title="Bringing providers to the table",
            cpd_minutes=60,
            experienced_on=meeting.starts_at.astimezone(UK).date(),
        )
        session.commit()


def _pat_on_the_log(live_server: LiveServer, page: Page) -> str:
    """The programme made, and Pat signed in and on their reflective log: the server's address."""
    _programme(live_server)
    sign_in(page, live_server.url, factories.email_for("Pat Participant"), "Pat Participant")
    page.goto(live_server.url + "/reflections")
    return live_server.url


def test_a_participant_downloads_a_certificate_and_it_checks(live_server: LiveServer, page: Page):
    base = _pat_on_the_log(live_server, page)
    page.get_by_role("link", name="Certificates of attendance and CPD").click()
    expect(page.get_by_role("heading", name="Your certificates")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Get a certificate").click()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile("^Riverside learning set: ")).check()
    page.get_by_role("button", name="Issue certificate").click()
    expect(page.get_by_text("Your certificate has been issued.")).to_be_visible()
    expect(page.locator("#maincontent").get_by_text("Pat Participant", exact=True)).to_be_visible()
    assert_accessible(page)
    reference = page.locator(".reference").first.inner_text().strip()
    assert re.fullmatch(r"([A-Z2-7]{4}-){4}[A-Z2-7]{4}", reference)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download as PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"certificate-{reference}.pdf"
    data = download.path().read_bytes()
    text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    assert "Pat Participant" in text and "Seeing the whole system" in text
    assert "Sessions attended 1" in text and reference in text

    sign_out(page)
    page.goto(base + "/certificates/verify")
    assert_accessible(page)
    page.get_by_label("Certificate reference").fill(reference.lower().replace("-", " "))
    page.get_by_role("button", name="Check certificate").click()
    expect(page.get_by_role("heading", name="This certificate is valid")).to_be_visible()
    expect(page.locator("#maincontent").get_by_text("Pat Participant")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Certificate reference").fill("AAAA-BBBB-CCCC-DDDD-EEEE")
    page.get_by_role("button", name="Check certificate").click()
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()


def test_a_participant_lays_a_reflection_out_for_revalidation(live_server: LiveServer, page: Page):
    _pat_on_the_log(live_server, page)
    page.get_by_role("link", name="Revalidation and appraisal").click()
    expect(page.get_by_role("heading", name="Revalidation and appraisal")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Reflective accounts for NMC revalidation").check()
    page.get_by_role("group", name="Reflections to include").get_by_role(
        "checkbox", name=re.compile("^Bringing providers to the table")
    ).check()
    page.get_by_role("button", name="Show the page to copy from").click()
    expect(
        page.get_by_role("heading", name="Reflective account 1: Bringing providers to the table")
    ).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download as PDF").click()
    assert download_info.value.suggested_filename.endswith(".pdf")
