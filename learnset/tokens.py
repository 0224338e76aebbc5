"""Secrets that stand for someone in a link or a cookie (an invitation's link, a colleague's
feedback link, a sign-in's cookie): made here, and kept in the database only as a hash, so a
copy of the database opens nothing."""

from __future__ import annotations

import hashlib
import secrets


def hash_token(token: str) -> str:
    """The hash the database keeps of a secret, and looks it up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A new secret to hand out, and its hash to keep."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)
