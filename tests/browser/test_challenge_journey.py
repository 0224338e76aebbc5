"""A participant records a live challenge; a fellow member asks an open question; the owner
logs an experiment, what happened and later a gain; the tutor gives the challenge a presenter
slot, sees it on the session and on the gains board; the owner closes it and publishes a story.
Every page type on the way is checked with axe-core."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from learnset.db import utcnow
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, refused, sign_in, sign_out

TITLE = "Frailty support that keeps people well at home"
QUESTION = "What would a good week look like for someone living with frailty?"


def _programme(live_server: LiveServer) -> None:
    with live_server.session() as session:
        riverside = factories.make_set(session, "Riverside learning set", RIVERSIDE)
        factories.make_set(session, "Eastvale learning set", {"Oona Outsider": "participant"})
        starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=14)
        factories.make_meeting(
            session,
            riverside.cohort,
            number=1,
            title="What gets trapped",
            starts_at=starts,
            status="published",
        )
        session.commit()


def _record_challenge(page: Page) -> None:
    expect(page.get_by_role("heading", name="Your live challenges")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a live challenge").click()
    expect(page.get_by_role("heading", name="Live challenges", level=1)).to_be_visible()
    expect(page.get_by_text("No challenges yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record a live challenge").click()
    expect(page.get_by_role("heading", name="Record a live challenge")).to_be_visible()
    # Nothing filled in: the problems are listed and shown beside the fields.
    refused(page, "Record challenge")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("The context").fill("Admissions of frail older people rise every winter.")
    page.get_by_label("Outcomes you want for people and communities").fill(
        "Older people stay well at home for longer and tell their story once."
    )
    page.get_by_label("Who has a stake in it across the system (optional)").fill(
        "Practices, community nursing, the council"
    )
    page.get_by_label("Attitudes", exact=True).check()
    page.get_by_label("Note on attitudes (optional)").fill("Integration has been tried before")
    page.get_by_role("button", name="Record challenge").click()
    expect(page.get_by_text("Your challenge has been recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("Integration has been tried before")).to_be_visible()
    assert_accessible(page)


def _ask_question(page: Page) -> None:
    page.get_by_role("link", name="Learning sets", exact=True).click()
    page.get_by_role("link", name="Riverside learning set").click()
    page.get_by_role("link", name="See the set's challenges, or record yours").click()
    page.get_by_role("link", name=TITLE, exact=True).click()
    expect(page.get_by_role("heading", name="Ask Pat Participant a question")).to_be_visible()
    page.get_by_text("Open questions, not advice").click()
    expect(
        page.get_by_text("Instead of “Have you tried a single point of access?”")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ask an open question").fill(QUESTION)
    page.get_by_role("button", name="Ask question").click()
    expect(page.get_by_text("Your question has been added.")).to_be_visible()
    timeline = page.locator(".app-timeline")
    expect(timeline.get_by_text(QUESTION)).to_be_visible()
    expect(timeline.get_by_text("Fay Fellow")).to_be_visible()
    assert_accessible(page)
    # Only the writer may reword it.
    page.get_by_role("link", name="Edit your question").click()
    expect(page.get_by_role("heading", name="Change your question")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("link", name="Delete your question").click()
    expect(page.get_by_role("heading", name="Delete your question?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Keep it").click()
    expect(page.locator(".app-timeline").get_by_text(QUESTION)).to_be_visible()


def _experiment_and_gain(page: Page) -> None:
    page.get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("button", name=re.compile("^This question helped")).click()
    expect(page.get_by_text("Helped", exact=True)).to_be_visible()
    page.get_by_role("button", name="Record what you will try").click()
    expect(
        page.get_by_role("heading", name="What will you try before the next session?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("A low- or no-spend experiment").check()
    page.get_by_label("What do you expect to learn?").fill("Whether GPs will make the time")
    page.get_by_label("No spend: time and conversations only").check()
    page.get_by_label("What you will do").fill(
        "Run a weekly huddle with one practice for six weeks"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Your experiment has been recorded.")).to_be_visible()
    expect(page.get_by_text("Whether GPs will make the time")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Say what happened")).first.click()
    expect(page.get_by_role("heading", name="What happened?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What happened").fill("GPs came once the huddle moved into the practice.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("What happened has been recorded.")).to_be_visible()
    page.get_by_role("button", name="Record a gain").click()
    expect(page.get_by_role("heading", name="Record a gain")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What is the gain?").fill("Four people picked up before a crisis")
    page.get_by_label("People: patients, carers or residents").check()
    page.get_by_label("Health", exact=True).check()
    page.get_by_label("How do you know? (optional)").fill("Practice records for six weeks")
    page.get_by_role("button", name="Record gain").click()
    expect(page.get_by_text("Your gain has been recorded.")).to_be_visible()
    expect(page.get_by_text("A health gain for people")).to_be_visible()
    assert_accessible(page)


def _tutor_plans_and_reads_gains(page: Page) -> None:
    expect(page.get_by_role("heading", name=re.compile("^Presenting at"))).to_be_visible()
    page.get_by_role("link", name="Give slots to the set's open challenges").click()
    expect(page.get_by_role("heading", name="Materials, topics and presenters")).to_be_visible()
    page.get_by_label("Live challenge").select_option(label=f"Pat Participant: {TITLE}")
    page.get_by_role("button", name="Add presenter").click()
    expect(page.get_by_text("The presenter slot has been added.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the session").click()
    live = page.locator("li", has_text="Pat Participant")
    expect(live.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Learning sets", exact=True).click()
    page.get_by_role("link", name="Riverside learning set").click()
    expect(page.get_by_role("table", name="Gains recorded so far")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="See all 1 gain").click()
    expect(page.get_by_role("heading", name="Gains", level=1)).to_be_visible()
    expect(page.get_by_text("Four people picked up before a crisis")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kind of gain").select_option(label="Economic")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No economic gains recorded yet.")).to_be_visible()


def _close_and_publish(page: Page) -> str:
    page.get_by_role("link", name="Pause or close your challenge").click()
    expect(page.get_by_role("heading", name="Where is this challenge now?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Closed").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your challenge is closed.")).to_be_visible()
    page.get_by_role("link", name="Publish it as a story").click()
    expect(page.get_by_role("heading", name="Publish your challenge as a story")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your story").fill("A weekly huddle found people before a crisis.")
    page.get_by_role("button", name="Publish story").click()
    expect(page.get_by_text("Tick the box to agree to publish your story").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I agree to publish this story").check()
    page.get_by_role("button", name="Publish story").click()
    expect(page.get_by_text("Your story is published.")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    assert_accessible(page)
    return page.url


def test_a_challenge_from_first_question_to_a_published_story(live_server: LiveServer, page: Page):
    _programme(live_server)
    sign_in(page, live_server.url, "pat@example.org")
    _record_challenge(page)
    challenge_url = page.url
    sign_out(page)

    sign_in(page, live_server.url, "fay@example.org")
    _ask_question(page)
    sign_out(page)

    # Someone from another set cannot even see that it exists.
    sign_in(page, live_server.url, "oona@example.org")
    assert page.goto(challenge_url).status == 404
    page.goto(live_server.url + "/")
    sign_out(page)

    sign_in(page, live_server.url, "pat@example.org")
    _experiment_and_gain(page)
    sign_out(page)

    sign_in(page, live_server.url, "tess@example.org")
    _tutor_plans_and_reads_gains(page)
    sign_out(page)

    sign_in(page, live_server.url, "pat@example.org")
    page.goto(challenge_url)
    story_url = _close_and_publish(page)
    page.get_by_role("link", name="Library", exact=True).click()
    page.goto(live_server.url + "/stories")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(page)
    page.goto(challenge_url)
    page.get_by_role("link", name="Unpublish your story").click()
    expect(page.get_by_role("heading", name="Unpublish your story?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Keep it published").click()
    page.get_by_role("link", name="Delete your challenge").click()
    expect(page.get_by_role("heading", name=f"Delete “{TITLE}”?")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The story reaches the other set; the set's question does not.
    sign_in(page, live_server.url, "oona@example.org")
    page.goto(story_url)
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("Four people picked up before a crisis")).to_be_visible()
    expect(page.get_by_text(QUESTION)).to_have_count(0)
    assert_accessible(page)
