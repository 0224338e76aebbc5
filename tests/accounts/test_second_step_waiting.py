"""While a sign-in waits for its second factor (issue 16, item 2): other pages send the
person back to the second step, not to the sign-in page, and signing out there ends the wait."""

from __future__ import annotations

import pytest

from learnset.accounts.second_step import PENDING_KEY
from tests.accounts.two_factor_helpers import code_for, give_app
from tests.helpers import press, sign_in, signed_in, submit, text_of


@pytest.fixture
def required(app):
    app.config["TWO_FACTOR_REQUIRED"] = True
    return app


def test_pages_send_a_waiting_sign_in_back_to_the_code_page(client, db, people):
    secret, _codes = give_app(db, people.participant)
    sign_in(client, people.participant, next_path="/reflections")
    for page in ("/account", "/reflections", "/cohorts"):
        assert client.get(page).location == "/sign-in/code"
    page = text_of(client.get("/sign-in/code"))
    assert "Finish signing in first: enter a security code." in page
    # The page first asked for is still where the code leads.
    response = submit(client, "/sign-in/code", {"code": code_for(secret)})
    assert response.location == "/reflections"
    assert signed_in(client)


def test_pages_send_a_tutor_who_must_set_up_back_to_setting_up(required, client, people):
    sign_in(client, people.tutor)
    assert client.get("/cohorts").location == "/sign-in/set-up-two-factor"
    page = text_of(client.get("/sign-in/set-up-two-factor"))
    assert "Finish signing in first: set up two-factor authentication." in page


def test_signing_out_from_the_code_page_ends_the_wait(client, db, people):
    give_app(db, people.participant)
    sign_in(client, people.participant)
    assert "Sign out" in text_of(client.get("/sign-in/code"))
    response = press(client, "/sign-out", page="/sign-in/code")
    assert response.location == "/sign-in"
    with client.session_transaction() as cookie:
        assert PENDING_KEY not in cookie
    assert client.get("/account").location.startswith("/sign-in?next=")
    assert client.get("/sign-in/code").location == "/sign-in"


def test_signing_out_while_setting_up_ends_the_wait(required, client, people):
    sign_in(client, people.tutor)
    response = press(client, "/sign-out", page="/sign-in/set-up-two-factor")
    assert response.location == "/sign-in"
    assert client.get("/cohorts").location.startswith("/sign-in?next=")
    assert not signed_in(client)


def test_an_expired_wait_sends_pages_to_the_sign_in_page(client, db, people):
    give_app(db, people.participant)
    sign_in(client, people.participant)
    with client.session_transaction() as cookie:
        cookie[PENDING_KEY] = {**cookie[PENDING_KEY], "until": 1}
    assert client.get("/account").location.startswith("/sign-in?next=")


def test_without_a_wait_pages_still_send_to_the_sign_in_page(client):
    response = client.get("/account")
    assert response.location.startswith("/sign-in?next=")
    assert "Sign in to continue." in text_of(client.get(response.location))
