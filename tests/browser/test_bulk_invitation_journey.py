"""Issue 19, item 1 in a browser: an admin downloads the template, uploads a CSV of a new
intake, checks the preview row by row, sends, and finds the invitations to resend or withdraw.
axe-core checks every page."""

from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, sign_in

INTAKE = (
    "Name,Email,Role,Learning set\r\n"
    "Nadia New,nadia@example.org,participant,Riverside learning set\r\n"
    "Tomás Tutor,tomas@example.org,Tutor,Riverside learning set\r\n"
    "Fay Fellow,fay@example.org,participant,Riverside learning set\r\n"
    "Nadia New,NADIA@example.org,participant,Riverside learning set\r\n"
    "Ben Bad,not an email,participant,Riverside learning set\r\n"
)


def _programme(live_server: LiveServer) -> None:
    with live_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        factories.make_user(session, name="Ada Admin", email="ada@example.org", is_admin=True)
        session.commit()


def test_an_admin_invites_an_intake_from_a_csv_file(live_server: LiveServer, page: Page):
    _programme(live_server)
    sign_in(page, live_server.url, "ada@example.org", "Ada Admin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.get_by_role("link", name="invite them to a learning set").click()
    page.get_by_role("link", name="upload a CSV file").click()
    expect(
        page.get_by_role("heading", level=1, name="Invite people from a CSV file")
    ).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download a template CSV file").click()
    assert download.value.suggested_filename == "learnset-invitations.csv"

    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("link", name="Choose a CSV file to upload")).to_be_visible()
    assert_accessible(page)

    with page.expect_file_chooser() as chooser:
        page.get_by_label("Upload a CSV file").click()
    chooser.value.set_files(
        files=[{"name": "intake.csv", "mimeType": "text/csv", "buffer": INTAKE.encode("cp1252")}]
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1, name="Check the invitations")).to_be_visible()
    assert_accessible(page)
    rows = page.get_by_role("table", name="Rows in the file").get_by_role("row")
    expect(rows).to_have_count(6)
    expect(rows.nth(1)).to_contain_text("New account")
    expect(rows.nth(2)).to_contain_text("Tomás Tutor")
    expect(rows.nth(3)).to_contain_text("Already a member")
    expect(rows.nth(4)).to_contain_text("The same person and learning set as row 2")
    expect(rows.nth(5)).to_contain_text("not in the correct format")

    page.get_by_role("button", name="Send 2 invitations").click()
    expect(page.get_by_role("heading", level=1, name="Invitations sent")).to_be_visible()
    expect(page.get_by_text("2 invitations have been sent.")).to_be_visible()
    assert_accessible(page)
    sent = page.get_by_role("table", name="Invitations made from this file").get_by_role("row")
    expect(sent).to_have_count(3)
    assert {message["To"] for message in live_server.outbox()} == {
        "nadia@example.org",
        "tomas@example.org",
    }

    page.get_by_role("table", name="Invitations made from this file").get_by_role(
        "link", name="Riverside learning set"
    ).first.click()
    expect(page.get_by_role("heading", level=1, name="Invitations")).to_be_visible()
    expect(
        page.get_by_role("button", name="Resend invitation to nadia@example.org")
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Withdraw invitation to tomas@example.org")
    ).to_be_visible()
