"""Single sign-on over OpenID Connect (issue 16, item 1), end to end against a real provider
(oidc-provider-mock, tests/accounts/oidc.py) on 127.0.0.1: discovery, its JWKS, its
authorization form and token endpoint. Nothing on Learnset's side is mocked."""

from __future__ import annotations

import base64
import hashlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Connection

from learnset import config, create_app
from learnset.accounts.models import SignInSession, User
from learnset.audit.models import AuditKind
from tests import factories
from tests.accounts.oidc import Provider, app_with_sso, query_of
from tests.apps import bind_app, make_test_config
from tests.helpers import TEST_PASSWORD, audit_events, csrf_from, link_in, submit, text_of

CLIENT_ID = "learnset-tests"
LABEL = "Sign in with NHSmail"
DID_NOT_WORK = "Single sign-on did not work"


@pytest.fixture
def app(
    database_url: str, connection: Connection, tmp_path: Path, provider: Provider
) -> Iterator[Flask]:
    """The suite's app with single sign-on pointed at the provider."""
    provider.reset()
    with app_with_sso(
        database_url,
        connection,
        tmp_path,
        SSO_ISSUER=provider.issuer,
        SSO_CLIENT_ID=CLIENT_ID,
        SSO_ALLOWED_DOMAINS="example.org, nhs.net",
        SSO_REQUIRED_DOMAINS="nhs.net",
    ) as app:
        yield app


def _start(client: Any, next_url: str | None = None) -> str:
    """Press the single sign-on button on the sign-in page: the provider's authorize URL."""
    page = "/sign-in" + (f"?next={next_url}" if next_url else "")
    action = "/sign-in/sso" + (f"?next={next_url}" if next_url else "")
    response = client.post(action, data={"csrf_token": csrf_from(client, page)})
    assert response.status_code == 302, response.status_code
    assert response.location.startswith(client.application.config["SSO_ISSUER"])
    return str(response.location)


def _back(client: Any, callback_url: str) -> Any:
    """The browser following the provider's redirect back to Learnset."""
    parts = callback_url.split("/", 3)
    return client.get("/" + parts[3])


def _sign_in_by_sso(client: Any, provider: Provider, email: str, next_url: str | None = None):
    authorize = _start(client, next_url)
    return _back(client, provider.authorize(authorize, email))


def _signed_in(client: Any) -> bool:
    return client.get("/account").status_code == 200


def test_the_sign_in_page_offers_the_button(client):
    html = text_of(client.get("/sign-in"))
    assert "NHSmail" in html
    assert 'action="/sign-in/sso"' in html


def test_a_verified_address_signs_in_to_its_account_and_is_logged(client, db, people, provider):
    provider.add_user(people.participant.email)
    response = _sign_in_by_sso(client, provider, people.participant.email, "/account")
    assert response.status_code == 302
    assert response.location == "/account"
    assert f"Hello, {people.participant.name}" in text_of(client.get("/"))
    [event] = audit_events(db, AuditKind.SIGNED_IN)
    assert (event.actor_id, event.detail) == (people.participant.id, "Single sign-on")
    assert db.scalar(select(SignInSession).where(SignInSession.user_id == people.participant.id))


def test_the_redirect_uri_is_built_on_base_url_never_the_host_header(app, client):
    app.config["BASE_URL"] = "https://learnset.example.nhs.uk"
    client.environ_base["HTTP_HOST"] = "attacker.example"
    sent = query_of(_start(client))
    assert sent["redirect_uri"] == "https://learnset.example.nhs.uk/sign-in/sso/callback"


def test_the_flow_uses_pkce_state_and_nonce(client, people, provider):
    provider.add_user(people.participant.email)
    authorize = _start(client)
    sent = query_of(authorize)
    assert sent["response_type"] == "code"
    assert sent["code_challenge_method"] == "S256"
    assert sent["state"] and sent["nonce"]
    assert set(sent["scope"].split()) == {"openid", "email", "profile"}
    assert sent["client_id"] == CLIENT_ID
    assert _back(client, provider.authorize(authorize, people.participant.email)).location == "/"
    [token_request] = provider.token_requests
    verifier = token_request["code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == sent["code_challenge"]


def _refused(client, db, response, message: str, why: str) -> None:
    assert response.status_code == 302
    assert response.location == "/sign-in"
    assert message in text_of(client.get("/sign-in"))
    assert not _signed_in(client)
    assert db.scalar(select(SignInSession)) is None
    [event] = audit_events(db, AuditKind.SIGN_IN_FAILED)
    assert event.detail == f"Single sign-on: {why}"


@pytest.mark.parametrize(
    ("tamper", "foreign_key"),
    [
        ({"aud": "another-application"}, False),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, False),
        ({"iss": "https://login.example.invalid/v2.0"}, False),
        ({"nonce": "not-the-nonce-we-sent"}, False),
        ({}, True),
    ],
    ids=["wrong-audience", "expired", "wrong-issuer", "wrong-nonce", "foreign-signature"],
)
def test_an_id_token_failing_a_check_signs_nobody_in(
    client, db, people, provider, tamper, foreign_key
):
    provider.add_user(people.participant.email)
    provider.tamper.update(tamper)
    provider.foreign_key = foreign_key
    response = _sign_in_by_sso(client, provider, people.participant.email)
    assert response.location == "/sign-in"
    assert DID_NOT_WORK in text_of(client.get("/sign-in"))
    assert not _signed_in(client)
    assert db.scalar(select(SignInSession)) is None
    assert audit_events(db, AuditKind.SIGNED_IN) == []


def test_a_replayed_state_is_refused(client, db, people, provider):
    provider.add_user(people.participant.email)
    callback = provider.authorize(_start(client), people.participant.email)
    assert _back(client, callback).location == "/"
    client.post("/sign-out", data={"csrf_token": csrf_from(client, "/account")})
    # The same answer again, and then its state with a fresh code: both refused.
    assert _back(client, callback).location == "/sign-in"
    authorize = _start(client)
    fresh = query_of(provider.authorize(authorize, people.participant.email))
    stale = query_of(callback)
    response = client.get(f"/sign-in/sso/callback?code={fresh['code']}&state={stale['state']}")
    assert response.location == "/sign-in"
    assert not _signed_in(client)
    assert len(audit_events(db, AuditKind.SIGNED_IN)) == 1


def test_a_callback_from_another_browser_is_refused(client, app, people, provider):
    """Login CSRF: someone else's code and state, opened in this browser, sign nobody in."""
    provider.add_user(people.participant.email)
    theirs = provider.authorize(_start(app.test_client()), people.participant.email)
    assert _back(client, theirs).location == "/sign-in"
    assert not _signed_in(client)


def test_an_unverified_address_is_refused(client, db, people, provider):
    provider.add_user(people.participant.email, email_verified=False)
    response = _sign_in_by_sso(client, provider, people.participant.email)
    _refused(client, db, response, "has not confirmed", "email address not verified")


def test_entra_s_verified_domain_claim_counts_as_verified(client, db, people, provider):
    provider.add_user(people.participant.email, email_verified=None, xms_edov=True)
    assert _sign_in_by_sso(client, provider, people.participant.email).location == "/"
    assert _signed_in(client)


def test_an_address_with_no_account_gets_no_account(client, db, people, provider):
    provider.add_user("newcomer@example.org")
    response = _sign_in_by_sso(client, provider, "newcomer@example.org")
    _refused(
        client,
        db,
        response,
        "There is no active Learnset account for newcomer@example.org",
        "no active account has the verified address",
    )
    assert db.scalar(select(User).where(User.email == "newcomer@example.org")) is None


def test_a_deactivated_account_cannot_sign_in_by_sso(client, db, people, provider):
    people.participant.is_active = False
    db.commit()
    provider.add_user(people.participant.email)
    response = _sign_in_by_sso(client, provider, people.participant.email)
    _refused(
        client,
        db,
        response,
        "There is no active Learnset account",
        "no active account has the verified address",
    )


def test_a_domain_not_allowed_is_refused(client, db, provider):
    user = factories.make_user(db, email="someone@elsewhere.test")
    db.commit()
    provider.add_user(user.email)
    response = _sign_in_by_sso(client, provider, user.email)
    _refused(
        client,
        db,
        response,
        "Single sign-on is not set up for elsewhere.test addresses",
        "email domain not allowed",
    )


def test_a_domain_that_requires_sso_cannot_use_a_password(client, db, provider):
    user = factories.make_user(db, email="nurse@nhs.net")
    db.commit()
    response = submit(client, "/sign-in", {"email": "NURSE@nhs.net", "password": TEST_PASSWORD})
    said = text_of(response, 422).replace("&#39;", "'")
    assert (
        "Addresses ending @nhs.net sign in with single sign-on: choose 'Sign in with NHSmail'"
        in said
    )
    assert not _signed_in(client)
    provider.add_user(user.email)
    assert _sign_in_by_sso(client, provider, user.email).location == "/"
    assert _signed_in(client)


def test_other_domains_still_sign_in_by_password(client, people):
    response = submit(
        client, "/sign-in", {"email": people.participant.email, "password": TEST_PASSWORD}
    )
    assert response.location == "/"


def test_the_button_needs_this_site_s_form_token(client, provider):
    response = client.post("/sign-in/sso")
    assert response.status_code == 400
    assert provider.issuer not in (response.location or "")


def test_a_provider_that_cannot_be_reached_is_said_plainly(
    database_url, connection, tmp_path, client
):
    settings = {
        **make_test_config(database_url, tmp_path),
        "SSO_ISSUER": "http://127.0.0.1:9",
        "SSO_CLIENT_ID": CLIENT_ID,
        "SSO_CLIENT_SECRET": "x",
    }
    down = bind_app(create_app(settings), connection).test_client()
    response = down.post("/sign-in/sso", data={"csrf_token": csrf_from(down, "/sign-in")})
    assert response.location == "/sign-in"
    assert "is not available just now" in text_of(down.get("/sign-in"))


def test_a_provider_that_never_answers_is_given_up_on(database_url, connection, tmp_path):
    """A provider that accepts the connection and then says nothing: the button answers within
    SSO_TIMEOUT_SECONDS, with the same plain message."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        settings = {
            **make_test_config(database_url, tmp_path),
            "SSO_ISSUER": f"http://127.0.0.1:{silent.getsockname()[1]}",
            "SSO_CLIENT_ID": CLIENT_ID,
            "SSO_CLIENT_SECRET": "x",
            "SSO_TIMEOUT_SECONDS": 0.5,
        }
        browser = bind_app(create_app(settings), connection).test_client()
        token = csrf_from(browser, "/sign-in")
        started = time.monotonic()
        response = browser.post("/sign-in/sso", data={"csrf_token": token})
        assert time.monotonic() - started < 5
        assert response.location == "/sign-in"
        assert "is not available just now" in text_of(browser.get("/sign-in"))
    finally:
        silent.close()


def test_every_role_meets_the_same_public_pages(login, people, provider, no_csrf):
    """The role matrix runs with single sign-on off (its routes do not exist then): here, with
    it on, both routes answer everyone without a 4xx or 5xx, and a signed-in person pressing
    the button is just sent on."""
    for role in ("anonymous", "participant", "tutor", "admin"):
        browser = login(people.by_role(role))
        assert browser.get("/sign-in/sso/callback").status_code == 302
        response = browser.post("/sign-in/sso")
        assert response.status_code == 302


def test_only_the_sign_in_page_lets_a_form_lead_to_the_provider(client, provider):
    """Browsers hold a form's redirect to the page's form-action: the button's page names the
    provider's origin there, and no other page does."""
    policy = client.get("/sign-in").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.issuer};" in policy
    for path in ("/privacy", "/forgot-password"):
        assert "form-action 'self';" in client.get(path).headers["Content-Security-Policy"]


def test_an_invitation_to_an_existing_account_is_accepted_after_single_sign_on(
    client, login, db, outbox, people, provider
):
    """The invitation page sends someone with an account to sign in, and single sign-on brings
    them back to it to join. (An invitation needing a new account still asks for a password:
    single sign-on makes no accounts.)"""
    path = f"/cohorts/{people.other_cohort.id}/invitations"
    submit(login(people.other_tutor), path, {"email": people.participant.email})
    link = link_in(outbox()[0])
    sign_in_page = text_of(client.get(link))
    assert "/sign-in?next=" in sign_in_page
    provider.add_user(people.participant.email)
    response = _sign_in_by_sso(client, provider, people.participant.email, link)
    assert response.location == link
    joining = text_of(client.get(link))
    assert f"Join {people.other_cohort.name}" in joining
    assert submit(client, link, {}).status_code == 302
    db.refresh(people.participant)
    assert people.other_cohort.id in {m.cohort_id for m in people.participant.memberships}


def test_production_settings_refuse_an_insecure_or_half_set_issuer():
    base = {
        "PRODUCTION": True,
        "SECRET_KEY": "k",
        "MAIL_SERVER": "smtp.example",
        "TWO_FACTOR_KEY": "EK3EUZLmZ1MoMeSTC2PWJGnThD_Fr3upf1fhMgDTvag=",
    }
    assert config.unsafe_for_production({**base, "SSO_ISSUER": ""}) == []
    problems = config.unsafe_for_production({**base, "SSO_ISSUER": "http://id.example"})
    assert "make SSO_ISSUER an https:// address" in problems
    assert any("SSO_CLIENT_ID" in problem for problem in problems)
    whole = {"SSO_ISSUER": "https://id.example", "SSO_CLIENT_ID": "a", "SSO_CLIENT_SECRET": "b"}
    assert config.unsafe_for_production({**base, **whole}) == []
