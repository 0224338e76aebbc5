"""Issue 19 end to end: an admin enrols a newcomer from a CSV file, she accepts the invitation
and shares a reflection, her tutor is told and replies, she is told of the reply and downloads
a certificate of the session she attended. axe-core checks the pages new to this journey."""

import io
import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from learnset.accounts.models import User
from learnset.dates import UK
from learnset.db import utcnow
from learnset.meetings.models import Meeting
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import assert_accessible, share_with_tutors, sign_in, sign_out

INTAKE = "Name,Email,Role,Learning set\r\nNadia New,nadia@example.org,participant,Riverside set\r\n"
SESSION = "Seeing the whole system"


def _programme(live_server: LiveServer) -> None:
    """The Riverside set began two months ago with Tess as its tutor; its first session was
    three weeks ago. Ada runs the programme."""
    with live_server.session() as session:
        start = (utcnow().astimezone(UK).date() - timedelta(days=62)).replace(day=1)
        riverside = factories.make_set(
            session, "Riverside set", {"Tess Tutor": "tutor"}, start_month=start
        )
        factories.make_published_meeting(
            session,
            riverside.cohort,
            title=SESSION,
            starts_at=utcnow().replace(microsecond=0) - timedelta(days=21),
        )
        factories.make_user(session, name="Ada Admin", email="ada@example.org", is_admin=True)
        session.commit()


def _nadia_came_and_wrote(live_server: LiveServer) -> None:
    """What the tutor records and Nadia writes between the steps this journey is about."""
    with live_server.session() as session:
        nadia = session.scalar(select(User).where(User.email == "nadia@example.org"))
        [membership] = nadia.memberships
        meeting = session.scalar(select(Meeting).where(Meeting.cohort_id == membership.cohort_id))
        factories.make_attendance(session, meeting, nadia)
        factories.make_reflection(
            session,
            nadia,
            title="Frailty data nobody had asked for",
            cohort=membership.cohort,
            cpd_minutes=45,
            experienced_on=meeting.starts_at.astimezone(UK).date(),
        )
        session.commit()


def test_from_a_csv_file_to_a_certificate(live_server: LiveServer, page: Page):
    _programme(live_server)
    base = live_server.url

    # Ada enrols the intake from a file.
    sign_in(page, base, "ada@example.org", "Ada Admin")
    page.goto(base + "/invitations/import")
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Upload a CSV file").click()
    chooser.value.set_files(
        files=[{"name": "intake.csv", "mimeType": "text/csv", "buffer": INTAKE.encode()}]
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1, name="Check the invitations")).to_be_visible()
    page.get_by_role("button", name="Send 1 invitation").click()
    expect(page.get_by_role("heading", level=1, name="Invitations sent")).to_be_visible()
    sign_out(page)

    # Nadia accepts: the form already has her name from the file.
    [message] = live_server.outbox()
    link = re.search(r"http://\S+/join/\S+", message.get_payload(decode=True).decode()).group(0)
    page.goto(link)
    expect(page.get_by_label("Full name")).to_have_value("Nadia New")
    page.get_by_label("Job title").fill("GP and frailty lead")
    page.get_by_label("Organisation").fill("North Riverside ICB")
    page.get_by_label("Create a password").fill("lantern river otter")
    page.get_by_label("Confirm password").fill("lantern river otter")
    page.get_by_role("button", name="Create account and join").click()
    expect(page.get_by_text("You have joined Riverside set.")).to_be_visible()

    # She shares a reflection with her tutor.
    _nadia_came_and_wrote(live_server)
    page.get_by_role("link", name="Your log", exact=True).click()
    page.get_by_role("link", name="Frailty data nobody had asked for").click()
    page.get_by_role("link", name="Share it, or make it private").click()
    share_with_tutors(page, "Riverside set")
    sign_out(page)

    # Tess is told, opens it from the notification and replies.
    sign_in(page, base, "tess@example.org", "Tess Tutor")
    page.get_by_role("link", name="Notifications (1 unread)").click()
    expect(page.get_by_text("Nadia New shared a reflection with the tutors.")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Open\b.*reflection shared with you")).click()
    expect(page.get_by_role("heading", name="Frailty data nobody had asked for")).to_be_visible()
    page.get_by_label("Add a comment").fill("Who else should see those figures?")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Your comment has been added.")).to_be_visible()
    sign_out(page)

    # Nadia is told of the reply, reads it, and downloads a certificate of her first session.
    sign_in(page, base, "nadia@example.org", "Nadia New", password="lantern river otter")
    page.get_by_role("link", name="Notifications (1 unread)").click()
    expect(page.get_by_text(re.compile("Tess Tutor commented"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Open\b")).first.click()
    expect(page.get_by_text("Who else should see those figures?")).to_be_visible()

    page.goto(base + "/reflections")
    page.get_by_role("link", name="Certificates of attendance and CPD").click()
    page.get_by_role("button", name="Get a certificate").click()
    page.get_by_role("radio", name=re.compile("^Riverside set: ")).check()
    page.get_by_role("button", name="Issue certificate").click()
    expect(page.get_by_text("Your certificate has been issued.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download as PDF").click()
    data = download_info.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Nadia New" in text and SESSION in text
    assert "Sessions attended 1" in text and "45 minutes" in text
