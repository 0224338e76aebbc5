"""The information governance pack (issue 15, item 6): the privacy notice names the controller
and DPO from settings and shows the retention periods the purge enforces; the accessibility
statement has the parts the 2018 regulations expect; the cookies page lists every cookie the
app sets, checked against the cookies a real visit collects."""

from __future__ import annotations

from http.cookies import SimpleCookie

from learnset import retention
from tests import factories
from tests.helpers import press, sign_in, sign_out, submit, tables, text_of


def test_the_privacy_notice_names_the_controller_and_dpo_from_settings(app, client):
    app.config.update(
        DATA_CONTROLLER="NHS Riverside Integrated Care Board",
        DPO_CONTACT="dpo@riverside.example.nhs.uk",
        LAWFUL_BASIS="a task in the public interest (UK GDPR Article 6(1)(e))",
    )
    html = text_of(client.get("/privacy"))
    assert "NHS Riverside Integrated Care Board runs this Learnset service" in html
    assert "dpo@riverside.example.nhs.uk" in html
    assert "a task in the public interest (UK GDPR Article 6(1)(e))" in html
    assert "ico.org.uk" in html


def test_the_privacy_notice_says_what_to_do_when_nothing_is_set(client):
    html = text_of(client.get("/privacy"))
    assert "Ask the programme team" in html and "Data Protection Officer" in html


def test_the_privacy_notice_shows_the_retention_periods_the_code_enforces(app, client):
    app.config.update(AUDIT_RETENTION_DAYS=400, SIGN_IN_FAILURE_WINDOW_MINUTES=20)
    rows = tables(text_of(client.get("/privacy")))["What is kept, and for how long"]
    shown = dict(rows[1:])
    expected = {lifetime.kind: lifetime.kept_with(app.config) for lifetime in retention.LIFETIMES}
    assert shown == {" ".join(k.split()): " ".join(v.split()) for k, v in expected.items()}
    audit = next(value for key, value in shown.items() if key.startswith("Audit log"))
    assert audit == "400 days after the event"
    assert any("(20 minutes)" in value for value in shown.values())


def test_the_accessibility_statement_has_what_the_regulations_ask_for(app, client):
    app.config.update(
        DATA_CONTROLLER="NHS Riverside ICB",
        ACCESSIBILITY_CONTACT="accessibility@riverside.example.nhs.uk",
        ACCESSIBILITY_PREPARED="1 December 2026",
        ACCESSIBILITY_LAST_TESTED="20 November 2026",
    )
    html = text_of(client.get("/accessibility"))
    for part in (
        "Accessibility statement for Learnset",
        "It is run by NHS Riverside ICB",
        "Compliance status",
        "partially compliant",
        "Non-accessible content",
        "2.2.1",
        "Feedback and contact information",
        "accessibility@riverside.example.nhs.uk",
        "Enforcement procedure",
        "Equality and Human Rights Commission (EHRC)",
        "Equality Commission for Northern Ireland (ECNI)",
        "Equality Advisory and Support Service (EASS)",
        "prepared on 1 December 2026",
        "last tested on 20 November 2026",
    ):
        assert part in html, part


def test_the_accessibility_statement_points_at_feedback_without_a_contact(client):
    html = text_of(client.get("/accessibility"))
    assert 'href="/feedback"' in html
    assert "has not yet had a manual test" in html


def _names_set(response, names: set[str]) -> None:
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        names.update(cookie.keys())


def test_the_cookies_page_lists_every_cookie_the_app_sets(app, db, people, framework):
    """Sign in, use the service as each kind of person would (reading, writing, forms with
    errors, a download), sign out: every cookie any response set is on the cookies page."""
    client = app.test_client()
    seen: set[str] = set()
    reflection = factories.make_reflection(db, people.participant, title="Kept to myself")
    db.commit()

    def visit(response):
        _names_set(response, seen)
        return response

    visit(client.get("/"))
    visit(client.get("/sign-in"))
    visit(sign_in(client, people.participant, password="wrong"))
    visit(sign_in(client, people.participant))
    for path in ("/", "/library", "/reflections", f"/reflections/{reflection.id}", "/account",
                 "/account/your-data.json", "/feedback", "/no-such-page"):  # fmt: skip
        visit(client.get(path))
    visit(submit(client, "/feedback", {"message": "Clear and quick."}))
    visit(submit(client, "/account", {"name": ""}))
    visit(sign_out(client))
    visit(press(client, "/sign-out", page="/sign-in"))
    admin = app.test_client()
    visit(sign_in(admin, people.admin))
    visit(admin.get("/people"))
    visit(admin.get("/audit"))

    rows = tables(text_of(client.get("/cookies")))["Cookies Learnset sets"]
    listed = {row[0] for row in rows[1:]}
    assert seen, "the visit set no cookie at all: the test is not looking"
    assert seen == listed
