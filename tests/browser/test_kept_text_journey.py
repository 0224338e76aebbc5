"""Kept text in a real browser: a forged form from another origin keeps nothing and signs
nobody out; text typed as the sign-in expired comes back only when its writer chooses it.

The forged form is served by a second live server, so Chromium applies its real cookie rules.
The app's cookies are SameSite=Lax, and site means scheme and registrable domain, not port:

- "same site": the forged page is on http://127.0.0.1:<other port>, another origin of the same
  site (as a sibling app on the same host or domain would be). Chromium sends the victim's
  cookies with its POST, so only the CSRF token can stop it: this proves the token check
  refuses it, stores nothing and leaves the victim's session and draft alone.
- "cross site": the forged page is on http://localhost:<port>, another site. Chromium keeps
  the cookies back, so the app sees a post from nobody: this proves the answer stores nothing
  and sets no cookie either (on main it set one, replacing the victim's session: signed out,
  and the forged text waiting for them at their next sign-in).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from learnset.accounts import sign_ins
from learnset.accounts.models import User
from learnset.db import utcnow
from learnset.reflections import drafts
from learnset.reflections.models import Reflection, ReflectionDraft, ReflectionRescue
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import assert_accessible, fill_in_sign_in, sign_in, sign_out

HEADING = "Text you typed before you were signed out"
DRAFT = {
    "structure": ["driscoll"],
    "title": ["Pat's own unsaved words"],
    "experienced_on-day": ["5"],
    "experienced_on-month": ["3"],
    "experienced_on-year": ["2026"],
    "part_what": ["What Pat is still writing."],
    "visibility": ["private"],
}


class OtherSite:
    """A second server, on another port, that serves whatever page a test gives it."""

    def __init__(self) -> None:
        self.page = ""
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _wsgi(self, environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [self.page.encode()]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def other_site() -> Iterator[OtherSite]:
    site = OtherSite()
    yield site
    site.close()


def _forged_form(action: str) -> str:
    """What an attacker's page holds: the editor's fields, no token (it cannot read one)."""
    fields = {
        "structure": "driscoll",
        "title": "Forged words",
        "experienced_on-day": "1",
        "experienced_on-month": "1",
        "experienced_on-year": "2026",
        "part_what": "Written by someone else.",
        "part_so_what": "",
        "part_now_what": "",
        "visibility": "set",
        "action": "save",
    }
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
    return (
        "<!doctype html><html lang='en'><head><title>Win a prize</title></head><body>"
        f"<form method='post' action='{action}'>{inputs}<button>Claim your prize</button></form>"
        "</body></html>"
    )


def _programme(live_server: LiveServer) -> int:
    """Pat, in a set, with a saved reflection and an unsaved draft of changes to it."""
    with live_server.session() as session:
        cohort = factories.make_cohort(session, name="Riverside learning set")
        pat = factories.make_member(
            session, cohort, "participant", name="Pat Participant", email="pat@example.org"
        )
        reflection = Reflection(
            author=pat, cohort=cohort, title="Saved title", structure="driscoll",
            experienced_on=datetime(2026, 3, 5).date(), cpd_minutes=0,
        )  # fmt: skip
        session.add(reflection)
        session.flush()
        drafts.save_draft(session, pat, DRAFT, utcnow(), reflection=reflection)
        session.commit()
        return reflection.id


def _state(live_server: LiveServer, reflection_id: int) -> tuple:
    with live_server.session() as session:
        return (
            session.scalar(select(func.count()).select_from(ReflectionRescue)),
            session.get(Reflection, reflection_id).title,
            [draft.data for draft in session.scalars(select(ReflectionDraft))],
        )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"], ids=["same site", "cross site"])
@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "signed out"])
def test_a_form_on_another_origin_cannot_write_through_the_editor(
    live_server: LiveServer, other_site: OtherSite, page: Page, host: str, signed_in: bool
):
    reflection_id = _programme(live_server)
    sign_in(page, live_server.url, "pat@example.org", "Pat Participant")
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["session"]["sameSite"] == "Lax"
    if signed_in:
        target = f"{live_server.url}/reflections/{reflection_id}/edit"
    else:
        # Signed out (the session keeps its token): the forged text would wait for Pat's next
        # sign-in, in a new reflection's editor.
        sign_out(page)
        target = f"{live_server.url}/reflections/new/forged-key-0123456789"
    other_site.page = _forged_form(target)
    before = _state(live_server, reflection_id)

    page.goto(f"http://{host}:{other_site.port}/")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Claim your prize").click()
    answer = posted.value
    assert answer.status == 400
    assert answer.header_value("set-cookie") is None
    expect(page.get_by_role("heading", name="This form has expired")).to_be_visible()

    assert _state(live_server, reflection_id) == before == (0, "Saved title", [DRAFT])
    if signed_in:
        # Still signed in, and the editor shows Pat's own draft with nothing offered beside it.
        page.goto(f"{live_server.url}/reflections/{reflection_id}/edit")
        expect(page.get_by_label("Title")).to_have_value(DRAFT["title"][0])
    else:
        sign_in(page, live_server.url, "pat@example.org", "Pat Participant")
        page.goto(target)
        expect(page.get_by_label("Title")).to_have_value("")
    expect(page.get_by_text(HEADING)).to_have_count(0)
    expect(page.get_by_text("Forged words")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _end_the_sign_in(live_server: LiveServer) -> None:
    """The sign-in ends on the server (timed out, or ended elsewhere); the page stays open."""
    with live_server.session() as session:
        pat = session.scalar(select(User).where(User.email == "pat@example.org"))
        sign_ins.end_all(session, pat, sign_ins.Ended.BY_OWNER, utcnow())
        session.commit()


def test_text_typed_as_the_sign_in_expired_comes_back_only_when_chosen(
    live_server: LiveServer, page: Page
):
    reflection_id = _programme(live_server)
    sign_in(page, live_server.url, "pat@example.org", "Pat Participant")
    editor = f"{live_server.url}/reflections/{reflection_id}/edit"
    page.goto(editor)
    expect(page.get_by_label("Title")).to_have_value(DRAFT["title"][0])
    _end_the_sign_in(live_server)
    page.get_by_label("Title").fill("Typed as the sign-in ran out")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("We have kept what you wrote")).to_be_visible()
    fill_in_sign_in(page, "pat@example.org")

    # Back in the editor: the kept text beside the draft, neither replacing the other.
    expect(page.get_by_role("heading", name=HEADING)).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile("Title"))).to_contain_text(
        "Typed as the sign-in ran out"
    )
    expect(table.get_by_role("row", name=re.compile("Title"))).to_contain_text(DRAFT["title"][0])
    expect(page.get_by_label("Title")).to_have_value(DRAFT["title"][0])
    assert_accessible(page)

    page.get_by_role("button", name="Discard it").click()
    expect(page.get_by_role("heading", name=f"Discard the t{HEADING[1:]}?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Keep it and go back to the editor").click()

    page.get_by_role("button", name="Use this text").click()
    expect(page.get_by_text("is now in the form")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Typed as the sign-in ran out")
    expect(page.get_by_role("heading", name=HEADING)).to_have_count(0)
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Your reflection has been saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Typed as the sign-in ran out")).to_be_visible()
    with live_server.session() as session:
        assert session.scalar(select(func.count()).select_from(ReflectionRescue)) == 0
