"""Becoming a tutor or an admin while signed in: the second factor is asked for at the next page,
not at the next sign-in (up to 12 hours later). Each way of gaining the role, with the person's
own open sign-in: an admin makes them an admin, an admin makes them a tutor of a set, or they
accept an invitation to tutor. A sign-in counts as having passed a second factor when it passed
the second step, or when the person set one up in it; one that did not asks for a code now."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnset.accounts import two_factor
from learnset.accounts.models import SignInSession
from learnset.accounts.second_step import DURING_THE_STEP
from learnset.accounts.sign_ins import Ended
from tests import factories
from tests.accounts.two_factor_helpers import code_for, give_app, secret_on
from tests.helpers import (
    TEST_PASSWORD,
    press,
    sign_in,
    signed_in,
    statements_for,
    submit,
    text_of,
)

SET_UP = "/sign-in/set-up-two-factor"
CODE = "/sign-in/code"


@pytest.fixture
def required(app, db, people):
    app.config["TWO_FACTOR_REQUIRED"] = True
    # The admin who grants roles has passed a second factor of their own.
    give_app(db, people.admin)
    return app


def _make_admin(app, people, person):
    admin = app.test_client(user=people.admin)
    assert submit(admin, f"/people/{person.id}/make-admin", {}).status_code == 302


def _make_tutor(app, people, person):
    admin = app.test_client(user=people.admin)
    response = submit(admin, f"/cohorts/{people.other_cohort.id}/tutors", {"email": person.email})
    assert response.status_code == 302


def _accept_tutor_invitation(app, db, people, person, browser):
    factories.make_invitation(
        db, people.other_cohort, token="tutor-token", email=person.email, role="tutor"
    )
    db.commit()
    assert press(browser, "/join/tutor-token", page="/join/tutor-token").status_code == 302


GAINING_THE_ROLE = {
    "made an admin": lambda app, db, people, person, browser: _make_admin(app, people, person),
    "made a tutor": lambda app, db, people, person, browser: _make_tutor(app, people, person),
    "accepts an invitation to tutor": _accept_tutor_invitation,
}


@pytest.fixture(params=list(GAINING_THE_ROLE))
def gains_the_role(request, app, db, people):
    def gain(person, browser):
        GAINING_THE_ROLE[request.param](app, db, people, person, browser)
        db.expire_all()
        assert two_factor.is_required(person)

    return gain


def _live_sign_ins(db, person):
    return db.scalars(
        select(SignInSession).where(
            SignInSession.user_id == person.id, SignInSession.ended_at.is_(None)
        )
    ).all()


def test_without_a_second_factor_they_set_one_up_before_any_page(
    required, app, db, people, gains_the_role
):
    person = people.participant
    browser = app.test_client(user=person)
    assert browser.get("/reflections").status_code == 200
    gains_the_role(person, browser)
    cohort_page = f"/cohorts/{people.other_cohort.id}"
    response = browser.get(cohort_page)
    assert response.location == SET_UP
    for page in ("/account", "/people", "/reflections", "/", "/account/two-factor/set-up"):
        assert browser.get(page).location == SET_UP, page
    html = browser.get(SET_UP).get_data(as_text=True)
    assert "Tutors and admins must use two-factor authentication" in html
    secret = secret_on(html)
    done = submit(browser, SET_UP, {"code": code_for(secret, 0)})
    page = text_of(done)
    assert "Your recovery codes" in page and f'href="{cohort_page}"' in page
    assert browser.get(cohort_page).status_code == 200
    # The sign-in without a second factor ended; a new one, which passed it, took its place.
    [live] = _live_sign_ins(db, person)
    assert live.id != browser.sign_in_id and live.second_factor_at is not None
    assert db.get(SignInSession, browser.sign_in_id).ended_reason == Ended.SIGNED_OUT


def test_with_an_app_set_up_since_signing_in_they_enter_a_code(
    required, app, db, people, gains_the_role
):
    person = people.participant
    browser = app.test_client(user=person)
    # Set up in another browser: this sign-in never passed a second factor.
    secret, _codes = give_app(db, person)
    gains_the_role(person, browser)
    assert browser.get("/cohorts").location == CODE
    assert browser.get("/account").location == CODE
    assert "Enter a security code to carry on" in text_of(browser.get(CODE))
    assert submit(browser, CODE, {"code": "000000"}).status_code == 422
    assert browser.get("/account").location == CODE
    right = submit(browser, CODE, {"code": code_for(secret)})
    # Back to the first page that asked.
    assert right.status_code == 302 and right.location == "/cohorts"
    assert browser.get("/cohorts").status_code == 200


def test_a_sign_in_that_passed_a_second_factor_carries_on(
    required, app, client, db, people, gains_the_role
):
    person = people.participant
    secret, _codes = give_app(db, person)
    sign_in(client, person)
    assert submit(client, CODE, {"code": code_for(secret)}).status_code == 302
    gains_the_role(person, client)
    assert client.get("/account").status_code == 200


def test_setting_one_up_while_signed_in_passes_it_for_that_sign_in(
    required, app, db, people, gains_the_role
):
    person = people.participant
    browser = app.test_client(user=person)
    secret = secret_on(browser.get("/account/two-factor/set-up").get_data(as_text=True))
    submit(browser, "/account/two-factor/set-up", {"code": code_for(secret, 0)})
    gains_the_role(person, browser)
    assert browser.get("/account").status_code == 200


def test_signing_out_still_works_while_the_step_waits(required, app, db, people):
    person = people.participant
    browser = app.test_client(user=person)
    _make_admin(app, people, person)
    assert browser.get("/account").location == SET_UP
    response = press(browser, "/sign-out", page=SET_UP)
    assert response.status_code == 302
    assert _live_sign_ins(db, person) == []
    assert browser.get("/account").location.startswith("/sign-in")


def test_a_participant_who_turned_theirs_off_sets_one_up_once_made_a_tutor(
    required, app, client, db, people
):
    person = people.participant
    secret, _codes = give_app(db, person)
    sign_in(client, person)
    submit(client, CODE, {"code": code_for(secret)})
    submit(client, "/account/two-factor/turn-off", {"proof": TEST_PASSWORD})
    assert not two_factor.has_second_factor(db, person)
    _make_tutor(app, people, person)
    assert client.get("/account").location == SET_UP


def test_a_tutor_whose_factors_an_admin_resets_sets_one_up_at_the_next_page(
    required, app, db, people
):
    tutor = people.tutor
    give_app(db, tutor)
    browser = app.test_client(user=tutor)
    assert browser.get("/account").status_code == 200
    admin = app.test_client(user=people.admin)
    page = f"/people/{tutor.id}"
    press(admin, f"{page}/reset-two-factor", page=page)
    assert browser.get("/account").location == SET_UP


def test_with_the_requirement_off_nothing_is_asked(app, db, people, gains_the_role):
    person = people.participant
    browser = app.test_client(user=person)
    gains_the_role(person, browser)
    assert browser.get("/account").status_code == 200
    assert signed_in(browser)


def test_the_check_costs_no_statement(required, app, db, people, count_queries):
    give_app(db, people.tutor)
    give_app(db, people.participant)
    tutor = app.test_client(user=people.tutor)
    participant = app.test_client(user=people.participant)
    page = f"/cohorts/{people.cohort.id}"
    required_on = [statements_for(count_queries, who, page) for who in (tutor, participant)]
    app.config["TWO_FACTOR_REQUIRED"] = False
    required_off = [statements_for(count_queries, who, page) for who in (tutor, participant)]
    assert required_on == required_off


def test_the_pages_open_during_the_step_are_real_endpoints(app):
    assert set(app.view_functions) >= DURING_THE_STEP
