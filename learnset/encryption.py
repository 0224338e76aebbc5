"""Secrets kept encrypted at rest (authenticator apps' TOTP secrets), with Fernet: AES-128-CBC
and an HMAC-SHA256 tag, from cryptography. The key is TWO_FACTOR_KEY, one or more
comma-separated Fernet keys (the first encrypts, any decrypts, so a key can be replaced without
losing a secret). Production settings require it; on a laptop and in the tests it is derived
from SECRET_KEY, so nothing needs setting there."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app, has_app_context
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

__all__ = ["EncryptedString", "InvalidToken", "box", "keys_from"]

DERIVATION_LABEL = b"learnset: two-factor secrets at rest\x00"


def derived_key(secret_key: str) -> str:
    """A Fernet key made from SECRET_KEY, for laptops and tests only."""
    digest = hashlib.sha256(DERIVATION_LABEL + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def keys_from(config: Mapping[str, Any]) -> str:
    """TWO_FACTOR_KEY, or the key derived from SECRET_KEY when it is unset."""
    keys = str(config.get("TWO_FACTOR_KEY") or "").strip()
    return keys or derived_key(str(config.get("SECRET_KEY") or ""))


@cache
def box(keys: str) -> MultiFernet:
    """Encrypts with the first key given, decrypts with any."""
    parts = [part.strip() for part in keys.split(",") if part.strip()]
    if not parts:
        raise ValueError("no key")
    return MultiFernet([Fernet(part.encode()) for part in parts])


# The keys of the app made last, for sessions used outside any app context (the tests' own
# sessions, a script): a process serves one service, so its apps share their settings.
_made_last: list[str] = []


def init_app(app: Flask) -> None:
    """Check the app's keys now rather than at the first secret, and keep them for later."""
    keys = keys_from(app.config)
    box(keys)
    _made_last[:] = [keys]


def _app_box() -> MultiFernet:
    if has_app_context():
        return box(keys_from(current_app.config))
    if not _made_last:
        raise RuntimeError("Secrets at rest need the app's key: create the app first")
    return box(_made_last[0])


class EncryptedString(TypeDecorator[str]):
    """A string stored encrypted with the app's key and given back in the clear."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return _app_box().encrypt(value.encode()).decode()

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return _app_box().decrypt(value.encode()).decode()
