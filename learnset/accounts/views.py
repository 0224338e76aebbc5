from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Protocol, TypeVar

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
from flask_login import current_user, logout_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from learnset import audit, authz, mail
from learnset.accounts import (
    email_change,
    emails,
    passkeys,
    personal_data,
    required_domains,
    services,
    sign_ins,
    two_factor,
)
from learnset.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    DeleteSsoAccountForm,
    ForgotPasswordForm,
    PasskeySignInForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
)
from learnset.accounts.models import SignInSession, User, normalise_email
from learnset.accounts.second_step import after_first_factor, forget
from learnset.accounts.security import (
    carries_token,
    current_sign_in,
    failure_limits,
    idle_timeout,
    limit_per_ip,
    public,
    sign_out_user,
)
from learnset.dates import uk_time
from learnset.db import database, get_db, utcnow
from learnset.downloads import attachment, json_document, streamed_zip
from learnset.errors import link_gone, shown_on
from learnset.extensions import limiter
from learnset.forms import committed, confirm_page, confirmed, done, render_form
from learnset.return_address import safe_next

bp = Blueprint("accounts", __name__)

Found = TypeVar("Found")
Found_co = TypeVar("Found_co", covariant=True)


class LinkLookup(Protocol[Found_co]):
    """What an emailed link's token stands for, if it still works; `to_use`, held until the
    request ends (see `SignedLink.open`)."""

    def __call__(
        self, db: Session, token: str, secret_key: str, max_age: int, *, to_use: bool = ...
    ) -> Found_co | None: ...


Page = Response | tuple[str, int]

SIGN_IN_FAILED = "Enter a correct email address and password"


def _sso_label() -> str | None:
    """The single sign-on button's words, when single sign-on is on."""
    config = current_app.config
    return config["SSO_BUTTON_LABEL"] if config["SSO_ISSUER"] else None


def _password_refused(email: str) -> str | None:
    """Why this address may not use a password: its domain signs in by single sign-on."""
    label = _sso_label()
    fixed = required_domains.parse_domains(current_app.config["SSO_REQUIRED_DOMAINS"])
    if label is None or not required_domains.must_use_single_sign_on(get_db(), email, fixed):
        return None
    domain = required_domains.domain_of(email)
    return f"Addresses ending @{domain} sign in with single sign-on: choose '{label}'"


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> Response | tuple[str, int, dict[str, str]] | tuple[str, int]:
    home = url_for("main.home")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), home))
    form = SignInForm()
    extra = {"sso_label": _sso_label(), "passkey_form": PasskeySignInForm()}
    valid = form.validate_on_submit()
    refused = _password_refused(form.email.data) if valid else None
    if refused:
        # Said before the password is checked, so nothing is counted against the address.
        form.email.errors.append(refused)
    elif valid:
        db = get_db()
        now = utcnow()
        attempt = services.attempt_sign_in(
            db,
            form.email.data,
            form.password.data,
            request.remote_addr,
            now,
            failure_limits("SIGN_IN_MAX_FAILURES"),
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
        if attempt.user is not None:
            # Signed in now, or on to the second step (second_step.py).
            response = after_first_factor(attempt.user, "password")
            db.commit()
            return response
        db.commit()
        if attempt.paused is not None:
            wait = max(1, int((attempt.paused.until - now).total_seconds()))
            page = render_template(
                "accounts/sign_in.html", form=form, paused=attempt.paused, **extra
            )
            return page, 429, {"Retry-After": str(wait)}
        form.email.errors.append(SIGN_IN_FAILED)
    return render_form("accounts/sign_in.html", form, **extra)


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out() -> Response:
    sign_out_user()
    forget()
    committed("You have signed out.")
    response = redirect(url_for("accounts.sign_in"))
    # Photos' thumbnails are the one thing pages let the browser keep (for its person, checked
    # again on every use): at a shared computer, they go when their person signs out.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


def _emailed_link(
    lookup: LinkLookup[Found],
    max_age: str,
    gone: tuple[str, str],
    ask_again: str,
) -> Callable[[Callable[[Found], Page]], Callable[[str], Page]]:
    """A view of an emailed link: it gets what the link's signed token stands for, if genuine
    and younger than the setting `max_age` (seconds); a link that no longer works is the 410
    page (`gone`: its heading and message), pointing to `ask_again` for a new one."""

    def decorate(view: Callable[[Found], Page]) -> Callable[[str], Page]:
        @wraps(view)
        def with_link(token: str) -> Page:
            config = current_app.config
            found = lookup(
                get_db(),
                token,
                config["SECRET_KEY"],
                config[max_age],
                to_use=request.method == "POST",
            )
            if found is None:
                return link_gone(*gone, retry_url=url_for(ask_again))
            return view(found)

        return with_link

    return decorate


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(limit_per_ip("EMAIL_LIMIT_PER_IP"), methods=["POST"])
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
@_emailed_link(
    services.user_for_reset_token,
    "PASSWORD_RESET_MAX_AGE",
    (
        "This password reset link no longer works",
        "Reset links work once and expire after an hour. Ask for a new link.",
    ),
    "accounts.forgot_password",
)
def reset_password(user: User) -> Page:
    refused = _password_refused(user.email)
    if refused:
        # Links sent before the domain was required, or asked for by someone else.
        return render_template("accounts/password_not_used.html", refused=refused), 403
    form = ResetPasswordForm()
    form.password_for = (user.email, user.name)
    if form.validate_on_submit():
        db = get_db()
        method = current_app.config["PASSWORD_HASH_METHOD"]
        services.reset_password(db, user, form.password.data, method, utcnow())
        # A reset link is one factor, the inbox: a second factor is still asked for.
        response = after_first_factor(user, "reset link", url_for("main.home"))
        committed("Your password has been changed. You have been signed out everywhere else.")
        return response
    return render_form("accounts/reset_password.html", form)


@bp.route("/account", methods=["GET", "POST"])
def account() -> Response | tuple[str, int]:
    form = ProfileForm(obj=current_user)
    db = get_db()
    if form.validate_on_submit():
        form.populate_obj(current_user)
        return done("Your details have been saved.", url_for("accounts.account"))
    live = sign_ins.live_for(db, current_user, utcnow(), idle_timeout())
    return render_form(
        "accounts/account.html",
        form,
        sign_ins=live,
        this_device=current_sign_in(),
        two_factor=two_factor.app_of(db, current_user),
        two_factor_required=two_factor.is_required(current_user),
        recovery_codes_left=two_factor.recovery_codes_left(db, current_user),
        passkeys=passkeys.passkeys_of(db, current_user),
    )


# --- Where you are signed in ------------------------------------------------------------------


def _sessions_url() -> str:
    return url_for("accounts.account", _anchor="sessions")


@bp.route("/account/sessions/<id:sign_in_id>/end", methods=["GET", "POST"])
def end_session(sign_in_id: int) -> Response | str:
    db = get_db()
    sign_in = authz.get_or_404(db, SignInSession, sign_in_id, current_user, "sign-in:end")
    now = utcnow()
    if sign_ins.why_over(sign_in, current_user, now, idle_timeout()) is not None:
        flash("That session had already ended.")
        return redirect(_sessions_url())
    here = current_sign_in()
    this_device = here is not None and sign_in.id == here.id
    if confirmed():
        if this_device:
            sign_out_user()
            return done("You have signed out.", url_for("accounts.sign_in"))
        sign_ins.end(db, sign_in, sign_ins.Ended.BY_OWNER, now)
        return done(f"You have signed out of {sign_in.device}.", _sessions_url())
    return confirm_page("accounts/end_session.html", sign_in=sign_in, this_device=this_device)


@bp.route("/account/sessions/end-others", methods=["GET", "POST"])
def end_other_sessions() -> Response | str:
    db = get_db()
    now = utcnow()
    here = current_sign_in()
    if confirmed():
        sign_ins.end_others(db, current_user, here, now)
        return done("You have signed out of all other devices.", _sessions_url())
    others = [
        sign_in
        for sign_in in sign_ins.live_for(db, current_user, now, idle_timeout())
        if here is None or sign_in.id != here.id
    ]
    return confirm_page("accounts/end_other_sessions.html", others=others)


def _with_password_typed_again(
    form: ChangePasswordForm | ChangeEmailForm, wrong: str
) -> User | None:
    """The signed-in user when the form is sent with their own password in `current`, else None
    (with `wrong` beside that field when the password typed is not theirs)."""
    if not form.validate_on_submit():
        return None
    user: User = current_user._get_current_object()
    refused = own_password_refused(user, form.current.data, wrong)
    if refused is not None:
        form.current.errors.append(refused)
        return None
    return user


def own_password_refused(user: User, password: str, wrong: str) -> str | None:
    """Why a password typed again is not taken as the signed-in person's (`wrong`, or that
    checking is paused), or None. A wrong one is counted, and stays counted."""
    db = get_db()
    limits = failure_limits("SIGN_IN_MAX_FAILURES")
    check = services.check_own_password(db, user, password, request.remote_addr, utcnow(), limits)
    if check.user is not None:
        return None
    db.commit()
    if check.paused is not None:
        return (
            "There have been too many wrong passwords. For your security, passwords are not "
            f"being checked until {uk_time(check.paused.until)}"
        )
    return wrong


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    user = _with_password_typed_again(form, "Your current password is not correct")
    if user is not None:
        services.change_password(
            get_db(),
            user,
            form.password.data,
            current_app.config["PASSWORD_HASH_METHOD"],
            utcnow(),
            keep=current_sign_in(),
        )
        return done(
            "Your password has been changed. Other devices have been signed out.",
            url_for("accounts.account"),
        )
    return render_form("accounts/change_password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@limiter.limit(limit_per_ip("EMAIL_LIMIT_PER_IP"), methods=["POST"])
def change_email() -> str | tuple[str, int]:
    if not current_user.has_password:
        # Single sign-on finds the account by the address the organisation vouches for: it
        # changes there, not here.
        return render_template("accounts/change_email_sso.html")
    form = ChangeEmailForm()
    user = _with_password_typed_again(form, "Your password is not correct")
    if user is not None:
        db = get_db()
        with shown_on(form, "email"):
            new_email = email_change.check_request(user, form.email.data)
            mail.queue_built(db, emails.EMAIL_CHANGE, new_email, user=user.id)
            db.commit()
            hours = current_app.config["EMAIL_CHANGE_MAX_AGE"] // 3600
            return render_template("accounts/email_change_sent.html", email=new_email, hours=hours)
    return render_form("accounts/change_email.html", form)


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@public
@carries_token
@_emailed_link(
    email_change.change_for_token,
    "EMAIL_CHANGE_MAX_AGE",
    (
        "This link no longer works",
        "Links to confirm a new email address work once and expire after a day. "
        "Ask for a new one from your account page.",
    ),
    "accounts.change_email",
)
def confirm_email(change: email_change.Change) -> Page:
    if confirmed():
        db = get_db()
        name = change.user.name
        old_email = email_change.confirm(db, change, utcnow())
        mail.queue_message(
            db,
            old_email,
            "Your Learnset email address has changed",
            "email/email_changed.txt",
            name=name,
            new_email=change.new_email,
        )
        return done(f"Your email address is now {change.new_email}.", url_for("accounts.account"))
    return confirm_page("accounts/confirm_email.html", change=change), 200


@bp.route("/account/your-data.json")
def download_data() -> Response:
    now = utcnow()
    document = personal_data.export_all(get_db(), current_user, now)
    audit.record_apart(audit.AuditKind.DATA_DOWNLOADED, actor_id=current_user.id)
    return attachment(
        json_document(document),
        "application/json",
        f"learnset-your-data-{now.date().isoformat()}.json",
    )


@bp.route("/account/your-data.zip")
def download_data_zip() -> Response:
    """Everything at once: the JSON document and the files the person stored (a person may keep
    hundreds of megabytes), in a zip made as it is sent."""
    now = utcnow()
    found = personal_data.zip_entries(get_db(), current_user, now)
    audit.record_apart(audit.AuditKind.DATA_DOWNLOADED, actor_id=current_user.id)
    return streamed_zip(
        personal_data.stream_zip_of(database().sessions, found),
        f"learnset-your-data-{now.date().isoformat()}.zip",
    )


@bp.route("/account/delete", methods=["GET", "POST"])
def delete_account() -> Response | tuple[str, int]:
    user = current_user._get_current_object()
    form = DeleteAccountForm() if user.has_password else DeleteSsoAccountForm()
    db = get_db()
    problem = personal_data.deletion_problem(db, current_user)
    if form.validate_on_submit() and problem is None:
        refused = _deletion_refused(db, user, form)
        if refused is not None:
            field_name = "password" if user.has_password else "email"
            form[field_name].errors.append(refused)
        else:
            user_id = user.id
            personal_data.delete_account(db, user)
            audit.record(db, audit.AuditKind.ACCOUNT_DELETED, actor_id=user_id)
            db.commit()
            logout_user()
            # Nothing of the old account may linger in this browser, kept text included.
            session.clear()
            flash("Your account and your reflective log have been deleted.", "success")
            return redirect(url_for("main.home"))
    return render_form(
        "accounts/delete_account.html", form, problem=problem, sso_label=_sso_label()
    )


def _deletion_refused(
    db: Session, user: User, form: DeleteAccountForm | DeleteSsoAccountForm
) -> str | None:
    """Why the person asking cannot be taken to be the account's owner, or None: their
    password, or, with none, their address typed and a single sign-on in the last minutes."""
    now = utcnow()
    if isinstance(form, DeleteAccountForm):
        return own_password_refused(user, form.password.data, "The password is not correct")
    if normalise_email(form.email.data) != user.email:
        return "Type your email address as it is shown above"
    sign_in = current_sign_in()
    if not personal_data.sign_in_is_recent(sign_in.created_at if sign_in else None, now):
        return (
            "You signed in more than 15 minutes ago: sign out, sign in again through your "
            "organisation, then delete your account"
        )
    return None
