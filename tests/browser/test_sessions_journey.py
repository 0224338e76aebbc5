"""A tutor generates a schedule, drafts a session from library items and publishes it; a
participant sees it on their home page, opens its theory module and proposes a topic. Every
page type on the way is checked with axe-core."""

import re
from datetime import timedelta

from playwright.sync_api import Page, Route, expect

from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort
from learnset.db import utcnow
from learnset.library.models import ContentItem
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, refused, sign_in, sign_out

THEORY = "The crisis lens and the unlocking lens"
THEORY_SUMMARY = "Two ways of looking at the pressures on the NHS, and what each makes possible."
EXERCISE = "Reframing through the unlocking lens"


def _programme(live_server: LiveServer) -> None:
    with live_server.session() as session:
        riverside = factories.make_set(session, "Riverside learning set", RIVERSIDE)
        factories.make_set(session, "Eastvale learning set", {"Otto Other": "tutor"})
        factories.make_user(session, name="Ada Admin", email="ada@example.org", is_admin=True)
        session.add_all(
            [
                ContentItem(
                    slug="crisis-and-unlocking-lenses",
                    kind="theory",
                    title=THEORY,
                    summary=THEORY_SUMMARY,
                    minutes=20,
                    body="## Two lenses\n\nSome words.",
                ),
                ContentItem(
                    slug="reframing-through-the-unlocking-lens",
                    kind="exercise",
                    title=EXERCISE,
                    summary="Pairs retell a stuck situation through the unlocking lens.",
                    minutes=40,
                ),
                ContentItem(slug="open-space", kind="method", title="Open Space", minutes=30),
                # Pat's live challenge, which the tutor gives a presenter slot.
                Challenge(
                    owner=riverside.people["Pat Participant"],
                    cohort=riverside.cohort,
                    title="Frailty services across two trusts",
                ),
            ]
        )
        session.commit()


def test_tutor_plans_and_publishes_participant_takes_part(live_server: LiveServer, page: Page):
    _programme(live_server)
    next_year = str(utcnow().year + 1)

    # The tutor starts from home, with nothing planned yet.
    sign_in(page, live_server.url, "tess@example.org")
    expect(page.get_by_role("heading", name="Riverside learning set: planning")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Learning sets").first.click()
    expect(page.get_by_role("heading", name="Learning sets", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Riverside learning set").click()
    expect(page.get_by_role("heading", name="Riverside learning set", level=1)).to_be_visible()
    assert_accessible(page)

    # A schedule from a rule: a mistake first, then the dates, then the sessions.
    page.get_by_role("link", name="Generate a schedule").first.click()
    expect(page.get_by_role("heading", name="Generate a schedule")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Month", exact=True).fill("1")
    page.get_by_label("Year", exact=True).fill(next_year)
    page.get_by_label("Week of the month").select_option(label="Second")
    page.get_by_label("Day of the week").select_option(label="Tuesday")
    page.get_by_label("Start time").fill("13:30")
    page.get_by_label("End time").fill("12:00")
    page.get_by_label("Number of months").fill("10")
    page.get_by_label("Place (optional)").fill("Committee room 2, Riverside House")
    refused(page, "Check the dates")
    expect(page.get_by_role("link", name="End time must be after the start time")).to_be_visible()
    page.get_by_label("End time").fill("16:30")
    page.get_by_role("button", name="Check the dates").click()
    expect(page.get_by_role("heading", name="Check the schedule")).to_be_visible()
    expect(page.get_by_role("heading", name="10 new sessions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Generate 10 sessions").click()
    expect(page.get_by_text("10 sessions added to the schedule.")).to_be_visible()
    expect(page.get_by_role("heading", name="Sessions", exact=True)).to_be_visible()
    assert_accessible(page)

    # Draft the first session from the library.
    page.get_by_role("link", name="Session 1", exact=True).click()
    expect(page.get_by_role("heading", name="Session 1", level=1)).to_be_visible()
    expect(page.get_by_text("Only tutors can see this session")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Plan materials, topics and presenters").click()
    expect(page.get_by_role("heading", name="Materials, topics and presenters")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add from the library").click()
    expect(page.get_by_role("heading", name="Add from the library")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kind").select_option(label="Theory modules")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name=EXERCISE)).to_have_count(0)
    page.get_by_role("button", name=f"Add {THEORY} to the session").click()
    expect(page.get_by_text(f"“{THEORY}” has been added to the session.")).to_be_visible()
    page.get_by_label("Kind").select_option(label="Practice exercises")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("button", name=f"Add {EXERCISE} to the session").click()
    page.get_by_role("link", name="Back to planning the session").click()
    expect(page.get_by_text("Total: 60 minutes of planned material.")).to_be_visible()
    page.get_by_label("Live challenge").select_option(
        label="Pat Participant: Frailty services across two trusts"
    )
    page.get_by_role("button", name="Add presenter").click()
    expect(page.get_by_text("The presenter slot has been added.")).to_be_visible()
    assert_accessible(page)

    # Title and agenda, previewed without saving, then saved.
    page.get_by_role("link", name="Edit date, place and agenda").click()
    expect(page.get_by_role("heading", name="Edit session")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title (optional)").fill("The unlocking lens")
    page.get_by_label("Agenda (optional)").fill("## Check-in\n\n- One thing on your mind")
    page.get_by_role("button", name="Preview agenda").click()
    expect(page.get_by_role("heading", name="Preview of the agenda")).to_be_visible()
    expect(page.locator("#agenda-preview h2", has_text="Check-in")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="The unlocking lens", level=1)).to_be_visible()

    # Publish, emailing the set.
    page.get_by_role("link", name="Publish", exact=True).click()
    expect(page.get_by_role("heading", name="Publish The unlocking lens?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish session").click()
    expect(page.get_by_text("The session has been published.")).to_be_visible()
    assert_accessible(page)
    assert sorted(message["To"] for message in live_server.outbox()) == [
        "fay@example.org",
        "pat@example.org",
    ]
    sign_out(page)

    # The participant sees it at home, with its materials.
    sign_in(page, live_server.url, "pat@example.org")
    expect(page.get_by_role("heading", name="Your next session")).to_be_visible()
    # Pat presents at it too, so the live challenges panel links to it as well.
    sessions = page.get_by_role("region", name="Your sessions in Riverside learning set")
    expect(sessions.get_by_role("link", name="The unlocking lens", exact=True)).to_be_visible()
    expect(page.get_by_text("Committee room 2, Riverside House").first).to_be_visible()
    expect(page.get_by_text(THEORY_SUMMARY).first).to_be_visible()
    assert_accessible(page)

    # The session page, then its theory module in the library.
    sessions.get_by_role("link", name="The unlocking lens", exact=True).click()
    expect(page.get_by_role("heading", name="The unlocking lens", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Check-in")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=THEORY).click()
    expect(page.get_by_role("heading", name=THEORY, level=1)).to_be_visible()
    assert_accessible(page)
    page.go_back()
    expect(page.get_by_text("Frailty services across two trusts")).to_be_visible()

    # A topic for the set.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Propose a topic").click()
    expect(page.get_by_role("heading", name="Emergent topics")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Propose topic").click()
    expect(page.get_by_role("link", name="Enter the topic you would like the set")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Topic", exact=True).fill("Decommissioning a service people love")
    page.get_by_role("button", name="Propose topic").click()
    expect(page.get_by_text("has been added for the set to vote on")).to_be_visible()
    page.get_by_role("button", name="Vote for Decommissioning a service people love").click()
    expect(page.get_by_text("1 vote including yours.")).to_be_visible()
    assert_accessible(page)
    # Their own topic: reworded, then a second one proposed and withdrawn.
    page.get_by_role("link", name="Edit your topic Decommissioning a service people love").click()
    expect(page.get_by_role("heading", name="Edit your topic")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Topic", exact=True).fill("")
    page.get_by_role("button", name="Save topic").click()
    expect(page.get_by_role("link", name="Enter the topic you would like the set")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Topic", exact=True).fill("Decommissioning a service people love")
    page.get_by_label("Why it matters now (optional)").fill("The day centre review in May")
    page.get_by_role("button", name="Save topic").click()
    expect(page.get_by_text("has been saved")).to_be_visible()
    expect(page.get_by_text("The day centre review in May")).to_be_visible()
    page.get_by_label("Topic", exact=True).fill("A topic on second thoughts")
    # A second click while the first is being sent (held here until both are in) sends
    # nothing more (NHS.UK's preventDoubleClick): one topic is made.
    held: list[Route] = []
    topics = page.url
    page.route(topics, lambda route: held.append(route))
    propose = page.get_by_role("button", name="Propose topic")
    # Once the page's script has started the button (a second click before it would go).
    expect(propose).to_have_attribute("data-nhsuk-button-init", "")
    propose.evaluate("button => { button.click(); setTimeout(() => button.click(), 100); }")
    page.wait_for_timeout(400)
    assert len(held) == 1
    held[0].continue_()
    page.unroute(topics)
    expect(page.get_by_text("“A topic on second thoughts” has been added")).to_be_visible()
    expect(page.get_by_role("heading", name="A topic on second thoughts")).to_have_count(1)
    page.get_by_role("link", name="Withdraw your topic A topic on second thoughts").click()
    expect(
        page.get_by_role("heading", name="Withdraw “A topic on second thoughts”?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw topic").click()
    expect(
        page.get_by_text("Your topic “A topic on second thoughts” has been withdrawn.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="A topic on second thoughts")).to_have_count(0)

    # Their learning set, and a calendar address.
    page.get_by_role("link", name="Back to Riverside learning set").click()
    expect(page.get_by_role("heading", name="Riverside learning set", level=1)).to_be_visible()
    expect(page.get_by_text("fay@example.org")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Add sessions to your calendar").click()
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_text("Your calendar address is ready.")).to_be_visible()
    assert_accessible(page)
    address = page.locator("#calendar-address").inner_text()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/calendar/[\w-]+\.[0-9a-f]{32}\.ics", address)
    feed = page.request.get(address)
    assert feed.ok and "SUMMARY:The unlocking lens: Riverside learning set" in feed.text()


def _past_session(live_server: LiveServer) -> None:
    with live_server.session() as session:
        cohort = session.query(Cohort).filter_by(name="Riverside learning set").one()
        starts = utcnow().replace(microsecond=0) - timedelta(days=20)
        meeting = factories.make_meeting(
            session,
            cohort,
            number=1,
            title="Last month",
            starts_at=starts,
            status="published",
            published_at=starts,
        )
        factories.make_topic(session, cohort, title="Data without losing the story")
        pat = next(m.user for m in cohort.memberships if m.user.email == "pat@example.org")
        factories.make_attendance(session, meeting, pat)
        session.commit()


def test_the_other_session_and_set_pages_are_accessible(live_server: LiveServer, page: Page):
    _programme(live_server)
    _past_session(live_server)
    sign_in(page, live_server.url, "tess@example.org")
    page.get_by_role("link", name="Learning sets").first.click()
    page.get_by_role("link", name="Riverside learning set").click()
    expect(page.get_by_text("Overall attendance:")).to_be_visible()

    page.get_by_role("link", name="Last month").first.click()
    page.get_by_role("link", name="Record attendance").click()
    expect(page.get_by_role("heading", name="Attendance")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Fay Fellow").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance: 2 of 2 participants (100%).")).to_be_visible()

    page.get_by_role("link", name="Unpublish").click()
    expect(page.get_by_role("heading", name="Unpublish Last month?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Keep it published").click()

    page.goto(live_server.url + "/cohorts")
    page.get_by_role("link", name="Riverside learning set").click()
    page.get_by_role("link", name="Add a session").click()
    expect(page.get_by_role("heading", name="Add a session")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Day", exact=True).fill("10")
    page.get_by_label("Month", exact=True).fill("3")
    page.get_by_label("Year", exact=True).fill(str(utcnow().year + 1))
    page.get_by_label("Start time").fill("13:30")
    page.get_by_label("End time").fill("16:30")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("The session has been added as a draft.")).to_be_visible()
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Delete Session \d"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete session").click()
    expect(page.get_by_text("The session has been deleted.")).to_be_visible()

    page.goto(live_server.url + "/cohorts")
    page.get_by_role("link", name="Riverside learning set").click()
    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_role("heading", name="Edit learning set")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("")
    refused(page, "Save learning set")
    page.get_by_label("Name").fill("Riverside learning set")
    page.get_by_role("button", name="Save learning set").click()

    page.get_by_role("link", name="Members and invitations", exact=True).click()
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Remove Fay Fellow").click()
    expect(
        page.get_by_role("heading", name="Remove Fay Fellow from this learning set?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Keep them in the set").click()

    page.goto(live_server.url + "/cohorts")
    page.get_by_role("link", name="Riverside learning set").click()
    page.get_by_role("link", name="See, vote on and propose topics").click()
    page.get_by_role("link", name="Close Data without losing the story").click()
    expect(
        page.get_by_role("heading", name="Close “Data without losing the story”?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reason").fill("Covered in the data and stories session")
    page.get_by_role("button", name="Close topic").click()
    page.get_by_role("link", name="Taken up or closed").click()
    expect(page.get_by_text("Covered in the data and stories session")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/calendar")
    page.get_by_role("button", name="Make my calendar address").click()
    page.get_by_role("link", name="Turn off your calendar address").click()
    expect(page.get_by_role("heading", name="Turn off your calendar address?")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The admin's pages: every set, a new set, a tutor for it.
    sign_in(page, live_server.url, "ada@example.org")
    page.get_by_role("link", name="Learning sets").first.click()
    page.get_by_role("button", name="Create a learning set").click()
    expect(page.get_by_role("heading", name="Create a learning set")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("Northgate learning set")
    page.get_by_label("Month", exact=True).fill("1")
    page.get_by_label("Year", exact=True).fill(str(utcnow().year + 1))
    page.get_by_label("Planned").check()
    page.get_by_role("button", name="Create learning set").click()
    expect(page.get_by_role("heading", name="Assign a tutor")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("otto@example.org")
    page.get_by_role("button", name="Assign tutor").click()
    expect(page.get_by_text("Otto Other is now a tutor of Northgate learning set.")).to_be_visible()
    assert_accessible(page)
