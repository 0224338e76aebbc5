"""Two-factor authentication's test helpers: an app set up for someone, codes worked out as
their authenticator app would (pyotp, from the real secret), and the secret read off the page."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp

from learnset.accounts import two_factor
from learnset.db import utcnow

SECRET_ON_PAGE = re.compile(r'id="secret-key">([A-Z2-7 ]+)<')


def give_app(db: Any, user: Any) -> tuple[str, list[str]]:
    """Set up an authenticator app for them through the service: its secret and recovery codes."""
    secret = two_factor.new_secret()
    codes = two_factor.set_up(db, user, secret, pyotp.TOTP(secret).now(), utcnow())
    db.commit()
    return secret, codes


def code_for(secret: str, steps_ahead: int = 1) -> str:
    """What the app shows now, or `steps_ahead` 30-second steps from now. The code used when
    setting up belongs to the current step and works once, so the next sign-in uses the next
    step's code, which the drift allowed accepts at once."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def secret_on(html: str) -> str:
    """The key shown for those who cannot scan the QR code, without its spaces."""
    match = SECRET_ON_PAGE.search(html)
    assert match, "no key on the page"
    return match.group(1).replace(" ", "")
