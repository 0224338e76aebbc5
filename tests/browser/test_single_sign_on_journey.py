"""Single sign-on in Chromium (issue 16, item 1): a participant presses "Sign in with NHSmail"
on the sign-in page, signs in at their organisation's provider (oidc-provider-mock, a real
OpenID Connect provider on 127.0.0.1) and lands on Learnset's home page, signed in. axe-core
checks Learnset's pages on the way (the provider's own page is not ours to check)."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from learnset import create_app
from learnset.db import database
from tests import factories
from tests.accounts.oidc import Provider, running_provider
from tests.accounts.two_factor_helpers import code_for
from tests.apps import TEMPLATE_CACHE, make_test_config
from tests.browser.conftest import AnsweredRequests, LiveServer, _whole_bodies
from tests.browser.steps import RIVERSIDE, assert_accessible, sign_out


@pytest.fixture
def provider() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def sso_server(template_database: Path, tmp_path: Path, provider: Provider) -> Iterator[LiveServer]:
    """The live server of the other journeys, with single sign-on pointed at the provider."""
    db_path = tmp_path / "learnset.db"
    shutil.copy(template_database, db_path)
    config = {
        **make_test_config(f"sqlite:///{db_path}", tmp_path),
        "SSO_ISSUER": provider.issuer,
        "SSO_CLIENT_ID": "learnset-browser-tests",
        "SSO_CLIENT_SECRET": "not-a-real-secret",
        "SSO_BUTTON_LABEL": "Sign in with NHSmail",
    }
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    answered = AnsweredRequests()
    server = make_server("127.0.0.1", 0, _whole_bodies(app, answered), threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, base, Path(config["MAIL_OUTBOX"]), answered)
    server.shutdown()
    server.server_close()
    database(app).engine.dispose()


def test_a_participant_signs_in_with_nhsmail(
    sso_server: LiveServer, provider: Provider, page: Page
):
    with sso_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        session.commit()
    email = factories.email_for("Pat Participant")
    provider.add_user(email, name="Pat Participant")

    page.goto(sso_server.url + "/reflections")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with NHSmail").click()

    # At the provider: who is signing in, then authorise Learnset.
    expect(page).to_have_url(re.compile("^" + re.escape(provider.issuer)))
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()

    # Back at Learnset, signed in, where they were going.
    expect(page.get_by_role("heading", level=1, name="Your reflective log")).to_be_visible()
    assert_accessible(page)
    page.goto(sso_server.url + "/")
    expect(page.get_by_role("heading", name="Hello, Pat Participant")).to_be_visible()
    sign_out(page)


def _through_the_provider(page: Page, provider: Provider, email: str) -> None:
    page.get_by_role("button", name="Sign in with NHSmail").click()
    expect(page).to_have_url(re.compile("^" + re.escape(provider.issuer)))
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()


def test_a_new_tutor_signs_in_with_nhsmail_and_sets_up_a_second_factor(
    sso_server: LiveServer, provider: Provider, page: Page
):
    """Issue 16's trial as a new tutor would make it: single sign-on is one factor, so a tutor
    is asked for a second before any page opens, sets up an app, and next time gives a code
    after the provider."""
    sso_server.app.config["TWO_FACTOR_REQUIRED"] = True
    with sso_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        session.commit()
    email = factories.email_for("Tess Tutor")
    provider.add_user(email, name="Tess Tutor")

    page.goto(sso_server.url + "/sign-in")
    _through_the_provider(page, provider, email)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    assert_accessible(page)
    # Nothing else opens until it is set up.
    page.goto(sso_server.url + "/account")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()

    page.goto(sso_server.url + "/sign-in/set-up-two-factor")
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Security code").fill(code_for(secret, 0))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page.get_by_role("heading", name="Hello, Tess Tutor")).to_be_visible()
    sign_out(page)

    _through_the_provider(page, provider, email)
    expect(page.get_by_role("heading", name="Enter a security code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Security code").fill(code_for(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Hello, Tess Tutor")).to_be_visible()
