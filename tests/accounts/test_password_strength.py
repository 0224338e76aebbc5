"""Passwords as the NCSC advises (issue 16, item 4): every form that sets a password (joining by
invitation, a reset link, changing it) refuses one that is easy to guess, with the message beside
the field and nothing changed; a strong one of plain words goes through."""

from __future__ import annotations

from sqlalchemy import select

from learnset.accounts import services
from learnset.accounts.models import User
from learnset.db import utcnow
from tests.cohorts.test_invitations import NEW_ACCOUNT, _invite
from tests.helpers import TEST_PASSWORD, link_in, submit, text_of

EASY = "sunshine1985"
STRONG = "kettle moss harbour"


def _error_beside_the_field(response, message: str = services.TOO_EASY) -> None:
    html = text_of(response, 422)
    beside = '<span class="nhsuk-error-message" id="password-error" > <span'
    assert f'{beside} class="nhsuk-u-visually-hidden">Error: </span>{message}' in html
    # In the error summary too, linking to the field.
    assert f'href="#password" > {message}' in html


def test_changing_to_an_easy_password_is_refused_and_nothing_changes(login, db, people):
    browser = login(people.participant)
    easy = {"current": TEST_PASSWORD, "password": EASY, "confirm": EASY}
    _error_beside_the_field(submit(browser, "/account/password", easy))
    assert services.authenticate(db, people.participant.email, TEST_PASSWORD, utcnow())
    strong = {"current": TEST_PASSWORD, "password": STRONG, "confirm": STRONG}
    assert submit(browser, "/account/password", strong).status_code == 302


def test_one_s_own_name_makes_a_password_easy_to_guess(login, people):
    browser = login(people.participant)
    own = people.participant.name.replace(" ", "").lower() + "2026"
    response = submit(
        browser, "/account/password", {"current": TEST_PASSWORD, "password": own, "confirm": own}
    )
    _error_beside_the_field(response)
    assert services.password_problem(own) is None, "easy only for someone who knows the name"


def test_a_reset_link_refuses_an_easy_password(client, db, outbox, people):
    submit(client, "/forgot-password", {"email": people.participant.email})
    link = link_in(outbox()[0])
    _error_beside_the_field(submit(client, link, {"password": EASY, "confirm": EASY}))
    assert services.authenticate(db, people.participant.email, TEST_PASSWORD, utcnow())


def test_joining_by_invitation_refuses_an_easy_password(client, login, db, outbox, people):
    _invite(login(people.tutor), people.cohort)
    link = link_in(outbox()[0])
    response = submit(client, link, {**NEW_ACCOUNT, "password": EASY, "confirm": EASY})
    _error_beside_the_field(response)
    assert db.scalar(select(User).where(User.email == "nadia@example.org")) is None


def test_a_reset_link_refuses_one_s_own_address_or_name(client, db, outbox, people):
    submit(client, "/forgot-password", {"email": people.participant.email})
    link = link_in(outbox()[0])
    own = people.participant.email
    response = submit(client, link, {"password": own, "confirm": own})
    _error_beside_the_field(response, "Password must not be your email address")
    named = people.participant.name.replace(" ", "").lower() + "2026"
    _error_beside_the_field(submit(client, link, {"password": named, "confirm": named}))
    assert services.authenticate(db, people.participant.email, TEST_PASSWORD, utcnow())


def test_joining_by_invitation_refuses_the_invited_address(client, login, db, outbox, people):
    email = "nadia.lantern.otter@example.org"
    _invite(login(people.tutor), people.cohort, email=email)
    link = link_in(outbox()[0])
    response = submit(client, link, {**NEW_ACCOUNT, "password": email, "confirm": email})
    _error_beside_the_field(response, "Password must not be your email address")
    assert db.scalar(select(User).where(User.email == email)) is None
