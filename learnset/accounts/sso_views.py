"""Single sign-on over OpenID Connect, with Authlib's Flask client: the authorization code
flow with PKCE (S256), the state and nonce kept in this browser's session and used once, and
the ID token checked against the provider's published keys (signature), the configured issuer,
this client's id (audience) and its expiry. Registered only when SSO_ISSUER is set."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from learnset import mail
from learnset.accounts import required_domains, single_sign_on
from learnset.accounts.second_step import after_first_factor
from learnset.accounts.security import CONTENT_SECURITY_POLICY, public
from learnset.db import get_db, utcnow
from learnset.errors import flashed
from learnset.return_address import safe_next

logger = logging.getLogger(__name__)

bp = Blueprint("sso", __name__)

CLIENT = "sso"
NEXT_KEY = "sso_next"
# Set when the button was pressed on an invitation's page: the page to go back to.
JOIN_KEY = "sso_join"
# A verified address with no account yet, held for the invitation's page that asked for it.
IDENTITY_KEY = "sso_identity"
# Long enough to fill in a name, job title and organisation.
IDENTITY_SECONDS = 15 * 60
SCOPES = "openid email profile"
DID_NOT_WORK = "Single sign-on did not work. Try again, or sign in with your password."
UNAVAILABLE = (
    "Single sign-on is not available just now. Try again later, or sign in with your password."
)
# The pages with the single sign-on button.
BUTTON_PAGES = {"accounts.sign_in", "cohorts.accept_invitation"}
# What can go wrong between us and the provider: a state that is not this browser's (or was
# used already), an error from the provider, a token that fails a check, the provider down.
FAILURES = (OAuthError, JoseError, ValueError, KeyError)


def _client() -> Any:
    oauth: OAuth = current_app.extensions["authlib.integrations.flask_client"]
    return oauth.create_client(CLIENT)


@bp.route("/sign-in/sso", methods=["POST"])
@public
def start() -> Response:
    """Off to the provider. A POST with this site's CSRF token, so another site cannot start a
    sign-in in someone's browser."""
    home = url_for("main.home")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), home))
    session[NEXT_KEY] = safe_next(request.args.get("next"), home)
    session.pop(IDENTITY_KEY, None)
    if request.args.get("join") and session[NEXT_KEY] != home:
        session[JOIN_KEY] = session[NEXT_KEY]
    else:
        session.pop(JOIN_KEY, None)
    try:
        # On BASE_URL, never the Host header: it is the address registered with the provider.
        response: Response = _client().authorize_redirect(mail.absolute_url("sso.callback"))
    except requests.RequestException as error:
        logger.warning("Single sign-on: the provider's settings could not be read (%s)", error)
        flash(UNAVAILABLE, "info")
        return redirect(url_for("accounts.sign_in"))
    return response


@bp.route("/sign-in/sso/callback")
@public
def callback() -> Response:
    """Back from the provider: check everything, then sign in to the matching account."""
    back = url_for("accounts.sign_in")
    next_url = session.pop(NEXT_KEY, None)
    joining = session.pop(JOIN_KEY, None)
    try:
        token = _client().authorize_access_token(
            claims_options={"iss": {"essential": True, "value": _issuer()}}
        )
    except requests.RequestException as error:
        logger.warning("Single sign-on: the provider could not be reached (%s)", error)
        flash(UNAVAILABLE, "info")
        return redirect(back)
    except FAILURES as error:
        logger.info("Single sign-on refused: %s", type(error).__name__)
        flash(DID_NOT_WORK, "info")
        return redirect(back)
    claims = token.get("userinfo")
    if not claims:
        # No ID token came back, so there is nothing checked to go on.
        flash(DID_NOT_WORK, "info")
        return redirect(back)
    db = get_db()
    allowed = required_domains.parse_domains(current_app.config["SSO_ALLOWED_DOMAINS"])
    if isinstance(joining, str):
        # Pressed on an invitation's page: a verified address with no account yet is held for
        # that page, which makes the account; one with an account signs in to it, below.
        with flashed():
            email = single_sign_on.address_to_join_with(db, dict(claims), allowed, utcnow())
            if email is None:
                return _sign_in(db, claims, next_url)
            name = claims.get("name")
            session[IDENTITY_KEY] = {
                "email": email,
                "name": name if isinstance(name, str) else "",
                "page": joining,
                "until": int(time.time()) + IDENTITY_SECONDS,
            }
        db.commit()
        return redirect(joining)
    return _sign_in(db, claims, next_url)


def _sign_in(db: Session, claims: Any, next_url: str | None) -> Response:
    allowed = required_domains.parse_domains(current_app.config["SSO_ALLOWED_DOMAINS"])
    back = url_for("accounts.sign_in")
    with flashed():
        user = single_sign_on.account_for(db, dict(claims), allowed, utcnow())
        # Signed in now, or on to the second step (second_step.py).
        response = after_first_factor(user, single_sign_on.METHOD, next_url)
        db.commit()
        return response
    db.commit()
    return redirect(back)


@dataclass(frozen=True)
class Identity:
    """An address the provider verified, with no account yet, held for an invitation's page."""

    email: str
    name: str


def identity_for(page: str) -> Identity | None:
    """The verified address single sign-on brought back to this invitation's page, if fresh."""
    held: Any = session.get(IDENTITY_KEY)
    if not isinstance(held, dict) or held.get("page") != page:
        return None
    if not isinstance(held.get("until"), int) or held["until"] < time.time():
        return None
    return Identity(str(held.get("email", "")), str(held.get("name", "")))


def forget_identity() -> None:
    session.pop(IDENTITY_KEY, None)


def _issuer() -> str:
    issuer: str = current_app.config["SSO_ISSUER"].rstrip("/")
    return issuer


def _let_the_button_reach_the_provider(response: Response) -> Response:
    """The single sign-on button (on the sign-in page and an invitation's page) posts to
    `start`, which redirects to the provider: browsers hold that redirect to the page's
    form-action, so the provider's origin is added to it on those pages alone."""
    if request.endpoint in BUTTON_PAGES:
        parts = urlsplit(_issuer())
        origin = f"{parts.scheme}://{parts.netloc}"
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return response


def init_app(app: Flask) -> None:
    """Single sign-on's pages and its client, when SSO_ISSUER is set."""
    issuer = app.config.get("SSO_ISSUER", "").rstrip("/")
    if not issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        CLIENT,
        client_id=app.config["SSO_CLIENT_ID"],
        client_secret=app.config["SSO_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            # Every request to the provider (discovery, keys, token) gives up after this long.
            "default_timeout": app.config.get("SSO_TIMEOUT_SECONDS", 10),
        },
    )
    app.register_blueprint(bp)
    app.after_request(_let_the_button_reach_the_provider)
