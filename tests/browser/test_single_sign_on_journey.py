"""Single sign-on in Chromium (issue 16, item 1): a participant presses "Sign in with NHSmail"
on the sign-in page, signs in at their organisation's provider (oidc-provider-mock, a real
OpenID Connect provider on 127.0.0.1) and lands on Learnset's home page, signed in. axe-core
checks Learnset's pages on the way (the provider's own page is not ours to check)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from learnset.cohorts import services as cohort_services
from learnset.cohorts.models import Role
from learnset.db import utcnow
from tests import factories
from tests.accounts.oidc import Provider, running_provider
from tests.accounts.two_factor_helpers import code_for
from tests.browser.conftest import LiveServer, serving
from tests.browser.steps import (
    RIVERSIDE,
    assert_accessible,
    fill_in_sign_in,
    refused,
    sign_in,
    sign_out,
)


@pytest.fixture
def provider() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def sso_server(template_database: Path, tmp_path: Path, provider: Provider) -> Iterator[LiveServer]:
    """The live server of the other journeys, with single sign-on pointed at the provider."""
    with serving(
        template_database,
        tmp_path,
        SSO_ISSUER=provider.issuer,
        SSO_CLIENT_ID="learnset-browser-tests",
        SSO_CLIENT_SECRET="not-a-real-secret",
        SSO_BUTTON_LABEL="Sign in with NHSmail",
    ) as server:
        yield server


def _riverside_at_the_provider(sso_server: LiveServer, provider: Provider, name: str) -> str:
    """The Riverside set made, and `name`, one of its people, known to the provider: their
    address."""
    with sso_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        session.commit()
    email = factories.email_for(name)
    provider.add_user(email, name=name)
    return email


def test_a_participant_signs_in_with_nhsmail(
    sso_server: LiveServer, provider: Provider, page: Page
):
    email = _riverside_at_the_provider(sso_server, provider, "Pat Participant")

    page.goto(sso_server.url + "/reflections")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    assert_accessible(page)
    _through_the_provider(page, provider, email)

    # Back at Learnset, signed in, where they were going.
    expect(page.get_by_role("heading", level=1, name="Your reflective log")).to_be_visible()
    assert_accessible(page)
    page.goto(sso_server.url + "/")
    expect(page.get_by_role("heading", name="Hello, Pat Participant")).to_be_visible()
    sign_out(page)


def _through_the_provider(page: Page, provider: Provider, email: str) -> None:
    """Press the NHSmail button; at the provider, say who is signing in and authorise Learnset."""
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
    email = _riverside_at_the_provider(sso_server, provider, "Tess Tutor")

    page.goto(sso_server.url + "/sign-in")
    _through_the_provider(page, provider, email)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    assert_accessible(page)
    # Nothing else opens until it is set up: another page leads back here.
    page.goto(sso_server.url + "/account")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_text("Finish signing in first")).to_be_visible()
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


def test_an_invited_nurse_joins_with_nhsmail_and_has_no_password(
    sso_server: LiveServer, provider: Provider, page: Page
):
    """Issue 16: an invitation to an address single sign-on may sign in is taken up with the
    button; the provider vouches for that very address, and the account has no password."""
    invited = "nia.nurse@nhs.net"
    with sso_server.session() as session:
        riverside = factories.make_set(session, "Riverside learning set", RIVERSIDE)
        issued = cohort_services.invite(
            session,
            cohort=riverside.cohort,
            email=invited,
            role=Role.PARTICIPANT,
            invited_by=riverside.people["Tess Tutor"],
            now=utcnow(),
            days=14,
        )
        session.commit()
    provider.add_user(invited, name="Nia Nurse")

    page.goto(f"{sso_server.url}/join/{issued.token}")
    expect(page.get_by_role("heading", name="Use your organisation's account")).to_be_visible()
    assert_accessible(page)
    _through_the_provider(page, provider, invited)

    expect(page.get_by_text("Your account will have no Learnset password")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Nia Nurse")
    assert_accessible(page)
    page.get_by_label("Job title").fill("Practice nurse")
    page.get_by_role("button", name="Create account and join").click()
    expect(page.get_by_role("heading", name="Hello, Nia Nurse")).to_be_visible()
    expect(page.get_by_text("You have joined Riverside learning set")).to_be_visible()
    sign_out(page)


def test_an_admin_requires_nhsmail_for_a_domain_whose_passwords_then_stop(
    sso_server: LiveServer, provider: Provider, page: Page
):
    """Issue 16: the admin's page of domains that must use single sign-on, and what a person of
    such a domain then meets at the password form."""
    with sso_server.session() as session:
        factories.make_user(session, name="Ada Admin", email="ada@example.org", is_admin=True)
        factories.make_user(session, name="Nia Nurse", email="nia@nhs.net")
        session.commit()
    sign_in(page, sso_server.url, "ada@example.org", "Ada Admin")
    page.goto(sso_server.url + "/people")
    page.get_by_role("link", name="email domains that must use single sign-on").click()
    expect(page.get_by_role("heading", name="Domains that must use single sign-on")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email domain").fill("nhs")
    refused(page, "Require single sign-on")
    page.get_by_label("Email domain").fill("nhs.net")
    page.get_by_role("button", name="Require single sign-on").click()
    expect(
        page.get_by_text("Addresses ending @nhs.net now sign in with single sign-on")
    ).to_be_visible()
    sign_out(page)

    fill_in_sign_in(page, "nia@nhs.net")
    expect(
        page.get_by_text("Addresses ending @nhs.net sign in with single sign-on").first
    ).to_be_visible()
    assert_accessible(page)
