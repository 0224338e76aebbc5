"""Accounts: password rules, signing in, and password reset links."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from learnset import audit
from learnset.accounts import lockout, sign_ins
from learnset.accounts.models import SignInSession, User, normalise_email

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
RESET_SALT = "learnset.password-reset"
# Werkzeug's own default, as config.py's PASSWORD_HASH_METHOD is unless set otherwise.
DEFAULT_HASH_METHOD = "scrypt"
# The hash of an account made without a password: Werkzeug matches no password to it.
NO_PASSWORD = ""


@cache
def dummy_hash(method: str) -> str:
    """A hash made exactly as real ones are (same method and parameters), checked when the
    email is unknown, so a failed sign-in does the same work whether or not the account
    exists. Made once per method; its password is random and never used."""
    return generate_password_hash(secrets.token_urlsafe(24), method=method)


@cache
def common_passwords() -> frozenset[str]:
    text = files("learnset.accounts").joinpath("common_passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line and not line.startswith("#")
    )


# zxcvbn's scores run 0 to 4; 3 means about 10^8 guesses or more, and is the least accepted.
MIN_PASSWORD_SCORE = 3
# zxcvbn refuses to score more than 72 characters: longer passwords are scored on their first
# 72, which are as strong as the whole or weaker.
SCORED_LENGTH = 72
# Words anyone guessing at a Learnset password would try first, as zxcvbn's user inputs.
SERVICE_WORDS = ("learnset", "commissioning", "unlocking", "nhs", "nhsmail")
TOO_EASY = (
    "This password would be easy to guess. Make it longer, for example three random words "
    "that mean something only to you"
)


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why a new password is not acceptable, or None. As the NCSC advises: at least 10
    characters, no rules about which kinds of character, and not one that is easy to guess (the
    ~200 most common, then zxcvbn's score, from its own lists of about 30,000 leaked passwords,
    English words and names, and patterns such as keyboard runs, dates and repeats)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in common_passwords():
        return "This password is too common. Choose one that would be hard to guess"
    if email and lowered == normalise_email(email):
        return "Password must not be your email address"
    inputs = [*SERVICE_WORDS, *_personal_words(email, name)]
    if zxcvbn(password[:SCORED_LENGTH], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE:
        return TOO_EASY
    return None


def _personal_words(email: str, name: str) -> list[str]:
    """The parts of someone's address and name, which a guesser who knows them would try."""
    local, _, domain = normalise_email(email).partition("@")
    parts = local.replace("_", ".").replace("-", ".").replace("+", ".").split(".")
    words = [local, "".join(parts), *parts, *domain.split("."), "".join(name.lower().split())]
    words += name.lower().split()
    return [word for word in words if len(word) > 1]


def hash_password(password: str, method: str) -> str:
    return generate_password_hash(password, method=method)


def change_password(
    db: Session, user: User, password: str, method: str, now: datetime, keep: SignInSession | None
) -> None:
    """Store a new password and end every sign-in session but the one it was changed from."""
    user.password_hash = hash_password(password, method)
    sign_ins.end_all(db, user, sign_ins.Ended.PASSWORD_CHANGED, now, keep=keep)
    audit.record(db, audit.AuditKind.PASSWORD_CHANGED, actor_id=user.id, now=now)


def reset_password(db: Session, user: User, password: str, method: str, now: datetime) -> None:
    """Store a new password from a reset link: every sign-in session ends, and failed sign-ins
    with the account's address are forgotten, wherever they came from."""
    user.password_hash = hash_password(password, method)
    sign_ins.end_all(db, user, sign_ins.Ended.PASSWORD_RESET, now)
    lockout.forget_account(db, user.email)
    audit.record(db, audit.AuditKind.PASSWORD_RESET, actor_id=user.id, now=now)


def find_user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(
    db: Session,
    email: str,
    password: str,
    now: datetime,
    hash_method: str = DEFAULT_HASH_METHOD,
) -> User | None:
    """The active user with this email and password, or None, doing the same work either way:
    an unknown email is checked against a hash made with `hash_method`, the app's setting."""
    user = find_user_by_email(db, email)
    if user is None or user.password_hash == NO_PASSWORD:
        check_password_hash(dummy_hash(hash_method), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_signed_in_at = now
    return user


@dataclass(frozen=True)
class SignInAttempt:
    """The account signed in to, or None; when None, `paused` says if the password was not
    even checked because signing in is paused for this address or client."""

    user: User | None
    paused: lockout.Pause | None = None


def attempt_sign_in(
    db: Session,
    email: str,
    password: str,
    address: str | None,
    now: datetime,
    limits: lockout.Limits,
    hash_method: str = DEFAULT_HASH_METHOD,
) -> SignInAttempt:
    """Check a sign-in unless too many have failed lately for this address from this client, or
    from this client at all. A failure is counted; a success forgets this client's failures
    with this address. Each outcome goes in the audit log, naming the account the address
    belongs to (never the address or password typed)."""
    attempt = _password_checked(db, email, password, address, now, limits, hash_method)
    if attempt.paused is not None:
        why = PAUSED_BECAUSE[attempt.paused.scope]
        _audit_failure(db, audit.AuditKind.SIGN_IN_PAUSED, email, now, why)
    elif attempt.user is None:
        _audit_failure(db, audit.AuditKind.SIGN_IN_FAILED, email, now)
    else:
        audit.record(
            db, audit.AuditKind.SIGNED_IN, actor_id=attempt.user.id, detail="Password", now=now
        )
    return attempt


def check_own_password(
    db: Session,
    user: User,
    password: str,
    address: str | None,
    now: datetime,
    limits: lockout.Limits,
) -> SignInAttempt:
    """A signed-in person's password typed again to confirm a change to their account. Wrong
    ones count with failed sign-ins to its address from this client, and pause checking as
    those do: a browser left signed in is no place to guess the password at leisure."""
    return _password_checked(db, user.email, password, address, now, limits)


def _password_checked(
    db: Session,
    email: str,
    password: str,
    address: str | None,
    now: datetime,
    limits: lockout.Limits,
    hash_method: str = DEFAULT_HASH_METHOD,
) -> SignInAttempt:
    """A password checked unless failures with this address from this client, or from this
    client at all, have paused checking; a failure is counted, a success forgets this client's
    failures with this address."""
    paused = lockout.pause(db, email, address, now, limits)
    if paused is not None:
        return SignInAttempt(None, paused)
    user = authenticate(db, email, password, now, hash_method)
    if user is None:
        lockout.record_failure(db, email, address, now)
        return SignInAttempt(None)
    lockout.forget_from_client(db, email, address)
    return SignInAttempt(user)


PAUSED_BECAUSE = {
    lockout.Scope.ACCOUNT: "Too many failures with this address from this client",
    lockout.Scope.CLIENT: "Too many failures from this client",
}


def _audit_failure(
    db: Session, kind: audit.AuditKind, email: str, now: datetime, detail: str = ""
) -> None:
    named = find_user_by_email(db, email)
    detail = detail or (
        "No account has the address typed" if named is None else "Wrong password, or deactivated"
    )
    audit.record(
        db, kind, actor_id=None, subject_id=named.id if named else None, detail=detail, now=now
    )


@dataclass(frozen=True)
class SignedLink:
    """A kind of signed, time-limited link about one account, mailed to its owner. The salt
    keeps one kind's tokens from opening another kind's links; the token carries, under `key`,
    a `fingerprint` of the account that changes once the link has done its work, so that a
    used link is worthless."""

    salt: str
    key: str
    fingerprint: Callable[[User], str]

    def make(self, user: User, secret_key: str, **data: str) -> str:
        """The token for this account, with any `data` the link carries."""
        return URLSafeTimedSerializer(secret_key, salt=self.salt).dumps(
            {"user": user.id, self.key: self.fingerprint(user), **data}
        )

    def open(
        self, db: Session, token: str, secret_key: str, max_age: int, *, to_use: bool = False
    ) -> tuple[User, dict[str, Any]] | None:
        """The active account a token names, with the token's data, if the token is genuine
        (this key and salt), fresh (`max_age` seconds) and not used already. `to_use` (the
        link's form posted) holds the account's row until the transaction ends, so two posts at
        once take the link one after the other and the second finds it used."""
        try:
            data = URLSafeTimedSerializer(secret_key, salt=self.salt).loads(token, max_age=max_age)
        except (SignatureExpired, BadSignature):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("user"), int):
            return None
        user = db.get(User, data["user"], with_for_update=to_use, populate_existing=to_use)
        if user is None or not user.is_active or data.get(self.key) != self.fingerprint(user):
            return None
        return user, data


def _fingerprint(user: User) -> str:
    # Changes whenever the password does, which makes a used reset link worthless, and when the
    # address does: a link mailed to the old address must not open the account any more.
    return hashlib.sha256(f"{user.email}\n{user.password_hash}".encode()).hexdigest()[:20]


RESET_LINK = SignedLink(RESET_SALT, "fingerprint", _fingerprint)


def make_reset_token(user: User, secret_key: str) -> str:
    """A signed token for a password reset link; it dies when the password or address changes."""
    return RESET_LINK.make(user, secret_key)


def user_for_reset_token(
    db: Session, token: str, secret_key: str, max_age: int, *, to_use: bool = False
) -> User | None:
    """The user a reset token belongs to, if it is genuine, fresh and unused."""
    found = RESET_LINK.open(db, token, secret_key, max_age, to_use=to_use)
    return found[0] if found else None


def create_user(
    db: Session,
    *,
    email: str,
    name: str,
    password: str | None,
    method: str,
    job_title: str = "",
    organisation: str = "",
    is_admin: bool = False,
) -> User:
    """A new active account. Without a password (None) it signs in by single sign-on or a
    passkey: no password matches an empty hash (see `authenticate`)."""
    user = User(
        email=email,
        name=name.strip(),
        job_title=job_title.strip(),
        organisation=organisation.strip(),
        password_hash=NO_PASSWORD if password is None else hash_password(password, method),
        is_admin=is_admin,
    )
    db.add(user)
    db.flush()
    return user
