"""Deny by default (sign-in unless a view is public), sign-in sessions kept on the server, and
security headers on every response."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, g, redirect, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_url, login_user, logout_user
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from learnset.accounts import lockout, sign_ins
from learnset.accounts.models import SignInSession, User
from learnset.accounts.sign_ins import Ended
from learnset.db import READ_METHODS, get_db, utcnow
from learnset.extensions import login_manager
from learnset.logs import OncePerMinute

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        # The NHS.UK stylesheet fetches the Frutiger font from the NHS asset server.
        "font-src 'self' https://assets.nhs.uk",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def public(view: F) -> F:
    """Mark a view as reachable without signing in."""
    view.is_public = True  # type: ignore[attr-defined]  # a mark on the view function
    return view


def carries_token(view: F) -> F:
    """Mark a view whose URL holds a secret (a reset or invitation link): its pages, errors
    included, send no Referer anywhere, not even to this site's own logs."""
    view.carries_token = True  # type: ignore[attr-defined]  # a mark on the view function
    return view


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static":
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def _require_sign_in() -> Any:
    if is_public_endpoint(current_app, request.endpoint):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


# --- Sign-in sessions -------------------------------------------------------------------------
# The Flask cookie carries the sign-in session's secret as Flask-Login's user id. When a sign-in
# ends anywhere but here, only the login keys leave this browser's cookie: its CSRF token and the
# key to text kept after an expired sign-in (reflections.rescue) stay, so nothing typed is lost.

LOGIN_KEYS = ("_user_id", "_fresh", "_id")
# What survives signing in, when the rest of the cookie is replaced: kept text is claimed after
# signing in, and messages flashed on the way to the sign-in page are still to be shown.
KEPT_ACROSS_SIGN_IN = ("reflection_rescue", "_flashes")
SIGN_IN_TO_CONTINUE = "Sign in to continue."


class SignedCookies(SecureCookieSessionInterface):
    """Flask's signed cookie, as it is, with its serializer built once for the keys in force
    rather than twice a request (reading and writing the cookie): building one costs more
    than checking the cookie's signature."""

    _built: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        built = self._built
        if built is None or built[0] != keys:
            # A new key (a test's app, a rotation) builds a new one.
            built = self._built = (keys, super().get_signing_serializer(app))
        return built[1]


def limit_per_ip(setting: str) -> Callable[[], str]:
    """A Flask-Limiter limit read from a setting as each request comes (tests change it)."""

    def limit() -> str:
        value: str = current_app.config[setting]
        return value

    return limit


def failure_limits(per_account_setting: str) -> lockout.Limits:
    """When failures pause an attempt: the named setting's count for one address (or account)
    from one client, and SIGN_IN_MAX_FAILURES_PER_IP from one client, in the window."""
    config = current_app.config
    return lockout.Limits(
        per_account_and_client=config[per_account_setting],
        per_client=config["SIGN_IN_MAX_FAILURES_PER_IP"],
        window=timedelta(minutes=config["SIGN_IN_FAILURE_WINDOW_MINUTES"]),
    )


def idle_timeout() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def session_lifetime() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


def sign_in_user(user: User, second_factor: bool = False) -> SignInSession:
    """Sign the user in to this browser with a new sign-in session (the caller commits);
    `second_factor` when they passed one to get here.
    The rest of the cookie is replaced too, CSRF token included, so nothing planted in the
    browser before signing in is carried into the signed-in session."""
    db, now = get_db(), utcnow()
    previous = current_sign_in()
    if previous is not None:
        # Someone else's sign-in in this browser (a shared computer) ends, not just its cookie.
        sign_ins.end(db, previous, Ended.SIGNED_OUT, now)
    started = sign_ins.start(
        db,
        user,
        now,
        lifetime=session_lifetime(),
        user_agent=request.headers.get("User-Agent", ""),
        ip=request.remote_addr,
        second_factor=second_factor,
    )
    kept = {key: session[key] for key in KEPT_ACROSS_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    # Flask-WTF caches this request's token; the next page must make one from the new secret.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    user.sign_in_secret = started.secret
    g.sign_in = started.sign_in
    login_user(user)
    return started.sign_in


def current_sign_in() -> SignInSession | None:
    """The sign-in session of this request's signed-in user."""
    return g.get("sign_in") if current_user.is_authenticated else None


def sign_out_user() -> None:
    """End this browser's sign-in session and drop the login (the caller commits); the rest of
    the cookie stays."""
    sign_in = current_sign_in()
    if sign_in is not None:
        sign_ins.end(get_db(), sign_in, Ended.SIGNED_OUT, utcnow())
    g.pop("sign_in", None)
    logout_user()


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def signed_out_message(reason: Ended) -> str:
    """What someone is told when a sign-in of theirs turns out to have ended."""
    config = current_app.config
    if reason == Ended.IDLE:
        minutes = _plural(config["SESSION_IDLE_MINUTES"], "minute")
        return (
            f"You were signed out because you had not used Learnset for {minutes}. "
            "Sign in again to carry on."
        )
    if reason == Ended.EXPIRED:
        hours = _plural(config["SESSION_LIFETIME_HOURS"], "hour")
        return (
            f"You were signed out because you signed in more than {hours} ago. "
            "Sign in again to carry on."
        )
    if reason in (Ended.PASSWORD_CHANGED, Ended.PASSWORD_RESET):
        return "You were signed out because your password was changed. Sign in again to carry on."
    if reason == Ended.BY_OWNER:
        return "You were signed out of this device from another device. Sign in again to carry on."
    if reason == Ended.BY_ADMIN:
        return "You were signed out by a Learnset administrator. Sign in again to carry on."
    return "You were signed out. Sign in again to carry on."


@login_manager.user_loader  # type: ignore[untyped-decorator]  # Flask-Login has no type hints
def _load_user(secret: str) -> User | None:
    now = utcnow()
    found = sign_ins.check(get_db(), secret, now, idle_timeout())
    if found.user is None or found.sign_in is None:
        # Only the login leaves the cookie (see above), and the person is told why once.
        for key in LOGIN_KEYS:
            session.pop(key, None)
        if found.ended is not None:
            g.signed_out_because = found.ended
            flash(signed_out_message(found.ended), "info")
        return None
    found.user.sign_in_secret = secret
    g.sign_in = found.sign_in
    if sign_ins.touch_due(found.sign_in, now):
        g.sign_in_touch = now
    return found.user


_untouched = OncePerMinute()


def _check_sign_in() -> None:
    """Load the signed-in user at the start of the request rather than on first use, and
    record use of the sign-in session (at most once a minute) before the view runs, so that
    the touch is committed on its own. If it cannot be written, the page goes on regardless."""
    if request.endpoint == "static":
        return
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if remember_cookie in request.cookies:
        # Remember-me is gone: Flask-Login deletes a cookie left from before.
        session["_remember"] = "clear"
    if "_user_id" not in session:
        return
    current_user._get_current_object()
    when = g.pop("sign_in_touch", None)
    sign_in = g.get("sign_in")
    if when is None or sign_in is None:
        return
    db = get_db()
    try:
        if request.method in READ_METHODS:
            # A page's session has read already, and on SQLite a transaction that has read
            # cannot take the write lock once another request has written: the read ends here,
            # so the touch begins afresh and waits its turn for the lock (busy_timeout).
            db.commit()
        sign_ins.touch(db, sign_in.id, when)
        db.commit()
    except SQLAlchemyError as error:
        db.rollback()
        missed = _untouched.due("sign-in touch")
        if missed is not None:
            logger.warning(
                "The last use of a sign-in session was not recorded (%s); the request goes on. "
                "%d more since the last line like this.",
                type(error).__name__,
                missed,
            )


def send_to_sign_in() -> Response:
    """Flask-Login's answer to a page that needs a sign-in (second_step.py may answer first)."""
    # The loader has already said why, when a sign-in this browser had has ended.
    if "signed_out_because" not in g:
        flash(SIGN_IN_TO_CONTINUE, "info")
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def _refuse_nul_characters() -> None:
    # Nobody types a NUL character, and PostgreSQL cannot store one in text: the request is
    # malformed, so it gets a 400 rather than reaching the database as a 500.
    this_request = request._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
    if "\x00" in this_request.path or _has_nul(this_request.args):
        abort(400)
    # Werkzeug reads a form only from a request that names its body's type; any other's form
    # is empty, and asking for it would set up the body's stream for nothing (most GETs).
    if this_request.want_form_data_parsed and _has_nul(this_request.form):
        abort(400)


def _has_nul(values: Any) -> bool:
    return any("\x00" in value for group in values.listvalues() for value in group)


# Added to every response that has not set them itself.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _security_headers(response: Response) -> Response:
    headers = response.headers
    # One look at the headers already set: each `setdefault` scans them three times.
    present = {key.lower() for key, _ in headers}
    endpoint = request.endpoint
    wanted = (
        (*SECURITY_HEADERS, HSTS)
        if current_app.config["SESSION_COOKIE_SECURE"]
        else SECURITY_HEADERS
    )
    headers.extend([(key, value) for key, value in wanted if key.lower() not in present])
    view = current_app.view_functions.get(endpoint or "")
    if getattr(view, "carries_token", False):
        headers["Referrer-Policy"] = "no-referrer"
    # Pages about people must not linger in shared caches or the back button after sign-out.
    if endpoint != "static" and "cache-control" not in present:
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.session_interface = SignedCookies()
    login_manager.login_view = "accounts.sign_in"
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(send_to_sign_in)
    app.before_request(_check_sign_in)
    app.before_request(_require_sign_in)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
