from __future__ import annotations

import json
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from learnset import mail
from learnset.accounts import emails, personal_data, services
from learnset.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
)
from learnset.accounts.models import normalise_email
from learnset.db import get_db, utcnow
from learnset.extensions import limiter, submitted_email
from learnset.forms import render_form
from learnset.return_address import safe_next
from learnset.security import carries_token, public

bp = Blueprint("accounts", __name__)

SIGN_IN_FAILED = "Enter a correct email address and password"
REMEMBER_FOR = timedelta(days=30)


def _sign_in_limit_per_ip() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_IP"]


def _sign_in_limit_per_address() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]


def _email_limit_per_ip() -> str:
    return current_app.config["EMAIL_LIMIT_PER_IP"]


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit_per_ip, methods=["POST"])
@limiter.limit(
    _sign_in_limit_per_address,
    key_func=submitted_email,
    methods=["POST"],
    # Only failed attempts count against an address.
    deduct_when=lambda response: response.status_code != 302,
)
def sign_in() -> Response | tuple[str, int]:
    home = url_for("main.home")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), home))
    form = SignInForm()
    if form.validate_on_submit():
        db = get_db()
        user = services.authenticate(
            db,
            form.email.data,
            form.password.data,
            utcnow(),
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
        if user is not None:
            db.commit()
            login_user(user, remember=form.remember.data, duration=REMEMBER_FOR)
            return redirect(safe_next(request.args.get("next"), home))
        form.email.errors.append(SIGN_IN_FAILED)
    return render_form("accounts/sign_in.html", form)


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out() -> Response:
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(_email_limit_per_ip, methods=["POST"])
def forgot_password() -> str | tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        db = get_db()
        # Exactly the same work whether or not an account exists: the address is queued as
        # typed, without looking it up. The sender looks it up later and writes the link, or
        # drops the request (emails.py), so neither the page nor its timing tells them apart.
        mail.queue_built(db, emails.PASSWORD_RESET, normalise_email(form.email.data))
        db.commit()
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_form("accounts/forgot_password.html", form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@carries_token
def reset_password(token: str) -> Response | tuple[str, int]:
    db = get_db()
    config = current_app.config
    user = services.user_for_reset_token(
        db, token, config["SECRET_KEY"], config["PASSWORD_RESET_MAX_AGE"]
    )
    if user is None:
        return render_template(
            "errors/410.html",
            heading="This password reset link no longer works",
            message="Reset links work once and expire after an hour. Ask for a new link.",
            retry_url=url_for("accounts.forgot_password"),
        ), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data, config["PASSWORD_HASH_METHOD"])
        db.commit()
        login_user(user)
        flash("Your password has been changed.", "success")
        return redirect(url_for("main.home"))
    return render_form("accounts/reset_password.html", form)


@bp.route("/account", methods=["GET", "POST"])
def account() -> Response | tuple[str, int]:
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        form.populate_obj(current_user)
        get_db().commit()
        flash("Your details have been saved.", "success")
        return redirect(url_for("accounts.account"))
    return render_form("accounts/account.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        db = get_db()
        user = current_user._get_current_object()
        if services.authenticate(db, user.email, form.current.data, utcnow()) is None:
            form.current.errors.append("Your current password is not correct")
        else:
            services.set_password(
                user, form.password.data, current_app.config["PASSWORD_HASH_METHOD"]
            )
            db.commit()
            # The session token changed: sign in again here, while other browsers are signed out.
            login_user(user)
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.account"))
    return render_form("accounts/change_password.html", form)


@bp.route("/account/your-data.json")
def download_data() -> Response:
    now = utcnow()
    document = personal_data.export_all(get_db(), current_user, now)
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": (
                f'attachment; filename="learnset-your-data-{now.date().isoformat()}.json"'
            )
        },
    )


@bp.route("/account/delete", methods=["GET", "POST"])
def delete_account() -> Response | tuple[str, int]:
    form = DeleteAccountForm()
    db = get_db()
    problem = personal_data.deletion_problem(db, current_user)
    if form.validate_on_submit() and problem is None:
        user = current_user._get_current_object()
        if services.authenticate(db, user.email, form.password.data, utcnow()) is None:
            form.password.errors.append("The password is not correct")
        else:
            personal_data.delete_account(db, user)
            db.commit()
            logout_user()
            # Nothing of the old account may linger in this browser, kept text included.
            session.clear()
            flash("Your account and your reflective log have been deleted.", "success")
            return redirect(url_for("main.home"))
    return render_form("accounts/delete_account.html", form, problem=problem)
