"""Passkeys (issue 16, item 3), the server's side: a passkey made in software with a real P-256
key answers the server's own options, so the webauthn package's checks run for real. Adding one
on the account page, signing in with it instead of a password or after one, challenges that
work once, another origin, an unverified person, a cloned key, removing one."""

from __future__ import annotations

import json

from sqlalchemy import select

from learnset.accounts import two_factor
from learnset.accounts.models import Passkey, RecoveryCode, TwoFactor
from learnset.audit import AuditKind
from tests.accounts.passkey_helpers import (
    ORIGIN,
    SoftPasskey,
    add_passkey,
    options_from,
    sign_in_with,
)
from tests.accounts.two_factor_helpers import give_app
from tests.helpers import TEST_PASSWORD, audit_events, press, sign_in, signed_in, submit, text_of

SIGN_IN = ("/sign-in/passkey/options", "/sign-in")


def _registered(app, user):
    device = SoftPasskey()
    assert add_passkey(app.test_client(user=user), device).status_code == 302
    return device


def test_a_participant_adds_a_passkey_and_signs_in_with_it_instead_of_a_password(app, db, people):
    browser = app.test_client(user=people.participant)
    device = SoftPasskey()
    options = options_from(browser, "/account/passkeys/options", "/account/passkeys/add")
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    credential = device.register(options, ORIGIN)
    details = {"name": "Work laptop", "credential": credential}
    response = submit(browser, "/account/passkeys/add", details)
    assert response.status_code == 302
    [passkey] = db.scalars(select(Passkey)).all()
    assert (passkey.user_id, passkey.name) == (people.participant.id, "Work laptop")
    assert passkey.last_used_at is None
    page = text_of(browser.get("/account"))
    assert "Work laptop" in page and "Not yet" in page

    stranger = app.test_client()
    response = sign_in_with(stranger, device)
    assert response.status_code == 302 and response.location == "/"
    assert signed_in(stranger)
    db.expire_all()
    assert db.get(Passkey, passkey.id).last_used_at is not None
    [event] = audit_events(db, AuditKind.PASSKEY_USED)
    assert event.actor_id == people.participant.id and "without a password" in event.detail


def test_a_challenge_works_once(app, people):
    device = _registered(app, people.participant)
    browser = app.test_client()
    options = options_from(browser, "/sign-in/passkey/options", "/sign-in")
    credential = device.sign_in(options, ORIGIN)
    assert (
        press(browser, "/sign-in/passkey", {"credential": credential}, "/sign-in").status_code
        == 302
    )
    assert signed_in(browser)
    again = app.test_client()
    with again.session_transaction() as cookie, browser.session_transaction() as used:
        cookie.update({key: value for key, value in used.items() if key != "_user_id"})
    response = press(again, "/sign-in/passkey", {"credential": credential}, "/sign-in")
    assert response.location == "/sign-in" and not signed_in(again)


def test_another_origin_an_unverified_person_and_a_cloned_key_are_refused(app, people):
    device = _registered(app, people.participant)
    for answer in ({"origin": "https://evil.example"}, {"verified": False}):
        browser = app.test_client()
        response = sign_in_with(browser, device, **answer)
        assert response.location == "/sign-in" and not signed_in(browser)
        assert "That passkey was not accepted" in text_of(browser.get("/sign-in"))
    assert signed_in_ok(app, device)
    # A copy of the key whose counter lags behind the real one is refused.
    device.counter = 0
    browser = app.test_client()
    assert sign_in_with(browser, device).location == "/sign-in"


# Answers a browser would never send, as a script or a broken extension might.
MALFORMED = ("[]", '"x"', "null", "{}", '{"response": {}}', '{"response": "x"}')


def test_a_malformed_answer_is_refused_not_a_server_error(app, db, people):
    device = _registered(app, people.participant)
    real_id = json.loads(device.sign_in(options_from(app.test_client(), *SIGN_IN), ORIGIN))["id"]
    browser = app.test_client()
    for answer in MALFORMED:
        parsed = json.loads(answer)
        if isinstance(parsed, dict):
            # Naming a real passkey, so that the answer itself is checked.
            parsed.update(id=real_id, rawId=real_id, type="public-key")
        credential = json.dumps(parsed)
        options_from(browser, *SIGN_IN)
        response = press(browser, "/sign-in/passkey", {"credential": credential}, "/sign-in")
        assert response.location == "/sign-in" and not signed_in(browser), answer
    owner = app.test_client(user=people.participant)
    for answer in MALFORMED:
        options_from(owner, "/account/passkeys/options", "/account/passkeys/add")
        response = submit(owner, "/account/passkeys/add", {"name": "Phone", "credential": answer})
        assert "could not be added" in text_of(response, 422), answer
    assert len(db.scalars(select(Passkey)).all()) == 1


def signed_in_ok(app, device):
    browser = app.test_client()
    sign_in_with(browser, device)
    return signed_in(browser)


def test_a_passkey_is_a_second_factor_after_a_password(app, client, db, people):
    device = _registered(app, people.participant)
    assert sign_in(client, people.participant).location == "/sign-in/code"
    page = text_of(client.get("/sign-in/code"))
    assert "Use your passkey" in page and 'name="code"' not in page
    response = sign_in_with(client, device, page="/sign-in/code", verified=False)
    assert response.location == "/" and signed_in(client)


def test_someone_else_s_passkey_is_no_second_factor(app, client, db, people):
    _registered(app, people.participant)
    fellows = _registered(app, people.fellow)
    sign_in(client, people.participant)
    response = sign_in_with(client, fellows, page="/sign-in/code")
    assert response.location == "/sign-in/code" and not signed_in(client)


def test_a_passkey_meets_the_tutors_requirement_and_the_last_one_stays(app, client, db, people):
    # Added before the requirement is on: with it on, a tutor without a second factor opens
    # no page but the second step's.
    _registered(app, people.tutor)
    app.config["TWO_FACTOR_REQUIRED"] = True
    assert sign_in(client, people.tutor).location == "/sign-in/code"
    [passkey] = db.scalars(select(Passkey)).all()
    tutor = app.test_client(user=people.tutor)
    path = f"/account/passkeys/{passkey.id}/remove"
    press(tutor, path, page=path)
    assert "must keep a second factor" in text_of(tutor.get("/account"))
    assert db.scalars(select(Passkey)).all()


def test_a_participant_removes_their_passkey(app, db, people):
    _registered(app, people.participant)
    [passkey] = db.scalars(select(Passkey)).all()
    browser = app.test_client(user=people.participant)
    path = f"/account/passkeys/{passkey.id}/remove"
    assert "Remove the passkey Work laptop?" in text_of(browser.get(path))
    assert press(browser, path, page=path).status_code == 302
    assert db.scalars(select(Passkey)).all() == []


def test_adding_needs_the_browser_s_answer_and_a_name(app, db, people):
    browser = app.test_client(user=people.participant)
    response = submit(browser, "/account/passkeys/add", {"name": "Phone", "credential": ""})
    assert "Your browser did not make a passkey" in text_of(response, 422)
    response = add_passkey(browser, SoftPasskey(), name="")
    assert "Enter a name for the passkey" in text_of(response, 422)
    # An answer made for another site is refused.
    response = add_passkey(browser, SoftPasskey(), origin="https://evil.example")
    assert "could not be added" in text_of(response, 422)
    assert db.scalars(select(Passkey)).all() == []


def test_an_admin_reset_removes_passkeys_too(app, db, people):
    _registered(app, people.tutor)
    assert two_factor.has_second_factor(db, people.tutor)
    admin = app.test_client(user=people.admin)
    page = f"/people/{people.tutor.id}"
    press(admin, f"{page}/reset-two-factor", page=page)
    assert not two_factor.has_second_factor(db, people.tutor)


def test_the_download_names_the_passkeys_and_deleting_the_account_removes_them(app, db, people):
    give_app(db, people.participant)
    _registered(app, people.participant)
    browser = app.test_client(user=people.participant)
    document = json.loads(browser.get("/account/your-data.json").get_data(as_text=True))
    security = document["sign_in_security"]
    assert security["recovery_codes_left"] == 10
    assert [key["name"] for key in security["passkeys"]] == ["Work laptop"]
    assert "secret" not in json.dumps(security).lower()
    user_id = people.participant.id
    assert submit(browser, "/account/delete", {"password": TEST_PASSWORD}).status_code == 302
    db.expire_all()
    for model in (Passkey, TwoFactor, RecoveryCode):
        assert db.scalars(select(model).where(model.user_id == user_id)).all() == []
