"""Changing one's email address: a signed, time-limited link to the new address, and the change
made only when it is opened; a notice to the old address when it is."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.orm import Session

from learnset import audit
from learnset.accounts.models import User, normalise_email
from learnset.accounts.services import SignedLink, find_user_by_email
from learnset.errors import DomainError

SALT = "learnset.email-change"


class EmailChangeError(DomainError):
    """A new address that cannot be used; the message says why."""


class Change(NamedTuple):
    user: User
    new_email: str


def check_request(user: User, new_email: str) -> str:
    """The new address, normalised, unless it is the one the account already has. Whether
    another account has it is not said here: only the new address's owner is told, by email."""
    email = normalise_email(new_email)
    if email == user.email:
        raise EmailChangeError("That is already your email address", field="email")
    return email


def _fingerprint(user: User) -> str:
    # Changes when the address does, which makes a used link worthless, and when the password
    # does: someone who knew the old one cannot take the account once its owner has changed it.
    return hashlib.sha256(f"{user.email}\n{user.password_hash}".encode()).hexdigest()[:20]


LINK = SignedLink(SALT, "from", _fingerprint)


def make_token(user: User, new_email: str, secret_key: str) -> str:
    """The signed link's token: this account, from its present address to the new one."""
    return LINK.make(user, secret_key, to=normalise_email(new_email))


def change_for_token(
    db: Session, token: str, secret_key: str, max_age: int, *, to_use: bool = False
) -> Change | None:
    """The change a token asks for, if it is genuine, fresh and unused, for an active account."""
    found = LINK.open(db, token, secret_key, max_age, to_use=to_use)
    if found is None or not isinstance(found[1].get("to"), str):
        return None
    user, data = found
    return Change(user, data["to"])


def confirm(db: Session, change: Change, now: datetime) -> str:
    """Make the change; the old address, to send it a notice. Refused when another account has
    taken the address since the link was sent."""
    user, new_email = change
    holder = find_user_by_email(db, new_email)
    if holder is not None and holder.id != user.id:
        raise EmailChangeError(
            f"{new_email} is already the address of another Learnset account, so yours has "
            "not changed. Sign in with that account, or choose another address.",
            status=409,
        )
    old_email = user.email
    user.email = new_email
    db.flush()
    audit.record(db, audit.AuditKind.EMAIL_CHANGED, actor_id=user.id, now=now)
    return old_email
