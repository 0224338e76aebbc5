"""Two-factor authentication's pages, on the accounts blueprint: the second step of signing in
(a code, or setting up an app when one is required), and setting it up, replacing recovery
codes and turning it off from the account page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset.accounts import passkeys, second_step, two_factor
from learnset.accounts.forms import (
    CodeForm,
    PasskeySignInForm,
    SetUpTwoFactorForm,
    TurnOffTwoFactorForm,
)
from learnset.accounts.models import User
from learnset.accounts.security import failure_limits, limit_per_ip, public
from learnset.accounts.views import bp, own_password_refused
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.extensions import limiter
from learnset.forms import confirm_page, confirmed, done, render_form

# The secret offered on the account page, kept in the cookie until a code proves it set up.
OFFERED_IN_COOKIE = "two_factor_secret"


def _recovery_codes_page(codes: list[str], continue_url: str, first_time: bool) -> str:
    return render_template(
        "accounts/recovery_codes.html",
        codes=codes,
        continue_url=continue_url,
        first_time=first_time,
    )


def _set_up_page(
    form: SetUpTwoFactorForm, user: User, secret: str, at_sign_in: bool
) -> tuple[str, int]:
    return render_form(
        "accounts/set_up_two_factor.html",
        form,
        qr_code=two_factor.qr_code_svg(secret, user.email),
        secret=two_factor.grouped(secret),
        at_sign_in=at_sign_in,
    )


# --- The second step of signing in ------------------------------------------------------------


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@limiter.limit(limit_per_ip("TWO_FACTOR_LIMIT_PER_IP"), methods=["POST"])
def enter_code() -> Response | tuple[str, int]:
    state = second_step.pending()
    if state is None:
        return second_step.start_again()
    db = get_db()
    if not two_factor.has_second_factor(db, state.user):
        return redirect(url_for("accounts.set_up_at_sign_in"))
    has_app = two_factor.has_two_factor(db, state.user)
    form = CodeForm()
    if has_app and form.validate_on_submit():
        check = two_factor.check_code(
            db,
            state.user,
            form.code.data,
            request.remote_addr,
            utcnow(),
            failure_limits("TWO_FACTOR_MAX_FAILURES"),
        )
        if check.accepted:
            second_step.finish(state.user)
            db.commit()
            if check.recovery_codes_left is not None:
                flash(_recovery_code_used(check.recovery_codes_left), "info")
            return redirect(state.next_url)
        # A wrong code is counted, and stays counted.
        db.commit()
        form.code.errors.append(check.problem)
        if check.paused is not None:
            page, _status = _code_page(form, state.user, has_app)
            return page, 429
    return _code_page(form, state.user, has_app)


def _code_page(form: CodeForm, user: User, has_app: bool) -> tuple[str, int]:
    return render_form(
        "accounts/enter_code.html",
        form,
        has_app=has_app,
        has_passkey=passkeys.has_passkey(get_db(), user),
        passkey_form=PasskeySignInForm(),
    )


def _recovery_code_used(left: int) -> str:
    if left == 0:
        return (
            "You used your last recovery code. Make new ones on your account page now, so you "
            "can still sign in if you lose your phone."
        )
    codes = "recovery code" if left == 1 else "recovery codes"
    return (
        f"You used a recovery code. You have {left} {codes} left: each works once. You can "
        "make new ones on your account page."
    )


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
@limiter.limit(limit_per_ip("TWO_FACTOR_LIMIT_PER_IP"), methods=["POST"])
def set_up_at_sign_in() -> Response | tuple[str, int] | str:
    state = second_step.pending()
    if state is None:
        return second_step.start_again()
    db = get_db()
    if two_factor.has_second_factor(db, state.user):
        return redirect(url_for("accounts.enter_code"))
    secret = second_step.offer_secret()
    form = SetUpTwoFactorForm()
    if form.validate_on_submit():
        with shown_on(form, "code"):
            codes = two_factor.set_up(db, state.user, secret, form.code.data, utcnow())
            second_step.finish(state.user)
            db.commit()
            return _recovery_codes_page(codes, state.next_url, first_time=True)
    return _set_up_page(form, state.user, secret, at_sign_in=True)


# --- From the account page --------------------------------------------------------------------


def _account_url() -> str:
    return url_for("accounts.account", _anchor="two-factor")


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
def set_up_two_factor() -> Response | tuple[str, int] | str:
    db = get_db()
    user = current_user._get_current_object()
    if two_factor.has_two_factor(db, user):
        return redirect(_account_url())
    secret = session.get(OFFERED_IN_COOKIE)
    if not isinstance(secret, str):
        secret = session[OFFERED_IN_COOKIE] = two_factor.new_secret()
    form = SetUpTwoFactorForm()
    if form.validate_on_submit():
        with shown_on(form, "code"):
            codes = two_factor.set_up(db, user, secret, form.code.data, utcnow())
            second_step.passed_while_signed_in()
            db.commit()
            session.pop(OFFERED_IN_COOKIE, None)
            return _recovery_codes_page(codes, _account_url(), first_time=True)
    return _set_up_page(form, user, secret, at_sign_in=False)


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
def new_recovery_codes() -> Response | str:
    db = get_db()
    user = current_user._get_current_object()
    if not two_factor.has_two_factor(db, user):
        return redirect(_account_url())
    if confirmed():
        codes = two_factor.new_recovery_codes(db, user, utcnow())
        db.commit()
        return _recovery_codes_page(codes, _account_url(), first_time=False)
    left = two_factor.recovery_codes_left(db, user)
    return confirm_page("accounts/new_recovery_codes.html", left=left)


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
def turn_off_two_factor() -> Response | tuple[str, int]:
    db = get_db()
    user = current_user._get_current_object()
    if not two_factor.has_two_factor(db, user):
        return redirect(_account_url())
    required = two_factor.is_required(user)
    form = TurnOffTwoFactorForm()
    if not required and form.validate_on_submit():
        refused = _not_proved_them(user, form.proof.data)
        if refused is None:
            two_factor.turn_off(db, user, utcnow())
            return done("Two-factor authentication is off.", _account_url())
        # A wrong code or password is counted, and stays counted.
        db.commit()
        form.proof.errors.append(refused)
    return render_form("accounts/turn_off_two_factor.html", form, required=required)


def _not_proved_them(user: User, proof: str) -> str | None:
    """Why the proof typed is not a current code from their app nor their password, or None."""
    wrong = "Enter your password or a current code from your app"
    typed = "".join(proof.split())
    if two_factor.looks_like_app_code(typed):
        limits = failure_limits("TWO_FACTOR_MAX_FAILURES")
        check = two_factor.check_code(get_db(), user, typed, request.remote_addr, utcnow(), limits)
        return None if check.accepted else wrong
    return own_password_refused(user, proof, wrong)
