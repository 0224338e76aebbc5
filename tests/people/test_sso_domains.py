"""Admins choose the email domains that must sign in by single sign-on (issue 16, item 1): the
page, its rules and its audit events, and what the people of such a domain meet: no password
sign-in and no password reset, each pointing to the single sign-on button."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Connection

from learnset import create_app
from learnset.accounts import required_domains, services
from learnset.accounts.models import RequiredSsoDomain, User
from learnset.audit.models import AuditKind
from learnset.db import database, utcnow
from tests import factories
from tests.accounts.oidc import app_with_sso
from tests.apps import bind_app, make_test_config
from tests.cohorts.test_invitations import NEW_ACCOUNT, _invite
from tests.helpers import (
    TEST_PASSWORD,
    audit_events,
    count_rows,
    csrf_from,
    link_in,
    signed_in,
    statements_for,
    submit,
    text_of,
)

LABEL = "Sign in with NHSmail"
PAGE = "/people/single-sign-on"
NEW = "lantern river otter"
REFUSED = f"Addresses ending @nhs.uk sign in with single sign-on: choose '{LABEL}'"


@pytest.fixture
def app(database_url: str, connection: Connection, tmp_path: Path) -> Iterator[Flask]:
    """Single sign-on on; nothing here reaches the provider, so none is started."""
    with app_with_sso(
        database_url,
        connection,
        tmp_path,
        SSO_ISSUER="https://id.example.test",
        SSO_ALLOWED_DOMAINS="nhs.net, nhs.uk",
        SSO_REQUIRED_DOMAINS="nhs.net",
    ) as app:
        yield app


def _said(response, status: int = 200) -> str:
    return text_of(response, status).replace("&#39;", "'")


def test_the_page_explains_the_effect_and_shows_the_fixed_domains(login, people):
    page = _said(login(people.admin).get(PAGE))
    assert "sign in only with 'Sign in with NHSmail'" in page
    assert "refuses a password sign-in and a password reset" in page
    assert "@nhs.net" in page and "Fixed by the service's settings" in page
    assert "addresses ending @nhs.net, @nhs.uk" in page


def test_an_admin_requires_a_domain_and_its_password_sign_in_is_refused(client, login, db, people):
    nurse = factories.make_user(db, email="nurse@nhs.uk")
    db.commit()
    admin = login(people.admin)
    response = submit(admin, PAGE, {"domain": " @NHS.uk "})
    assert response.status_code == 302
    assert "now sign in with single sign-on only" in text_of(admin.get(PAGE))
    [row] = db.scalars(select(RequiredSsoDomain))
    assert (row.domain, row.added_by_id) == ("nhs.uk", people.admin.id)
    [event] = audit_events(db, AuditKind.SSO_DOMAIN_REQUIRED)
    assert (event.actor_id, event.detail) == (people.admin.id, "nhs.uk")

    response = submit(client, "/sign-in", {"email": nurse.email, "password": TEST_PASSWORD})
    assert REFUSED in _said(response, 422)
    assert not signed_in(client)
    # Nothing counted against the address: the password was never checked.
    assert not audit_events(db, AuditKind.SIGN_IN_FAILED)


def test_a_domain_single_sign_on_cannot_sign_in_is_refused_beside_the_field(login, db, people):
    response = submit(login(people.admin), PAGE, {"domain": "gmail.com"})
    page = _said(response, 422)
    assert "Single sign-on cannot sign in gmail.com addresses" in page
    assert 'id="domain-error"' in page
    assert count_rows(db, RequiredSsoDomain) == 0
    assert not audit_events(db, AuditKind.SSO_DOMAIN_REQUIRED)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "Enter an email domain"),
        ("nurse@nhs.uk", "Enter a domain like nhs.net"),
        ("nhs", "Enter a domain like nhs.net"),
        ("nhs.net", "nhs.net is already required by the service's settings"),
        ("x" * 254, "Enter a domain of 253 characters or fewer"),
    ],
)
def test_a_domain_that_cannot_be_added_says_why(login, db, people, typed, said):
    response = submit(login(people.admin), PAGE, {"domain": typed})
    assert said in _said(response, 422)
    assert count_rows(db, RequiredSsoDomain) == 0


def test_a_domain_is_required_once(login, db, people):
    admin = login(people.admin)
    submit(admin, PAGE, {"domain": "nhs.uk"})
    assert "nhs.uk is already required" in _said(submit(admin, PAGE, {"domain": "nhs.uk"}), 422)
    assert count_rows(db, RequiredSsoDomain) == 1


def test_removing_a_domain_lets_its_passwords_work_again(client, login, db, people):
    nurse = factories.make_user(db, email="nurse@nhs.uk")
    row = required_domains.add(
        db, people.admin, "nhs.uk", allowed=frozenset({"nhs.uk"}), fixed=frozenset(), now=utcnow()
    )
    db.commit()
    admin = login(people.admin)
    path = f"{PAGE}/{row.id}/remove"
    assert "Stop requiring single sign-on for @nhs.uk?" in text_of(admin.get(path))
    assert submit(admin, path, {}).location == PAGE
    assert count_rows(db, RequiredSsoDomain) == 0
    [event] = audit_events(db, AuditKind.SSO_DOMAIN_RELEASED)
    assert (event.actor_id, event.detail) == (people.admin.id, "nhs.uk")
    response = submit(client, "/sign-in", {"email": nurse.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert signed_in(client)


def test_a_fixed_domain_cannot_be_removed_from_the_page(login, people):
    page = _said(login(people.admin).get(PAGE))
    assert "Change SSO_REQUIRED_DOMAINS to remove" in page
    assert "/remove" not in page


def test_a_reset_link_for_a_required_domain_is_refused(client, db, people, outbox):
    nurse = factories.make_user(db, email="nurse@nhs.uk")
    db.commit()
    # A link sent before the domain was required.
    link = "/reset-password/" + services.make_reset_token(
        nurse, client.application.config["SECRET_KEY"]
    )
    required_domains.add(
        db, people.admin, "nhs.uk", allowed=frozenset({"nhs.uk"}), fixed=frozenset(), now=utcnow()
    )
    db.commit()
    token = csrf_from(client, "/forgot-password")
    posted = client.post(link, data={"password": NEW, "confirm": NEW, "csrf_token": token})
    for response in (client.get(link), posted):
        page = _said(response, 403)
        assert "Your address signs in with single sign-on" in page
        assert REFUSED in page
    assert not signed_in(client)
    db.refresh(nurse)
    assert services.authenticate(db, nurse.email, TEST_PASSWORD, utcnow())


def test_asking_for_a_reset_for_a_required_domain_sends_no_link(client, db, people, outbox):
    nurse = factories.make_user(db, email="nurse@nhs.net")
    db.commit()
    assert submit(client, "/forgot-password", {"email": nurse.email}).status_code == 200
    [message] = outbox()
    body = message.get_payload(decode=True).decode()
    assert message["Subject"] == "Your Learnset account signs in with single sign-on"
    assert "/reset-password/" not in body
    assert f"choose '{LABEL}'" in body
    assert link_in(message) == "/sign-in"


def test_an_invitation_to_a_required_domain_offers_no_password(client, login, db, people, outbox):
    _invite(login(people.tutor), people.cohort, email="nurse@nhs.net")
    link = link_in(outbox()[0])
    token = csrf_from(client, "/forgot-password")
    page = _said(client.get(link))
    assert "Addresses ending @nhs.net sign in to Learnset with single sign-on" in page
    assert LABEL in page and f'action="/sign-in/sso?next={link}&amp;join=1"' in page
    assert 'name="password"' not in page and "Or choose a password" not in page
    # A form made before the domain was required, or by hand, makes no account.
    posted = client.post(link, data={**NEW_ACCOUNT, "csrf_token": token})
    assert posted.status_code == 403
    assert not signed_in(client)
    assert db.scalar(select(User).where(User.email == "nurse@nhs.net")) is None
    # Another domain single sign-on can sign in still chooses.
    _invite(login(people.tutor), people.cohort, email="nurse@nhs.uk")
    page = _said(client.get(link_in(outbox()[1])))
    assert "Or choose a password" in page and 'name="password"' in page


def test_with_single_sign_on_off_nothing_can_be_required(
    db, people, database_url, connection, tmp_path
):
    app = bind_app(create_app(make_test_config(database_url, tmp_path)), connection)
    admin = app.test_client(user=people.admin)
    page = text_of(admin.get(PAGE))
    assert "Single sign-on is not set up for this service" in page
    assert 'name="domain"' not in page
    assert count_rows(db, RequiredSsoDomain) == 0
    database(app).engine.dispose()


def test_the_page_costs_the_same_queries_however_many_domains(login, db, people, count_queries):
    admin = login(people.admin)
    allowed = frozenset({f"trust{n}.nhs.uk" for n in range(30)})

    def add(numbers: range) -> None:
        for n in numbers:
            required_domains.add(
                db,
                people.admin,
                f"trust{n}.nhs.uk",
                allowed=allowed,
                fixed=frozenset(),
                now=utcnow(),
            )
        db.commit()

    add(range(2))
    few = statements_for(count_queries, admin, PAGE)
    add(range(2, 30))
    assert statements_for(count_queries, admin, PAGE) == few
    assert text_of(admin.get(PAGE)).count("trust") == 30 * 2
