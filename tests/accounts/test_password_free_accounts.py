"""Accounts made by joining through single sign-on have no password (issue 16): their owners
delete them by typing their address after a recent sign-in, and their address, which single
sign-on matches, is not changed from Learnset."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from learnset.accounts.models import SignInSession, User
from learnset.db import utcnow
from learnset.mail.models import OutgoingMail
from tests import factories
from tests.helpers import count_rows, submit, text_of


def _nurse(db):
    nurse = factories.make_user(db, email="nurse@nhs.net", password_hash="")
    db.commit()
    return nurse


def test_deleting_asks_for_the_address_not_a_password(login, db):
    nurse = _nurse(db)
    nurse_id = nurse.id
    browser = login(nurse)
    page = text_of(browser.get("/account/delete"))
    assert "Type your email address to confirm" in page and "nurse@nhs.net" in page
    assert "Enter your password" not in page

    response = submit(browser, "/account/delete", {"email": "someone.else@nhs.net"})
    assert "Type your email address as it is shown above" in text_of(response, 422)
    assert db.get(User, nurse.id) is not None

    response = submit(browser, "/account/delete", {"email": " Nurse@NHS.net "})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, nurse_id) is None


def test_deleting_needs_a_sign_in_from_the_last_fifteen_minutes(login, db):
    nurse = _nurse(db)
    browser = login(nurse)
    sign_in = db.get(SignInSession, browser.sign_in_id)
    sign_in.created_at = utcnow() - timedelta(minutes=16)
    db.commit()
    response = submit(browser, "/account/delete", {"email": "nurse@nhs.net"})
    assert "You signed in more than 15 minutes ago" in text_of(response, 422)
    assert db.get(User, nurse.id) is not None


def test_an_account_with_a_password_still_needs_it(login, db, people):
    browser = login(people.participant)
    response = submit(browser, "/account/delete", {"email": people.participant.email})
    assert "Enter your password to confirm" in text_of(response, 422)
    assert db.get(User, people.participant.id) is not None


def test_the_address_is_not_changed_here_and_says_why(login, db, no_csrf):
    nurse = _nurse(db)
    browser = login(nurse)
    page = text_of(browser.get("/account/email"))
    assert "cannot be changed here" in page and "<form" not in page.split("<main", 1)[1]
    assert browser.post("/account/email", data={"email": "new@nhs.net"}).status_code == 200
    db.expire_all()
    assert db.scalar(select(User.email).where(User.id == nurse.id)) == "nurse@nhs.net"
    assert count_rows(db, OutgoingMail) == 0
