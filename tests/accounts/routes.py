from datetime import timedelta
from types import SimpleNamespace

import pyotp

from learnset.accounts import sign_ins
from learnset.accounts.models import Passkey, TwoFactor
from learnset.db import utcnow
from tests.matrix import EVERYONE, ROLES, Route, page_and_form

ANYONE = set(ROLES)


def _participants_other_device(db, people):
    """A sign-in session of the participant's on another device: only they may end it."""
    started = sign_ins.start(
        db, people.participant, utcnow(), lifetime=timedelta(hours=12), user_agent="", ip=None
    )
    return SimpleNamespace(other_device=started.sign_in)


def _participant_with_an_app(db, people):
    """The participant has two-factor authentication set up."""
    db.add(
        TwoFactor(user_id=people.participant.id, secret=pyotp.random_base32(), set_up_at=utcnow())
    )
    db.flush()
    return SimpleNamespace()


def _participants_passkey(db, people):
    """A passkey of the participant's: only they may remove it."""
    passkey = Passkey(
        user_id=people.participant.id,
        credential_id="test-credential",
        public_key=b"not a real key",
        name="Work laptop",
        created_at=utcnow(),
    )
    db.add(passkey)
    db.flush()
    return SimpleNamespace(passkey=passkey)


ROUTES = [
    Route("accounts.passkey_registration_options", "/account/passkeys/options", EVERYONE, "POST"),
    # The browser's answer is missing: the form comes back with a message.
    *page_and_form("accounts.add_passkey", "/account/passkeys/add", EVERYONE, {"name": "Phone"}),
    *page_and_form(
        "accounts.remove_passkey",
        "/account/passkeys/{passkey.id}/remove",
        {"participant"},
        setup=_participants_passkey,
    ),
    Route(
        "accounts.passkey_sign_in_options", "/sign-in/passkey/options", ANYONE, "POST", public=True
    ),
    # No challenge was offered: back to the sign-in page, nobody signed in.
    Route("accounts.sign_in_with_passkey", "/sign-in/passkey", ANYONE, "POST", public=True),
    # Without a pending second step, both send the browser back to sign in (test_two_factor.py).
    *page_and_form("accounts.enter_code", "/sign-in/code", ANYONE, {"code": "123456"}, public=True),
    *page_and_form(
        "accounts.set_up_at_sign_in",
        "/sign-in/set-up-two-factor",
        ANYONE,
        {"code": "123456"},
        public=True,
    ),
    # A wrong code: the form comes back with a message and nothing is set up.
    *page_and_form(
        "accounts.set_up_two_factor", "/account/two-factor/set-up", EVERYONE, {"code": "000000"}
    ),
    # Someone without an app is sent back to their account page; the participant has one.
    *page_and_form(
        "accounts.new_recovery_codes",
        "/account/two-factor/recovery-codes",
        EVERYONE,
        setup=_participant_with_an_app,
    ),
    *page_and_form(
        "accounts.turn_off_two_factor",
        "/account/two-factor/turn-off",
        EVERYONE,
        {"proof": "not the password"},
        setup=_participant_with_an_app,
    ),
    *page_and_form("accounts.sign_in", "/sign-in", ANYONE, public=True),
    Route("accounts.sign_out", "/sign-out", ANYONE, "POST", public=True),
    *page_and_form(
        "accounts.forgot_password",
        "/forgot-password",
        ANYONE,
        {"email": "nobody@example.org"},
        public=True,
    ),
    # A token that does not verify is a 410 for everyone; real links: test_password_reset.
    *page_and_form("accounts.reset_password", "/reset-password/x", ANYONE, public=True),
    *page_and_form("accounts.account", "/account", EVERYONE),
    *page_and_form("accounts.change_password", "/account/password", EVERYONE),
    # A wrong password: the form comes back with a message and nothing is sent.
    *page_and_form(
        "accounts.change_email",
        "/account/email",
        EVERYONE,
        {"email": "new@example.org", "current": "not the password"},
    ),
    # A token that does not verify is a 410 for everyone; real links: test_email_change.
    *page_and_form("accounts.confirm_email", "/account/email/confirm/x", ANYONE, public=True),
    Route("accounts.download_data", "/account/your-data.json", EVERYONE),
    Route("accounts.download_data_zip", "/account/your-data.zip", EVERYONE),
    *page_and_form(
        "accounts.end_session",
        "/account/sessions/{other_device.id}/end",
        {"participant"},
        setup=_participants_other_device,
    ),
    *page_and_form("accounts.end_other_sessions", "/account/sessions/end-others", EVERYONE),
    # A wrong password: the form comes back with a message and nobody is deleted.
    *page_and_form(
        "accounts.delete_account",
        "/account/delete",
        EVERYONE,
        {"password": "not the password"},
    ),
]
