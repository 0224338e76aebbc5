"""Failed sign-ins, counted in the database so every server and worker sees the same counts.

Failures count per (address typed, client) and per client, where the client is the IP address
(an IPv6 client by its /64). Someone guessing at an account from one place therefore pauses
only themselves: the owner signing in from anywhere else is not affected, and a reset link
always works (and forgets the account's failures). Each failure is one inserted row and the
check is a count over the window, so concurrent failures are never lost.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from learnset.accounts.models import SignInFailure, normalise_email
from learnset.db import delete_where


@dataclass(frozen=True)
class Limits:
    per_account_and_client: int
    per_client: int
    window: timedelta


class Scope(StrEnum):
    ACCOUNT = "account"
    CLIENT = "client"


@dataclass(frozen=True)
class Pause:
    """Signing in is paused for this address from this client, or for this client."""

    scope: Scope
    until: datetime


def email_digest(email: str) -> str:
    # The address typed may be anyone's, or a password typed in the wrong box: keep a digest.
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def client_of(address: str | None) -> str:
    """The client failures are counted against: the IP address, or an IPv6 address's /64."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _paused_until(
    db: Session, limit: int, now: datetime, window: timedelta, *where: ColumnElement[bool]
) -> datetime | None:
    # With `limit` failures in the window, the pause lasts until the limit-th most recent one
    # leaves it: then fewer than `limit` remain.
    if limit < 1:
        return None
    oldest_counted = db.scalar(
        select(SignInFailure.failed_at)
        .where(*where, SignInFailure.failed_at > now - window)
        .order_by(SignInFailure.failed_at.desc())
        .offset(limit - 1)
        .limit(1)
    )
    if oldest_counted is None:
        return None
    # Said to the minute on the page, so rounded up: trying at the time given works.
    until = oldest_counted + window
    rounded = until.replace(second=0, microsecond=0)
    return rounded if rounded == until else rounded + timedelta(minutes=1)


def pause(
    db: Session, email: str, address: str | None, now: datetime, limits: Limits
) -> Pause | None:
    """Whether signing in with this address from this client is paused, and until when."""
    client = client_of(address)
    until = _paused_until(
        db,
        limits.per_account_and_client,
        now,
        limits.window,
        SignInFailure.email_digest == email_digest(email),
        SignInFailure.client == client,
    )
    if until is not None:
        return Pause(Scope.ACCOUNT, until)
    until = _paused_until(db, limits.per_client, now, limits.window, SignInFailure.client == client)
    return Pause(Scope.CLIENT, until) if until is not None else None


def record_failure(db: Session, email: str, address: str | None, now: datetime) -> None:
    """Count one failed sign-in. Old rows are left to `purge`: deleting them here would make
    concurrent failures wait on each other's locks."""
    db.add(
        SignInFailure(email_digest=email_digest(email), client=client_of(address), failed_at=now)
    )
    db.flush()


def forget_from_client(db: Session, email: str, address: str | None) -> None:
    """After a successful sign-in: this client's failures with this address no longer count."""
    db.execute(
        delete(SignInFailure).where(
            SignInFailure.email_digest == email_digest(email),
            SignInFailure.client == client_of(address),
        )
    )


def forget_account(db: Session, email: str) -> None:
    """After a password reset: nobody's failures with this address count any more."""
    db.execute(delete(SignInFailure).where(SignInFailure.email_digest == email_digest(email)))


def purge(db: Session, now: datetime, window: timedelta) -> int:
    """Delete failures that have left the window."""
    return delete_where(db, SignInFailure, SignInFailure.failed_at <= now - window)
