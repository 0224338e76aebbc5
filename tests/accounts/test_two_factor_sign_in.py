"""The second step of signing in, through the pages as a browser would (issue 16, item 2):
after a password the browser holds only a pending state, not a sign-in; a tutor without an app
sets one up before reaching any page; participants set it up and turn it off from their account
page; an admin resets it, which is logged and emailed. Codes come from the page's own secret."""

from __future__ import annotations

import pytest

from learnset.accounts import two_factor
from learnset.accounts.second_step import PENDING_KEY
from learnset.audit import AuditKind
from tests.accounts.two_factor_helpers import code_for, give_app, secret_on
from tests.helpers import (
    TEST_PASSWORD,
    audit_events,
    link_in,
    press,
    sign_in,
    signed_in,
    submit,
    text_of,
)


@pytest.fixture
def required(app):
    app.config["TWO_FACTOR_REQUIRED"] = True
    return app


def _code(client, code):
    return submit(client, "/sign-in/code", {"code": code})


def test_with_an_app_a_password_alone_signs_nobody_in(client, db, people):
    secret, _codes = give_app(db, people.participant)
    response = sign_in(client, people.participant, next_path="/reflections")
    assert response.location == "/sign-in/code"
    assert not signed_in(client)
    page = text_of(client.get("/sign-in/code"))
    assert "Enter a security code" in page
    wrong = _code(client, "000000")
    assert wrong.status_code == 422 and "Enter the 6-digit code" in text_of(wrong, 422)
    assert not signed_in(client)
    right = _code(client, code_for(secret))
    assert right.status_code == 302 and right.location == "/reflections"
    assert signed_in(client)
    with client.session_transaction() as cookie:
        assert PENDING_KEY not in cookie


def test_the_same_code_twice_signs_in_only_once(app, db, people):
    secret, _codes = give_app(db, people.participant)
    code = code_for(secret)
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        sign_in(browser, people.participant)
    assert _code(first, code).status_code == 302
    refused = _code(second, code)
    assert "That code has been used" in text_of(refused, 422)
    assert not signed_in(second)


def test_the_code_pages_need_a_fresh_pending_sign_in(client, db, people):
    give_app(db, people.participant)
    response = client.get("/sign-in/code")
    assert response.location == "/sign-in"
    sign_in(client, people.participant)
    with client.session_transaction() as cookie:
        cookie[PENDING_KEY] = {**cookie[PENDING_KEY], "until": 1}
    response = client.get("/sign-in/code")
    assert response.location == "/sign-in"
    assert "You took too long to enter a code" in text_of(client.get("/sign-in"))


def test_a_recovery_code_signs_in_and_says_how_many_are_left(client, db, people):
    _secret, codes = give_app(db, people.participant)
    sign_in(client, people.participant)
    response = _code(client, codes[0])
    assert response.status_code == 302
    assert "You have 9 recovery codes left" in text_of(client.get(response.location))


def test_a_tutor_sets_up_an_app_before_reaching_any_page(required, client, db, people):
    response = sign_in(client, people.tutor, next_path="/cohorts")
    assert response.location == "/sign-in/set-up-two-factor"
    for page in ("/account", "/cohorts", "/reflections"):
        assert client.get(page).location.startswith("/sign-in")
    html = client.get("/sign-in/set-up-two-factor").get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html
    secret = secret_on(html)
    # Showing the page again offers the same key, and wrote nothing.
    assert secret_on(client.get("/sign-in/set-up-two-factor").get_data(as_text=True)) == secret
    assert not two_factor.has_two_factor(db, people.tutor)
    wrong = submit(client, "/sign-in/set-up-two-factor", {"code": "000000"})
    assert "Enter the 6-digit code" in text_of(wrong, 422)
    done = submit(client, "/sign-in/set-up-two-factor", {"code": code_for(secret, 0)})
    page = text_of(done)
    assert "Your recovery codes" in page and page.count('<li class="app-code">') == 10
    assert 'href="/cohorts"' in page
    assert signed_in(client)
    assert two_factor.has_two_factor(db, people.tutor)


def test_with_the_requirement_off_a_tutor_signs_in_with_a_password(client, people):
    assert sign_in(client, people.tutor).location == "/"
    assert signed_in(client)


def test_a_participant_is_not_asked_to_set_one_up(required, client, people):
    assert sign_in(client, people.participant).location == "/"


def test_a_reset_link_still_asks_for_the_second_factor(client, db, people, outbox):
    give_app(db, people.participant)
    submit(client, "/forgot-password", {"email": people.participant.email})
    link = link_in(outbox()[-1])
    new = "a fresh long password"
    response = submit(client, link, {"password": new, "confirm": new})
    assert response.location == "/sign-in/code"
    assert not signed_in(client)


def test_a_participant_sets_it_up_and_turns_it_off_from_their_account(app, db, people):
    browser = app.test_client(user=people.participant)
    assert "Set up two-factor authentication" in text_of(browser.get("/account"))
    secret = secret_on(browser.get("/account/two-factor/set-up").get_data(as_text=True))
    done = submit(browser, "/account/two-factor/set-up", {"code": code_for(secret, 0)})
    assert text_of(done).count('<li class="app-code">') == 10
    assert "You have 10 unused recovery codes" in text_of(browser.get("/account"))
    refused = submit(browser, "/account/two-factor/turn-off", {"proof": "not the password"})
    assert "Enter your password or a current code" in text_of(refused, 422)
    assert two_factor.has_two_factor(db, people.participant)
    off = submit(browser, "/account/two-factor/turn-off", {"proof": TEST_PASSWORD})
    assert off.status_code == 302
    assert not two_factor.has_two_factor(db, people.participant)


def test_a_current_code_also_turns_it_off(app, db, people):
    secret, _codes = give_app(db, people.participant)
    browser = app.test_client(user=people.participant)
    submit(browser, "/account/two-factor/turn-off", {"proof": code_for(secret)})
    assert not two_factor.has_two_factor(db, people.participant)


def test_a_tutor_cannot_turn_it_off(app, db, people):
    give_app(db, people.tutor)
    browser = app.test_client(user=people.tutor)
    page = text_of(browser.get("/account"))
    assert "Turn off two-factor authentication" not in page
    html = text_of(browser.get("/account/two-factor/turn-off"))
    assert "you cannot turn it off" in html and 'name="proof"' not in html
    browser.post("/account/two-factor/turn-off", data={"proof": TEST_PASSWORD})
    assert two_factor.has_two_factor(db, people.tutor)


def test_new_recovery_codes_are_shown_once(app, db, people):
    _secret, old = give_app(db, people.participant)
    browser = app.test_client(user=people.participant)
    page = text_of(press(browser, "/account/two-factor/recovery-codes", page="/account"))
    assert page.count('<li class="app-code">') == 10 and old[0] not in page
    assert "Your old recovery codes no longer work" in page


def test_an_admin_resets_a_tutor_s_and_the_tutor_is_told(app, db, people, outbox):
    give_app(db, people.tutor)
    admin = app.test_client(user=people.admin)
    person_page = f"/people/{people.tutor.id}"
    assert "Reset two-factor authentication" in text_of(admin.get(person_page))
    confirm = text_of(admin.get(f"{person_page}/reset-two-factor"))
    assert "Reset Tess Tutor's two-factor authentication?" in confirm
    response = press(admin, f"{person_page}/reset-two-factor", page=person_page)
    assert response.location == person_page
    assert not two_factor.has_two_factor(db, people.tutor)
    [event] = audit_events(db, AuditKind.TWO_FACTOR_RESET)
    assert (event.actor_id, event.subject_id) == (people.admin.id, people.tutor.id)
    [email] = [m for m in outbox() if m["To"] == people.tutor.email]
    assert "two-factor authentication was reset" in email["Subject"]
    assert "set up an authenticator app again" in email.get_payload(decode=True).decode()


def test_an_admin_cannot_reset_their_own(app, db, people):
    give_app(db, people.admin)
    admin = app.test_client(user=people.admin)
    page = f"/people/{people.admin.id}"
    response = press(admin, f"{page}/reset-two-factor", page=page)
    assert "You cannot reset your own" in text_of(admin.get(response.location))
    assert two_factor.has_two_factor(db, people.admin)


def test_code_pages_are_limited_per_ip_address(app, client, db, people):
    give_app(db, people.participant)
    app.config["TWO_FACTOR_LIMIT_PER_IP"] = "3 per hour"
    sign_in(client, people.participant)
    statuses = [_code(client, "000000").status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


# "²" is a digit to str.isdigit() but not to int(), and hmac.compare_digest refuses any text
# outside ASCII: a wrong code, never a 500.
SUPERSCRIPT_CODE = "²²²²²²"


def test_digits_outside_ascii_are_a_wrong_code_on_every_code_page(required, app, db, people):
    give_app(db, people.participant)
    browser = app.test_client()
    sign_in(browser, people.participant)
    for code in (SUPERSCRIPT_CODE, "٣٣٣٣٣٣"):
        assert "Enter the 6-digit code" in text_of(_code(browser, code), 422)
        assert not signed_in(browser)
    tutor = app.test_client()
    sign_in(tutor, people.tutor)
    tutor.get("/sign-in/set-up-two-factor")
    wrong = submit(tutor, "/sign-in/set-up-two-factor", {"code": SUPERSCRIPT_CODE})
    assert "Enter the 6-digit code" in text_of(wrong, 422)
    fellow = app.test_client(user=people.fellow)
    fellow.get("/account/two-factor/set-up")
    wrong = submit(fellow, "/account/two-factor/set-up", {"code": SUPERSCRIPT_CODE})
    assert "Enter the 6-digit code" in text_of(wrong, 422)
    owner = app.test_client(user=people.participant)
    refused = submit(owner, "/account/two-factor/turn-off", {"proof": SUPERSCRIPT_CODE})
    assert "Enter your password or a current code" in text_of(refused, 422)
    assert two_factor.has_two_factor(db, people.participant)
    assert not two_factor.has_two_factor(db, people.fellow)
