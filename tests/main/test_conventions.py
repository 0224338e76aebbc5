"""NHS service conventions (issue 15, item 7): page titles in the NHS.UK pattern, "Error: "
first while a form has errors, and the phase banner with its feedback link."""

from __future__ import annotations

import re

from tests.helpers import sign_in, text_of


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return match.group(1).strip()


def test_titles_follow_page_service_nhs(client, login, people):
    assert _title(text_of(client.get("/sign-in"))) == "Sign in \u2013 Learnset \u2013 NHS"
    assert _title(text_of(client.get("/privacy"))) == "Privacy notice \u2013 Learnset \u2013 NHS"
    browser = login(people.participant)
    assert _title(text_of(browser.get("/library"))) == "Library \u2013 Learnset \u2013 NHS"
    assert _title(text_of(client.get("/no-such-page", follow_redirects=True), 404)).endswith(
        " \u2013 Learnset \u2013 NHS"
    )


def test_a_page_whose_form_has_errors_begins_its_title_with_error_once(client, people):
    html = text_of(sign_in(client, people.participant, password="wrong"), 422)
    assert _title(html) == "Error: Sign in \u2013 Learnset \u2013 NHS"


def test_the_phase_banner_links_to_feedback_from_the_page_it_is_on(client, login, people):
    html = text_of(login(people.participant).get("/library"))
    assert "Beta" in html and "This is a new service." in html
    assert 'href="/feedback?from=library.index">Tell us what you think</a>' in html
    footer = html.split('role="contentinfo"')[1]
    assert "Give feedback" in footer and "Cookies" in footer and "Privacy" in footer


def test_the_phase_and_the_feedback_address_are_settings(app, client):
    app.config.update(PHASE="Alpha", FEEDBACK_URL="https://forms.example.nhs.uk/learnset")
    html = text_of(client.get("/privacy"))
    assert "Alpha" in html
    assert 'href="https://forms.example.nhs.uk/learnset">Tell us what you think' in html
    app.config["PHASE"] = ""
    assert "This is a new service." not in text_of(client.get("/privacy"))
