"""The email domains that must sign in by single sign-on: those an admin has added here, and
those fixed by the SSO_REQUIRED_DOMAINS setting. Their addresses are refused a password
sign-in, a password reset and a password when joining by invitation; the person is pointed to
the single sign-on button instead."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset import audit
from learnset.accounts.models import RequiredSsoDomain, User, normalise_email
from learnset.errors import DomainError

# Letters, digits and hyphens in dot-separated labels, at least two of them: nhs.net, x.nhs.uk.
DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class RequiredDomainError(DomainError):
    """A domain cannot be required, or is already."""

    def __init__(self, message: str):
        super().__init__(message, field="domain")


def parse_domains(text: str) -> frozenset[str]:
    """A setting's comma- or space-separated email domains, lower case, without any @."""
    return frozenset(
        part.strip().lstrip("@").lower() for part in text.replace(",", " ").split() if part
    )


def domain_of(email: str) -> str:
    return normalise_email(email).rpartition("@")[2]


def added(db: Session) -> list[RequiredSsoDomain]:
    """The domains admins have added, in alphabetical order."""
    return list(db.scalars(select(RequiredSsoDomain).order_by(RequiredSsoDomain.domain)))


def required(db: Session, fixed: Iterable[str]) -> frozenset[str]:
    """Every domain that must sign in by single sign-on: the fixed ones and the added ones."""
    return frozenset(fixed) | frozenset(db.scalars(select(RequiredSsoDomain.domain)))


def must_use_single_sign_on(db: Session, email: str, fixed: Iterable[str]) -> bool:
    """Addresses in these domains sign in only by single sign-on, never by password."""
    domain = domain_of(email)
    if domain in set(fixed):
        return True
    found = db.scalar(select(RequiredSsoDomain.id).where(RequiredSsoDomain.domain == domain))
    return found is not None


def add(
    db: Session,
    by: User,
    typed: str,
    *,
    allowed: frozenset[str],
    fixed: frozenset[str],
    now: datetime,
) -> RequiredSsoDomain:
    """Require single sign-on for a domain that single sign-on may sign in (any domain when
    SSO_ALLOWED_DOMAINS is unset): otherwise its people could not sign in at all."""
    domain = typed.strip().lstrip("@").lower()
    if not DOMAIN_PATTERN.match(domain):
        raise RequiredDomainError("Enter a domain like nhs.net, without the part before the @")
    if allowed and domain not in allowed:
        raise RequiredDomainError(
            f"Single sign-on cannot sign in {domain} addresses, so requiring it would lock "
            f"them out. Domains it can sign in: {', '.join(sorted(allowed))}"
        )
    if domain in fixed:
        raise RequiredDomainError(f"{domain} is already required by the service's settings")
    if db.scalar(select(RequiredSsoDomain.id).where(RequiredSsoDomain.domain == domain)):
        raise RequiredDomainError(f"{domain} is already required")
    row = RequiredSsoDomain(domain=domain, added_by_id=by.id, added_at=now)
    db.add(row)
    db.flush()
    audit.record(db, audit.AuditKind.SSO_DOMAIN_REQUIRED, actor_id=by.id, detail=domain, now=now)
    return row


def remove(db: Session, by: User, row: RequiredSsoDomain, now: datetime) -> None:
    """Stop requiring single sign-on for a domain an admin added; its people may use their
    password again (if they have one)."""
    db.delete(row)
    db.flush()
    audit.record(
        db, audit.AuditKind.SSO_DOMAIN_RELEASED, actor_id=by.id, detail=row.domain, now=now
    )
