from datetime import timedelta
from types import SimpleNamespace

from learnset.accounts import sign_ins
from learnset.db import utcnow
from tests.matrix import EVERYONE, ROLES, Route, page_and_form

ANYONE = set(ROLES)


def _participants_other_device(db, people):
    """A sign-in session of the participant's on another device: only they may end it."""
    started = sign_ins.start(
        db, people.participant, utcnow(), lifetime=timedelta(hours=12), user_agent="", ip=None
    )
    return SimpleNamespace(other_device=started.sign_in)


ROUTES = [
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
