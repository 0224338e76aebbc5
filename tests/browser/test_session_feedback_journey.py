"""A participant answers the three questions about last week's session from their home page;
the tutor reads an earlier session's answers, released without names (issue 19, item 3)."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from learnset.session_feedback import services
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, refused, sign_in, sign_out


def test_a_participant_answers_and_the_tutor_reads_a_closed_session(
    live_server: LiveServer, page: Page
):
    with live_server.session() as session:
        learning_set = factories.make_set(
            session,
            "Riverside set",
            {**RIVERSIDE, "Sam Second": "participant", "Ravi Third": "participant"},
        )
        factories.make_past_meeting(
            session, learning_set.cohort, days_ago=2, status="published", title="Outcomes first"
        )
        earlier = factories.make_past_meeting(
            session, learning_set.cohort, days_ago=40, status="published", title="Open Space"
        )
        for name, words in (
            ("Fay Fellow", "Run a small Open Space with the care homes."),
            ("Sam Second", "Ask the provider what they would stop."),
            ("Ravi Third", ""),
        ):
            services.answer(
                session,
                learning_set.people[name],
                earlier,
                services.Answers(4, words),
                earlier.ends_at + timedelta(hours=2),
            )
        session.commit()
        earlier_id = earlier.id

    sign_in(page, live_server.url, "pat@example.org", "Pat Participant")
    page.get_by_role("link", name="Answer three questions about Outcomes first").click()
    expect(page.get_by_role("heading", level=1, name="How was the session?")).to_be_visible()
    assert_accessible(page)
    refused(page, "Send my answers")
    expect(page.locator("#usefulness-error")).to_contain_text("Choose how useful the session was")
    page.get_by_label("Very useful").check()
    page.get_by_label("What will you do differently because of it? (optional)").fill(
        "Start the frailty review with the people who use the service."
    )
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you. Your answers have been saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Outcomes first")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Tell us how this session went").click()
    expect(page.get_by_label("Very useful")).to_be_checked()
    expect(page.get_by_role("button", name="Change my answers")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server.url, "tess@example.org", "Tess Tutor")
    page.goto(f"{live_server.url}/sessions/{earlier_id}")
    page.get_by_role("link", name="Session feedback").click()
    expect(page.get_by_text("3 participants answered.")).to_be_visible()
    expect(page.get_by_text("Ask the provider what they would stop.")).to_be_visible()
    expect(page.get_by_role("heading", name="Why the answers are shown this way")).to_be_visible()
    assert_accessible(page)
