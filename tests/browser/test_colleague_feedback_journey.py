"""A participant asks three colleagues for feedback; each answers through their own link (one
on a phone-sized window, one after saving and coming back); the participant closes the round
and reads the report. axe-core checks every page on the way (issue 18)."""

import re
from datetime import timedelta

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from learnset import PROJECT_ROOT
from learnset.accounts.models import User
from learnset.cohorts.models import Cohort
from learnset.dates import UK
from learnset.db import utcnow
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.sync import sync_content
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, refused, sign_in, sign_out

DOMAIN = "Whole-system working"
COLLEAGUES = [
    ("dr.okafor@example.nhs.uk", "Clinician"),
    ("lena.marsh@example.org", "Provider"),
    ("sam.reed@example.nhs.uk", "Peer"),
]
PHONE = {"width": 375, "height": 740}


def _programme(live_server: LiveServer) -> list[str]:
    """The real framework and library, the Riverside set, and Pat's baseline: 3 everywhere."""
    with live_server.session() as session:
        sync_content(session, PROJECT_ROOT / "content", utcnow())
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        pat = session.scalar(select(User).where(User.name == "Pat Participant"))
        cohort = session.scalar(select(Cohort))
        capabilities = session.scalars(
            select(Capability)
            .join(CapabilityDomain)
            .where(CapabilityDomain.name == DOMAIN)
            .order_by(Capability.position)
        ).all()
        factories.make_assessment(session, pat, cohort, dict.fromkeys(capabilities, (3, 4)))
        session.commit()
        return [c.name for c in capabilities]


def _question(page: Page, capability: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("group", name=re.compile(f"^{re.escape(capability)}"))


def _answer(page: Page, link: str, capabilities: list[str], level: int, words: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", name="Your feedback for Pat Participant")).to_be_visible()
    assert_accessible(page)
    for n, name in enumerate(capabilities):
        # The clinician cannot say about the first capability.
        choice = "I can\u2019t say" if n == 0 and level == 2 else re.compile(f"^{level}: ")
        _question(page, name).get_by_role("radio", name=choice).check()
    page.get_by_label("What should they keep doing?").fill(words)
    page.get_by_role("button", name="Send my feedback").click()
    expect(
        page.get_by_role("heading", name="Thank you: your feedback has been sent")
    ).to_be_visible()
    assert_accessible(page)


def test_three_colleagues_answer_and_the_participant_reads_the_report(
    live_server: LiveServer, page: Page, browser: Browser
):
    capabilities = _programme(live_server)
    sign_in(page, live_server.url, "pat@example.org", "Pat Participant")
    cohort_id = 1
    page.goto(f"{live_server.url}/cohorts/{cohort_id}/capabilities")
    page.get_by_role("link", name="Feedback from colleagues").click()
    expect(page.get_by_role("heading", name="Feedback from colleagues", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ask colleagues for feedback").click()
    expect(page.get_by_role("heading", name="Ask colleagues for feedback")).to_be_visible()
    assert_accessible(page)
    # Sent with too few colleagues: the problem is shown beside the field.
    page.get_by_label(DOMAIN).check()
    page.get_by_label("A note to your colleagues").fill(
        "I am working on bringing partners together."
    )
    closes = (utcnow().astimezone(UK) + timedelta(days=14)).date()
    closing = page.get_by_role("group", name="Closing date")
    closing.get_by_label("Day").fill(str(closes.day))
    closing.get_by_label("Month").fill(str(closes.month))
    closing.get_by_label("Year").fill(str(closes.year))
    page.get_by_label("Colleague 1: email address").fill(COLLEAGUES[0][0])
    page.get_by_label("Colleague 1: how they know you").select_option(label=COLLEAGUES[0][1])
    refused(page, "Send the requests")
    expect(page.get_by_text("Enter between 3 and 15 colleagues").first).to_be_visible()
    for n, (email, relation) in enumerate(COLLEAGUES, start=1):
        page.get_by_label(f"Colleague {n}: email address").fill(email)
        page.get_by_label(f"Colleague {n}: how they know you").select_option(label=relation)
    page.get_by_role("button", name="Send the requests").click()
    expect(page.get_by_text("Your request has been sent to 3 colleagues.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    links = {
        message["To"]: re.search(
            r"http://\S+/colleague-feedback/answer/\S+", message.get_payload(decode=True).decode()
        ).group(0)
        for message in live_server.outbox()
    }
    assert sorted(links) == sorted(email for email, _ in COLLEAGUES)

    # The clinician starts, saves, and comes back later to send.
    clinician = browser.new_context(locale="en-GB").new_page()
    clinician.goto(links[COLLEAGUES[0][0]])
    _question(clinician, capabilities[0]).get_by_role("radio", name=re.compile("^2: ")).check()
    # Saved as they go (autosave.js), and with the button, which works without JavaScript too.
    expect(clinician.get_by_text(re.compile("^Answers saved at"))).to_be_visible()
    clinician.get_by_role("button", name="Save and come back later").click()
    expect(clinician.get_by_text("Your answers are saved.")).to_be_visible()
    assert_accessible(clinician)
    _answer(clinician, links[COLLEAGUES[0][0]], capabilities, 2, "Bringing the GPs to the table")
    # The link, used, or forwarded to someone else, no longer works.
    clinician.goto(links[COLLEAGUES[0][0]])
    expect(clinician.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert_accessible(clinician)
    clinician.context.close()

    # The provider answers on a phone.
    phone = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    provider = phone.new_page()
    _answer(provider, links[COLLEAGUES[1][0]], capabilities, 4, "Open, honest contract talks")
    phone.close()

    peer = browser.new_context(locale="en-GB").new_page()
    _answer(peer, links[COLLEAGUES[2][0]], capabilities, 4, "Making space for new ideas")
    peer.context.close()

    sign_in(page, live_server.url, "pat@example.org", "Pat Participant")
    page.goto(live_server.url + "/colleague-feedback")
    page.get_by_role("link", name=re.compile("^Riverside learning set: asked on")).click()
    expect(page.get_by_role("heading", name=re.compile("^Feedback round of"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Close the round now").click()
    expect(page.get_by_role("heading", name="Close the round now?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_text("The round is closed. Its report is ready.")).to_be_visible()
    expect(page.get_by_text("3 colleagues asked, 3 answered.")).to_be_visible()
    # The first capability: only two could say, so no average; the others average 3.3.
    table = page.get_by_role("table", name=re.compile("Your own level and your colleagues"))
    expect(table.get_by_role("row", name=re.compile(capabilities[0]))).to_contain_text(
        "Too few to show"
    )
    expect(table.get_by_role("row", name=re.compile(capabilities[1]))).to_contain_text("3.3")
    for words in ("Bringing the GPs to the table", "Open, honest contract talks"):
        expect(page.get_by_text(words)).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("Your own level and your colleagues"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Share with your tutors").click()
    expect(page.get_by_text("Your tutors can now see this report.").first).to_be_visible()
    assert_accessible(page)
