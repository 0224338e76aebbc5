"""The second step of signing in. After the first factor (a password now; single sign-on may
call it too), the browser holds only a short-lived "pending" state, not a sign-in: who passed
the first factor, how, until when, and where to go next. The person then enters a code from
their authenticator app, or, if they must use two-factor authentication and have not set it up,
sets it up there and then, before any other page.

`after_first_factor` is the one way in: every first factor calls it instead of `sign_in_user`.

Someone made a tutor or an admin while signed in goes through the same step at their next
page (`ask_when_due`), unless their sign-in has passed a second factor already.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset.accounts import sign_ins, two_factor
from learnset.accounts.models import User
from learnset.accounts.security import (
    SIGN_IN_TO_CONTINUE,
    current_sign_in,
    send_to_sign_in,
    sign_in_user,
)
from learnset.db import READ_METHODS, get_db, utcnow
from learnset.return_address import safe_next

PENDING_KEY = "second_step"
# Long enough to find a phone and open the app; a set-up secret lives as long.
PENDING_SECONDS = 10 * 60
EXPIRED = "You took too long to enter a code. Sign in again to carry on."
ENTER_CODE_FIRST = "Finish signing in first: enter a security code."
SET_UP_FIRST = "Finish signing in first: set up two-factor authentication."
NOW_REQUIRED = "Tutors and admins must use two-factor authentication."
ENTER_CODE_NOW = f"{NOW_REQUIRED} Enter a security code to carry on."
SET_UP_NOW = f"{NOW_REQUIRED} Set it up to carry on."
# What a signed-in browser whose second step is due may still open: the step, and signing out.
DURING_THE_STEP = frozenset(
    {
        "static",
        "accounts.enter_code",
        "accounts.set_up_at_sign_in",
        "accounts.passkey_sign_in_options",
        "accounts.sign_in_with_passkey",
        "accounts.sign_out",
    }
)


@dataclass(frozen=True)
class Pending:
    user: User
    method: str
    next_url: str
    # The secret offered while setting up at sign-in: kept in the cookie until a code proves
    # the app has it, so showing the page writes nothing.
    setup_secret: str | None


def _home() -> str:
    return url_for("main.home")


def required_here(user: User) -> bool:
    """Whether this person must set up a second factor before going further."""
    return bool(current_app.config["TWO_FACTOR_REQUIRED"]) and two_factor.is_required(user)


def after_first_factor(user: User, method: str, next_url: str | None = None) -> Response:
    """Where someone goes once their first factor is accepted (the caller commits).

    With an authenticator app set up: to the page asking for a code, holding only the pending
    state. Without one but required (tutors and admins): to set one up, the same way. Otherwise
    they are signed in and sent on to `next_url` (by default the page's `next`, if safe)."""
    destination = safe_next(next_url if next_url is not None else request.args.get("next"), _home())
    has_app = two_factor.has_second_factor(get_db(), user)
    if not has_app and not required_here(user):
        session.pop(PENDING_KEY, None)
        sign_in_user(user)
        return redirect(destination)
    return _wait_for_second_step(user, method, destination, has_app)


def _wait_for_second_step(user: User, method: str, destination: str, has_app: bool) -> Response:
    session[PENDING_KEY] = {
        "user": user.id,
        "method": method,
        "until": int(time.time()) + PENDING_SECONDS,
        "next": destination,
    }
    if has_app:
        return redirect(url_for("accounts.enter_code"))
    return redirect(url_for("accounts.set_up_at_sign_in"))


def ask_when_due() -> Response | None:
    """Before every request: someone signed in whose sign-in has not passed a second factor,
    and who must use one now (made a tutor or an admin since), passes the second step before
    any other page, as at sign-in. Their sign-in ends when a new one, which passed it, takes
    its place. Reads only what loading the sign-in loaded, unless the step is due."""
    sign_in = current_sign_in()
    if sign_in is None or sign_in.second_factor_at is not None:
        return None
    if request.endpoint in DURING_THE_STEP:
        return None
    user: User = current_user._get_current_object()
    if not required_here(user):
        return None
    has_app = two_factor.has_second_factor(get_db(), user)
    state = pending()
    if state is not None and state.user.id == user.id:
        # Already waiting: the offered secret and the page to go back to stay as they were.
        return redirect(url_for("accounts.enter_code" if has_app else "accounts.set_up_at_sign_in"))
    flash(ENTER_CODE_NOW if has_app else SET_UP_NOW, "info")
    destination = request.full_path.rstrip("?") if request.method in READ_METHODS else _home()
    return _wait_for_second_step(user, "role gained", safe_next(destination, _home()), has_app)


def pending() -> Pending | None:
    """This browser's pending second step, if it is still fresh and its account active."""
    state: Any = session.get(PENDING_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("user"), int):
        return None
    if not isinstance(state.get("until"), int) or state["until"] < time.time():
        return None
    user = get_db().get(User, state["user"])
    if user is None or not user.is_active:
        return None
    secret = state.get("secret")
    return Pending(
        user,
        str(state.get("method", "")),
        safe_next(str(state.get("next", "")), _home()),
        secret if isinstance(secret, str) else None,
    )


def offer_secret() -> str:
    """The secret to set up at sign-in: the one already offered to this browser, or a new one."""
    state = session[PENDING_KEY]
    if not isinstance(state.get("secret"), str):
        state["secret"] = two_factor.new_secret()
        session[PENDING_KEY] = state
    secret: str = state["secret"]
    return secret


def start_again() -> Response:
    """No fresh pending state: back to the sign-in page, saying why."""
    expired = PENDING_KEY in session
    session.pop(PENDING_KEY, None)
    flash(EXPIRED if expired else SIGN_IN_TO_CONTINUE, "info")
    return redirect(url_for("accounts.sign_in"))


def finish(user: User) -> None:
    """Both factors passed: the pending state gives way to a real sign-in (the caller commits).
    A sign-in this browser had (one whose second step came due) ends."""
    session.pop(PENDING_KEY, None)
    sign_in_user(user, second_factor=True)


def passed_while_signed_in() -> None:
    """A second factor set up while signed in proves it as the second step would: this sign-in
    has passed it (the caller commits)."""
    sign_in = current_sign_in()
    if sign_in is not None:
        sign_ins.passed_second_factor(get_db(), sign_in, utcnow())


def send_on() -> Response:
    """A page that needs a sign-in, opened while this browser's second step waits: back to
    the second step, not to the sign-in page (where the password would be asked for again)."""
    state = pending()
    if state is None:
        return send_to_sign_in()
    if two_factor.has_second_factor(get_db(), state.user):
        flash(ENTER_CODE_FIRST, "info")
        return redirect(url_for("accounts.enter_code"))
    flash(SET_UP_FIRST, "info")
    return redirect(url_for("accounts.set_up_at_sign_in"))


def forget() -> None:
    """Signing out: a waiting second step goes too."""
    session.pop(PENDING_KEY, None)
