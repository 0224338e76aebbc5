"""Deny by default (sign-in unless a view is public), and security headers on every response."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, abort, current_app, request
from flask_login import current_user

from learnset.accounts.models import User
from learnset.db import get_db
from learnset.extensions import login_manager

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
    view.is_public = True  # type: ignore[attr-defined]
    return view


def carries_token(view: F) -> F:
    """Mark a view whose URL holds a secret (a reset or invitation link): its pages, errors
    included, send no Referer anywhere, not even to this site's own logs."""
    view.carries_token = True  # type: ignore[attr-defined]
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


@login_manager.user_loader
def _load_user(cookie_id: str) -> User | None:
    user_id, _, token = cookie_id.partition(".")
    if not user_id.isdigit() or not token:
        return None
    user = get_db().get(User, int(user_id))
    if user is None or not user.is_active:
        return None
    if not secrets.compare_digest(user.session_token, token):
        return None
    return user


def _refuse_nul_characters() -> None:
    # Nobody types a NUL character, and PostgreSQL cannot store one in text: the request is
    # malformed, so it gets a 400 rather than reaching the database as a 500.
    for values in (request.args.listvalues(), request.form.listvalues()):
        if any("\x00" in value for group in values for value in group):
            abort(400)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "carries_token", False):
        headers["Referrer-Policy"] = "no-referrer"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages about people must not linger in shared caches or the back button after sign-out.
    if request.endpoint != "static" and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(_require_sign_in)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
