"""Two-factor authentication's scenes for the audit log's test (tests/governance/test_audit.py):
each does the real action through the pages and says who acted and whose account it was."""

from __future__ import annotations

from sqlalchemy import select

from learnset.accounts.models import Passkey
from learnset.audit import AuditKind
from tests.accounts.passkey_helpers import SoftPasskey, add_passkey, sign_in_with
from tests.accounts.two_factor_helpers import code_for, give_app, secret_on
from tests.helpers import TEST_PASSWORD, press, sign_in, submit


def _passed(db, people, client, app):
    secret, _codes = give_app(db, people.participant)
    sign_in(client, people.participant)
    assert submit(client, "/sign-in/code", {"code": code_for(secret)}).status_code == 302
    return people.participant, None


def _failed(db, people, client, app):
    give_app(db, people.participant)
    sign_in(client, people.participant)
    assert submit(client, "/sign-in/code", {"code": "000000"}).status_code == 422
    return None, people.participant


def _paused(db, people, client, app):
    app.config["TWO_FACTOR_MAX_FAILURES"] = 1
    secret, _codes = give_app(db, people.participant)
    sign_in(client, people.participant)
    submit(client, "/sign-in/code", {"code": "000000"})
    assert submit(client, "/sign-in/code", {"code": code_for(secret)}).status_code == 429
    return None, people.participant


def _set_up(db, people, client, app):
    browser = app.test_client(user=people.participant)
    secret = secret_on(browser.get("/account/two-factor/set-up").get_data(as_text=True))
    code = code_for(secret, 0)
    assert submit(browser, "/account/two-factor/set-up", {"code": code}).status_code == 200
    return people.participant, None


def _turned_off(db, people, client, app):
    give_app(db, people.participant)
    browser = app.test_client(user=people.participant)
    response = submit(browser, "/account/two-factor/turn-off", {"proof": TEST_PASSWORD})
    assert response.status_code == 302
    return people.participant, None


def _reset(db, people, client, app):
    give_app(db, people.tutor)
    admin = app.test_client(user=people.admin)
    page = f"/people/{people.tutor.id}"
    assert press(admin, f"{page}/reset-two-factor", page=page).status_code == 302
    return people.admin, people.tutor


def _recovery_code_used(db, people, client, app):
    _secret, codes = give_app(db, people.participant)
    sign_in(client, people.participant)
    assert submit(client, "/sign-in/code", {"code": codes[0]}).status_code == 302
    return people.participant, None


def _recovery_codes_replaced(db, people, client, app):
    give_app(db, people.participant)
    browser = app.test_client(user=people.participant)
    press(browser, "/account/two-factor/recovery-codes", page="/account")
    return people.participant, None


TWO_FACTOR_SCENES = {
    AuditKind.TWO_FACTOR_PASSED: _passed,
    AuditKind.TWO_FACTOR_FAILED: _failed,
    AuditKind.TWO_FACTOR_PAUSED: _paused,
    AuditKind.TWO_FACTOR_SET_UP: _set_up,
    AuditKind.TWO_FACTOR_TURNED_OFF: _turned_off,
    AuditKind.TWO_FACTOR_RESET: _reset,
    AuditKind.RECOVERY_CODE_USED: _recovery_code_used,
    AuditKind.RECOVERY_CODES_REPLACED: _recovery_codes_replaced,
}


def _passkey_added(db, people, client, app):
    browser = app.test_client(user=people.participant)
    assert add_passkey(browser, SoftPasskey()).status_code == 302
    return people.participant, None


def _passkey_used(db, people, client, app):
    device = SoftPasskey()
    add_passkey(app.test_client(user=people.participant), device)
    assert sign_in_with(client, device).status_code == 302
    return people.participant, None


def _passkey_removed(db, people, client, app):
    browser = app.test_client(user=people.participant)
    add_passkey(browser, SoftPasskey())
    [passkey] = db.scalars(select(Passkey)).all()
    path = f"/account/passkeys/{passkey.id}/remove"
    assert press(browser, path, page=path).status_code == 302
    return people.participant, None


TWO_FACTOR_SCENES |= {
    AuditKind.PASSKEY_ADDED: _passkey_added,
    AuditKind.PASSKEY_USED: _passkey_used,
    AuditKind.PASSKEY_REMOVED: _passkey_removed,
}
