"""Passkeys' pages, on the accounts blueprint: adding and removing them on the account page,
and signing in with one, instead of a password or after it. The browser's part is
static/app/passkeys.js; without JavaScript these forms stay hidden and everything else works.

Each challenge is made by a POST for options, kept in the session with what it is for and until
when, and taken out (used once) by the POST that answers it, whatever the answer."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from werkzeug.wrappers import Response

from learnset import authz
from learnset.accounts import passkeys, second_step, two_factor
from learnset.accounts.forms import AddPasskeyForm, PasskeySignInForm
from learnset.accounts.models import Passkey
from learnset.accounts.security import public
from learnset.accounts.views import bp
from learnset.db import get_db, utcnow
from learnset.errors import flashed, shown_on
from learnset.extensions import limiter
from learnset.forms import committed, confirm_page, confirmed, done, render_form
from learnset.return_address import safe_next

CHALLENGE_KEY = "passkey_challenge"
CHALLENGE_SECONDS = 5 * 60
REGISTER, SIGN_IN = "register", "sign-in"


def relying_party() -> passkeys.RelyingParty:
    """This service as passkeys know it: BASE_URL's host name, and its origin."""
    url = urlsplit(current_app.config["BASE_URL"])
    return passkeys.RelyingParty(
        id=url.hostname or "localhost", origin=f"{url.scheme}://{url.netloc}"
    )


def _offer(purpose: str, ceremony: passkeys.Ceremony) -> Response:
    session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(ceremony.challenge),
        "until": int(time.time()) + CHALLENGE_SECONDS,
    }
    return Response(ceremony.options, mimetype="application/json")


def _take_challenge(purpose: str) -> bytes | None:
    """The challenge offered for this purpose, if still fresh; gone from the session either way."""
    kept: Any = session.pop(CHALLENGE_KEY, None)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose:
        return None
    if not isinstance(kept.get("until"), int) or kept["until"] < time.time():
        return None
    challenge = kept.get("challenge")
    return base64url_to_bytes(challenge) if isinstance(challenge, str) else None


def _passkeys_url() -> str:
    return url_for("accounts.account", _anchor="passkeys")


# --- Adding and removing, from the account page ------------------------------------------------


@bp.route("/account/passkeys/options", methods=["POST"])
def passkey_registration_options() -> Response:
    user = current_user._get_current_object()
    return _offer(REGISTER, passkeys.registration(get_db(), user, relying_party()))


@bp.route("/account/passkeys/add", methods=["GET", "POST"])
def add_passkey() -> Response | tuple[str, int]:
    form = AddPasskeyForm()
    if form.validate_on_submit():
        challenge = _take_challenge(REGISTER)
        if challenge is None or not form.credential.data:
            form.name.errors.append(
                "Your browser did not make a passkey. Press the button and follow what your "
                "device asks"
            )
        else:
            db = get_db()
            user = current_user._get_current_object()
            with shown_on(form, "name"):
                passkeys.register(
                    db,
                    user,
                    form.credential.data,
                    challenge,
                    relying_party(),
                    form.name.data,
                    utcnow(),
                )
                second_step.passed_while_signed_in()
                return done(
                    f"Your passkey {form.name.data.strip()} has been added.", _passkeys_url()
                )
    return render_form("accounts/add_passkey.html", form)


@bp.route("/account/passkeys/<id:passkey_id>/remove", methods=["GET", "POST"])
def remove_passkey(passkey_id: int) -> Response | str:
    db = get_db()
    passkey = authz.get_or_404(db, Passkey, passkey_id, current_user, "passkey:remove")
    user = current_user._get_current_object()
    if confirmed():
        keep_one = two_factor.is_required(user) and not two_factor.has_two_factor(db, user)
        with flashed():
            name = passkey.name
            passkeys.remove(db, user, passkey, utcnow(), keep_one=keep_one)
            two_factor.after_removing(db, user)
            committed(f"Your passkey {name} has been removed.")
        return redirect(_passkeys_url())
    return confirm_page("accounts/remove_passkey.html", passkey=passkey)


# --- Signing in with a passkey ----------------------------------------------------------------


@bp.route("/sign-in/passkey/options", methods=["POST"])
@public
@limiter.limit(lambda: current_app.config["TWO_FACTOR_LIMIT_PER_IP"], methods=["POST"])
def passkey_sign_in_options() -> Response:
    # Any passkey for this service on the device: the browser offers its own list, so the
    # options name nobody and need no email address.
    return _offer(SIGN_IN, passkeys.authentication(get_db(), relying_party()))


@bp.route("/sign-in/passkey", methods=["POST"])
@public
@limiter.limit(lambda: current_app.config["TWO_FACTOR_LIMIT_PER_IP"], methods=["POST"])
def sign_in_with_passkey() -> Response:
    """Instead of a password (the person verified on the device: both factors), or after one
    (the pending person's own passkey)."""
    form = PasskeySignInForm()
    state = second_step.pending()
    back = url_for("accounts.enter_code") if state else url_for("accounts.sign_in")
    challenge = _take_challenge(SIGN_IN)
    if not form.validate_on_submit() or challenge is None or not form.credential.data:
        flash("Signing in with a passkey did not finish. Try again.", "info")
        return redirect(back)
    db = get_db()
    with flashed():
        passkey = passkeys.authenticate(
            db,
            form.credential.data,
            challenge,
            relying_party(),
            utcnow(),
            user=state.user if state else None,
        )
        second_step.finish(passkey.user)
        db.commit()
        home = url_for("main.home")
        return redirect(state.next_url if state else safe_next(request.args.get("next"), home))
    # A refused passkey writes nothing (the audit log records only one that was accepted).
    return redirect(back)
