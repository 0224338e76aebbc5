"""A real OpenID Connect provider for the single sign-on tests: oidc-provider-mock's Flask app,
served from a thread on 127.0.0.1 with discovery, a JWKS, an authorization form and a token
endpoint, signing ID tokens with its own RSA key.

`Provider.tamper` lets a test stand between the provider and Learnset at the token endpoint:
the ID token the provider issued is signed again with the provider's own key (so its signature
still checks against the published JWKS) after its claims are changed: another audience, an
expiry in the past. `foreign_key` signs it with a key the provider never published instead.
`token_requests` keeps each form posted to the token endpoint, to check PKCE's verifier."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import flask
import oidc_provider_mock
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy.engine import Connection
from werkzeug.serving import make_server

from learnset import create_app
from learnset.db import database
from tests.apps import bind_app, make_test_config


@dataclass
class Provider:
    issuer: str
    tamper: dict[str, Any] = field(default_factory=dict)
    foreign_key: bool = False
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def add_user(self, email: str, **claims: Any) -> str:
        """A person the provider knows, with their claims (email_verified true unless given);
        their subject is the email address."""
        body = {"email": email, "email_verified": True, "name": "Someone", **claims}
        response = requests.put(f"{self.issuer}/users/{email}", json=body, timeout=5)
        assert response.status_code == 204, response.text
        return email

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Sign in at the provider as `sub` and press authorise: the URL the provider sends the
        browser back to (Learnset's callback, with the code and state)."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        return str(response.headers["Location"])

    def reset(self) -> None:
        self.tamper.clear()
        self.foreign_key = False
        self.token_requests.clear()


def _rewrite_id_token(provider: Provider, response: flask.Response) -> flask.Response:
    if flask.request.path != "/oauth2/token":
        return response
    provider.token_requests.append(flask.request.form.to_dict())
    if response.status_code != 200 or not (provider.tamper or provider.foreign_key):
        return response
    body = json.loads(response.get_data())
    own = flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True)
    key = RSAKey.import_key(own)
    issued = jwt.decode(body["id_token"], key)
    claims = {**issued.claims, **provider.tamper}
    header = {"alg": "RS256", "kid": own.get("kid", issued.header.get("kid"))}
    signing_key = RSAKey.generate_key(2048) if provider.foreign_key else key
    body["id_token"] = jwt.encode(header, claims, signing_key)
    response.set_data(json.dumps(body))
    return response


@contextmanager
def running_provider() -> Iterator[Provider]:
    app = oidc_provider_mock.app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    provider = Provider(issuer=f"http://127.0.0.1:{server.server_port}")
    app.after_request(lambda response: _rewrite_id_token(provider, response))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@contextmanager
def app_with_sso(
    database_url: str, connection: Connection, tmp_path: Path, **settings: str
) -> Iterator[flask.Flask]:
    """The suite's app with single sign-on on, as the tests' client, with its button's label;
    `settings` give the issuer and the domains."""
    app = create_app(
        {
            **make_test_config(database_url, tmp_path),
            "SSO_CLIENT_ID": "learnset-tests",
            "SSO_CLIENT_SECRET": "not-a-real-secret",
            "SSO_BUTTON_LABEL": "Sign in with NHSmail",
            **settings,
        }
    )
    bind_app(app, connection)
    yield app
    database(app).engine.dispose()
