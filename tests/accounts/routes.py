from datetime import timedelta
from types import SimpleNamespace

from learnset.accounts import sign_ins
from learnset.db import utcnow
from tests.matrix import EVERYONE, ROLES, Route

ANYONE = set(ROLES)


def _participants_other_device(db, people):
    """A sign-in session of the participant's on another device: only they may end it."""
    started = sign_ins.start(
        db, people.participant, utcnow(), lifetime=timedelta(hours=12), user_agent="", ip=None
    )
    return SimpleNamespace(other_device=started.sign_in)


def _end_session(method):
    return Route(
        "accounts.end_session",
        lambda s: f"/account/sessions/{s.other_device.id}/end",
        {"participant"},
        method=method,
        setup=_participants_other_device,
    )


ROUTES = [
    Route("accounts.sign_in", lambda s: "/sign-in", ANYONE, public=True),
    Route("accounts.sign_in", lambda s: "/sign-in", ANYONE, method="POST", public=True),
    Route("accounts.sign_out", lambda s: "/sign-out", ANYONE, method="POST", public=True),
    Route("accounts.forgot_password", lambda s: "/forgot-password", ANYONE, public=True),
    Route(
        "accounts.forgot_password",
        lambda s: "/forgot-password",
        ANYONE,
        method="POST",
        public=True,
        data={"email": "nobody@example.org"},
    ),
    # A token that does not verify is a 410 for everyone; real links: test_password_reset.
    Route("accounts.reset_password", lambda s: "/reset-password/x", ANYONE, public=True),
    Route(
        "accounts.reset_password",
        lambda s: "/reset-password/x",
        ANYONE,
        method="POST",
        public=True,
    ),
    Route("accounts.account", lambda s: "/account", EVERYONE),
    Route("accounts.account", lambda s: "/account", EVERYONE, method="POST"),
    Route("accounts.change_password", lambda s: "/account/password", EVERYONE),
    Route("accounts.change_password", lambda s: "/account/password", EVERYONE, method="POST"),
    Route("accounts.download_data", lambda s: "/account/your-data.json", EVERYONE),
    _end_session("GET"),
    _end_session("POST"),
    Route("accounts.end_other_sessions", lambda s: "/account/sessions/end-others", EVERYONE),
    Route(
        "accounts.end_other_sessions",
        lambda s: "/account/sessions/end-others",
        EVERYONE,
        method="POST",
    ),
    Route("accounts.delete_account", lambda s: "/account/delete", EVERYONE),
    # A wrong password: the form comes back with a message and nobody is deleted.
    Route(
        "accounts.delete_account",
        lambda s: "/account/delete",
        EVERYONE,
        method="POST",
        data={"password": "not the password"},
    ),
]
