"""An admin opens the programme report for the board from the programme overview, finds the
demo programme's figures with the small ones hidden, and downloads the spreadsheet."""

import io
import re

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from learnset import PROJECT_ROOT, demo
from learnset.dashboards.report_exports import WHOLE_PROGRAMME
from learnset.db import utcnow
from learnset.library.sync import sync_content
from tests.browser.conftest import LiveServer
from tests.browser.steps import assert_accessible, sign_in
from tests.factories import FAST_HASH

RIVERSIDE = demo.COHORTS[0][0]


def test_admin_opens_the_programme_report_and_downloads_it(live_server: LiveServer, page: Page):
    with live_server.session() as session:
        sync_content(session, PROJECT_ROOT / "content", utcnow())
        demo.load(session, FAST_HASH)
        session.commit()
    sign_in(page, live_server.url, "admin@example.org", password=demo.PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Learning sets").click()
    page.get_by_role("link", name=re.compile("^Programme overview")).click()
    page.get_by_role("link", name="The programme report for the board").click()
    expect(page.get_by_role("heading", level=1, name="Programme report")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Across the programme"))).to_be_visible()
    enrolment = page.get_by_role("table", name="Enrolment")
    expect(enrolment.get_by_role("row", name=re.compile(RIVERSIDE))).to_contain_text("8")
    gains = page.get_by_role("table", name="Gains recorded on live challenges")
    expect(gains.get_by_role("row", name=re.compile(RIVERSIDE))).to_contain_text("Not shown")
    # The demo set released two sessions' feedback (five and four answers): counts, never words.
    feedback = page.get_by_role("table", name=re.compile(f"^{RIVERSIDE}: session feedback"))
    expect(feedback.get_by_role("row", name=re.compile("^Responses"))).to_contain_text("9")
    assert_accessible(page)

    # The year filter keeps the report to the sets starting that year.
    year = str(demo.COHORTS[0][2].year)
    page.get_by_label("Learning sets starting in").select_option(year)
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(year))).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("as a spreadsheet")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert "Enrolment" in workbook.sheetnames
    names = [row[0] for row in workbook["Enrolment"].iter_rows(values_only=True)]
    assert RIVERSIDE in names and WHOLE_PROGRAMME in names
