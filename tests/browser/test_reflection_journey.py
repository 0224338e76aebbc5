"""A participant writes a reflection, shares it with the tutor, the tutor comments, and back."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from learnset.reflections.models import ReflectionDraft
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import (
    RIVERSIDE,
    assert_accessible,
    refused,
    share_with_tutors,
    sign_in,
    sign_out,
)


def _programme(live_server: LiveServer) -> None:
    with live_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        session.commit()


def _write(page: Page, title: str) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Day").fill("5")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("What happened?").fill("I took the data pack to the practice managers.")
    page.get_by_label("So what?").fill("Data started the conversation instead of ending it.")
    page.get_by_label("Now what?").fill("One chart and one question at every locality meeting.")


def test_write_autosave_share_comment_and_privacy(live_server: LiveServer, page: Page):
    _programme(live_server)
    sign_in(page, live_server.url, "pat@example.org")
    page.get_by_role("link", name="Your log", exact=True).click()
    expect(page.get_by_role("heading", name="Your reflective log", level=1)).to_be_visible()
    expect(page.get_by_text("You have not written any reflections yet")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Write a reflection").first.click()
    expect(page.get_by_role("heading", name="Write a reflection")).to_be_visible()
    expect(page.get_by_text("Do not identify patients")).to_be_visible()
    assert_accessible(page)
    # Loaded, so the autosave script is listening before the first word is typed.
    page.wait_for_load_state("load")
    _write(page, "The data pack conversation")
    # Autosave: the draft is kept while typing, and a reload brings it back. The status is busy
    # until a save has taken everything typed: a save begun between two fields (a pause on a
    # loaded machine) also says "Draft saved at", and the rest would then be only in the save
    # sent as the page unloads, which the reloaded page's request can overtake.
    status = page.get_by_role("status")
    expect(status).not_to_have_attribute("aria-busy", "true", timeout=15_000)
    expect(status).to_have_text(re.compile("Draft saved at"))
    page.reload()
    expect(page.get_by_label("Title")).to_have_value("The data pack conversation")
    expect(page.get_by_label("So what?")).to_have_value(
        "Data started the conversation instead of ending it."
    )
    expect(page.get_by_text("This draft was last kept")).to_be_visible()

    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Your reflection has been saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="The data pack conversation")).to_be_visible()
    assert_accessible(page)
    reflection_url = page.url

    page.get_by_role("link", name="Share it, or make it private").click()
    expect(page.get_by_role("heading", name="Who can read this reflection?")).to_be_visible()
    assert_accessible(page)
    share_with_tutors(page)
    sign_out(page)

    sign_in(page, live_server.url, "tess@example.org")
    expect(page.get_by_role("heading", name="Recently shared with you")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="The data pack conversation").click()
    expect(page.get_by_text("Shared by Pat Participant")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Add a comment").fill("What surprised the managers most?")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Your comment has been added.")).to_be_visible()
    page.get_by_role("link", name="Shared with you", exact=True).click()
    expect(page.get_by_role("heading", name="Reflections shared with you")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server.url, "pat@example.org")
    expect(page.get_by_role("heading", name="New comments on your reflections")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="The data pack conversation").first.click()
    expect(page.get_by_text("What surprised the managers most?")).to_be_visible()
    expect(page.get_by_text("Tess Tutor")).to_be_visible()
    # Opening the page changed nothing; its script marks the comments as read with a POST,
    # and the button goes. The comment keeps its "New" tag on this page.
    expect(page.get_by_text("New", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Mark comments as read")).to_be_hidden()
    assert_accessible(page)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="New comments on your reflections")).to_have_count(0)
    sign_out(page)

    # Another participant of the same set cannot open it: it was shared with the tutors only.
    sign_in(page, live_server.url, "fay@example.org")
    response = page.goto(reflection_url)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("The data pack conversation")).to_have_count(0)
    assert_accessible(page)


def test_leaving_the_page_keeps_the_draft(live_server: LiveServer, page: Page):
    _programme(live_server)
    sign_in(page, live_server.url, "pat@example.org")
    page.goto(live_server.url + "/reflections/new")
    page.get_by_label("Title").fill("Typed just before leaving")
    # Leave at once, before the pause that triggers a save: the page saves as it goes.
    page.get_by_role("link", name="Your log", exact=True).click()
    expect(page.get_by_role("heading", name="Your reflective log", level=1)).to_be_visible()
    live_server.answered.wait_for("POST", r"/reflections/new/[^/]+/draft")
    with live_server.session() as session:
        titles = [d.data.get("title") for d in session.scalars(select(ReflectionDraft))]
    assert titles == [["Typed just before leaving"]]
    page.reload()
    page.get_by_role("link", name="Typed just before leaving").click()
    expect(page.get_by_label("Title")).to_have_value("Typed just before leaving")


def test_every_page_of_the_log_is_accessible(live_server: LiveServer, page: Page):
    _programme(live_server)
    sign_in(page, live_server.url, "pat@example.org")
    page.goto(live_server.url + "/reflections/new?structure=gibbs")
    refused(page, "Save reflection")
    page.get_by_label("Title").fill("Patient 943 476 5919")
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Description").fill("Something happened.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("looks like an NHS number").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("A difficult meeting")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Your reflection has been saved.")).to_be_visible()
    reflection_url = page.url

    page.goto(reflection_url + "/edit")
    page.get_by_label("Evaluation").fill("It went better than I feared.")
    page.get_by_role("button", name="Save reflection").click()
    for path, heading in [
        ("/reflections", "Your reflective log"),
        ("/reflections?q=nothing-matches", "Your reflective log"),
        (reflection_url.removeprefix(live_server.url) + "/history", "Earlier versions"),
        (
            reflection_url.removeprefix(live_server.url) + "/history/clear",
            "Delete all earlier versions of this reflection?",
        ),
        (reflection_url.removeprefix(live_server.url) + "/delete", "Delete “A difficult meeting”?"),
        ("/reflections/portfolio", "Reflective practice for appraisal"),
        ("/reflections/shared", "Reflections shared with you"),
        ("/account", "Your account"),
        ("/account/delete", "Delete your account"),
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert_accessible(page)

    page.goto(reflection_url + "/delete")
    page.get_by_role("button", name="Move to the bin").click()
    page.get_by_role("link", name="The bin").click()
    expect(page.get_by_role("heading", name="The bin", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Delete for good A difficult meeting").click()
    expect(page.get_by_role("heading", name=re.compile("for good"))).to_be_visible()
    assert_accessible(page)
