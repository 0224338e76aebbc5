"""Joining a learning set by invitation with single sign-on (issue 16, item 1): the invited
address, verified by a real provider (oidc-provider-mock, tests/accounts/oidc.py), gets an
account with no password. The invitation is still needed: single sign-on alone makes none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Connection

from learnset.accounts import required_domains, services
from learnset.accounts.models import User
from learnset.audit.models import AuditEvent, AuditKind
from learnset.db import utcnow
from tests.accounts.oidc import Provider, app_with_sso
from tests.helpers import csrf_from, link_in, signed_in, submit, text_of

LABEL = "Sign in with NHSmail"
INVITED = "new.person@nhs.net"


@pytest.fixture
def app(
    database_url: str, connection: Connection, tmp_path: Path, provider: Provider
) -> Iterator[Flask]:
    provider.reset()
    sso = {"SSO_ISSUER": provider.issuer, "SSO_ALLOWED_DOMAINS": "nhs.net"}
    with app_with_sso(database_url, connection, tmp_path, **sso) as app:
        yield app


def _invite(login, people, outbox, email: str = INVITED) -> str:
    path = f"/cohorts/{people.cohort.id}/invitations"
    assert submit(login(people.tutor), path, {"email": email}).status_code == 302
    return link_in(outbox()[-1])


def _join_by_sso(client: Any, provider: Provider, link: str, sub: str) -> Any:
    """Press the invitation page's button, sign in at the provider as `sub`, come back."""
    token = csrf_from(client, link)
    response = client.post(f"/sign-in/sso?next={link}&join=1", data={"csrf_token": token})
    assert response.location.startswith(provider.issuer)
    back = provider.authorize(response.location, sub)
    return client.get("/" + back.split("/", 3)[3])


def _user(db, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email))


def _said(response: Any, status: int = 200) -> str:
    return text_of(response, status).replace("&#39;", "'")


def test_the_invitation_page_offers_the_button_for_an_allowed_domain(client, login, people, outbox):
    link = _invite(login, people, outbox)
    page = _said(client.get(link))
    assert f"choose '{LABEL}'" in page
    assert f'action="/sign-in/sso?next={link}&amp;join=1"' in page
    policy = client.get(link).headers["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:" in policy


def test_no_button_for_an_address_single_sign_on_cannot_sign_in(client, login, people, outbox):
    link = _invite(login, people, outbox, "someone@example.org")
    page = _said(client.get(link))
    assert "Create a password" in page
    assert "/sign-in/sso" not in page


def test_an_invitee_joins_by_single_sign_on_with_no_password(
    client, login, db, people, outbox, provider
):
    link = _invite(login, people, outbox)
    provider.add_user(INVITED, name="Nia Person")
    response = _join_by_sso(client, provider, link, INVITED)
    assert response.location == link
    page = _said(client.get(link))
    assert "Your account will have no Learnset password" in page
    assert 'value="Nia Person"' in page
    assert "Create a password" not in page
    assert _user(db, INVITED) is None, "nothing is made until they press the button"

    response = submit(client, link, {"name": "Nia Person", "job_title": "GP partner"})
    assert response.status_code == 302
    assert signed_in(client)
    user = _user(db, INVITED)
    assert user is not None and user.job_title == "GP partner"
    assert people.cohort.id in {m.cohort_id for m in user.memberships}
    assert services.authenticate(db, INVITED, "", utcnow()) is None
    assert not user.has_password
    account = _said(client.get("/account"))
    assert "None: you sign in with single sign-on" in account
    assert 'href="/account/password"' not in account.split("<h2")[0]
    kinds = {
        (event.kind, event.detail)
        for event in db.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id))
    }
    assert (AuditKind.SIGNED_IN.value, "Single sign-on") in kinds
    assert AuditKind.INVITATION_ACCEPTED.value in {kind for kind, _ in kinds}
    # The invitation is used up, and the new account signs in by single sign-on from now on.
    assert client.get(link).status_code == 410
    browser = client.application.test_client()
    from_sign_in = browser.post("/sign-in/sso", data={"csrf_token": csrf_from(browser, "/sign-in")})
    back = provider.authorize(from_sign_in.location, INVITED)
    assert browser.get("/" + back.split("/", 3)[3]).location == "/"
    assert signed_in(browser)


def test_an_invitee_whose_domain_is_required_joins_by_single_sign_on(
    client, login, db, people, outbox, provider
):
    required_domains.add(
        db, people.admin, "nhs.net", allowed=frozenset({"nhs.net"}), fixed=frozenset(), now=utcnow()
    )
    db.commit()
    link = _invite(login, people, outbox)
    assert "Create a password" not in _said(client.get(link))
    provider.add_user(INVITED, name="Nia Person")
    assert _join_by_sso(client, provider, link, INVITED).location == link
    assert submit(client, link, {"name": "Nia Person"}).status_code == 302
    assert signed_in(client) and not _user(db, INVITED).has_password


def test_the_verified_address_matches_whatever_its_case(
    client, login, db, people, outbox, provider
):
    link = _invite(login, people, outbox)
    provider.add_user("New.Person@NHS.net")
    assert _join_by_sso(client, provider, link, "New.Person@NHS.net").location == link
    assert submit(client, link, {"name": "Nia Person"}).status_code == 302
    assert _user(db, INVITED) is not None


def test_another_verified_address_cannot_take_up_the_invitation(
    client, login, db, people, outbox, provider
):
    link = _invite(login, people, outbox)
    provider.add_user("someone.else@nhs.net")
    assert _join_by_sso(client, provider, link, "someone.else@nhs.net").location == link
    page = _said(client.get(link))
    assert "Your organisation's account is someone.else@nhs.net" in page
    assert f"this invitation was sent to {INVITED}" in page
    assert "Create a password" in page
    # Said once: the held address is forgotten.
    assert "someone.else@nhs.net" not in _said(client.get(link))
    assert _user(db, "someone.else@nhs.net") is None
    assert _user(db, INVITED) is None


def test_an_unverified_address_gets_no_account(client, login, db, people, outbox, provider):
    link = _invite(login, people, outbox)
    provider.add_user(INVITED, email_verified=False)
    assert _join_by_sso(client, provider, link, INVITED).location == link
    assert "has not confirmed that the email address" in _said(client.get(link))
    assert submit(client, link, {"name": "Nia Person"}).status_code == 422
    assert _user(db, INVITED) is None


def test_the_verified_address_is_held_for_that_invitation_alone(
    client, login, db, people, outbox, provider
):
    link = _invite(login, people, outbox)
    other = _invite(login, people, outbox, "other.person@nhs.net")
    provider.add_user(INVITED)
    _join_by_sso(client, provider, link, INVITED)
    assert "Create a password" in _said(client.get(other))
    assert submit(client, other, {"name": "Nia Person"}).status_code == 422
    assert _user(db, "other.person@nhs.net") is None


def test_single_sign_on_without_an_invitation_still_makes_no_account(client, db, provider):
    provider.add_user(INVITED)
    start = client.post("/sign-in/sso", data={"csrf_token": csrf_from(client, "/sign-in")})
    back = provider.authorize(start.location, INVITED)
    assert client.get("/" + back.split("/", 3)[3]).location == "/sign-in"
    assert "Accounts are made by invitation" in _said(client.get("/sign-in"))
    assert _user(db, INVITED) is None
