"""Plain factory functions: make_user(db, **overrides) and friends. They flush, never commit."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from learnset.accounts.models import User
from learnset.assessment.models import Capability, CapabilityDomain
from learnset.cohorts.models import Cohort, Invitation, Membership
from learnset.cohorts.services import hash_token
from learnset.db import utcnow
from learnset.library.models import ContentItem

PASSWORD = "correct horse battery"
FAST_HASH = "scrypt:1024:8:1"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method=FAST_HASH)
_sequence = itertools.count(1)

__all__ = ["Cohort", "User", "make_cohort", "make_invitation", "make_member", "make_user"]


def make_user(db: Session, **overrides: Any) -> User:
    number = next(_sequence)
    values: dict[str, Any] = {
        "email": f"person{number}@example.org",
        "name": f"Person {number}",
        "job_title": "Commissioning manager",
        "organisation": "Example ICB",
        "password_hash": _PASSWORD_HASH,
    }
    values.update(overrides)
    user = User(**values)
    db.add(user)
    db.flush()
    return user


def make_cohort(db: Session, **overrides: Any) -> Cohort:
    values: dict[str, Any] = {
        "name": f"Learning set {next(_sequence)}",
        "description": "A test learning set",
        "start_month": date(2026, 3, 1),
        "status": "running",
    }
    values.update(overrides)
    cohort = Cohort(**values)
    db.add(cohort)
    db.flush()
    return cohort


def make_member(db: Session, cohort: Cohort, role: str, **overrides: Any) -> User:
    user = overrides.pop("user", None) or make_user(db, **overrides)
    db.add(Membership(user=user, cohort=cohort, role=role))
    db.flush()
    return user


def make_invitation(
    db: Session,
    cohort: Cohort,
    token: str = "test-token",  # noqa: S107
    **overrides: Any,
) -> Invitation:
    now = utcnow()
    values: dict[str, Any] = {
        "cohort": cohort,
        "email": f"invitee{next(_sequence)}@example.org",
        "role": "participant",
        "token_hash": hash_token(token),
        "sent_at": now,
        "expires_at": now + timedelta(days=14),
    }
    values.update(overrides)
    invitation = Invitation(**values)
    db.add(invitation)
    db.flush()
    return invitation


# --- The capability framework and the library ---------------------------------------------------


def make_domain(db: Session, **overrides: Any) -> CapabilityDomain:
    number = next(_sequence)
    values: dict[str, Any] = {
        "slug": f"domain-{number}",
        "name": f"Domain {number}",
        "description": "A test domain of the capability framework",
        "position": number,
    }
    values.update(overrides)
    domain = CapabilityDomain(**values)
    db.add(domain)
    db.flush()
    return domain


def make_capability(
    db: Session, domain: CapabilityDomain | None = None, **overrides: Any
) -> Capability:
    number = next(_sequence)
    values: dict[str, Any] = {
        "slug": f"capability-{number}",
        "name": f"Capability {number}",
        "description": "A test capability",
        "position": number,
        "leadership_dimensions": ["Engaging the team"],
        "levels": {str(level): f"Level {level} of capability {number}" for level in range(1, 6)},
    }
    values.update(overrides)
    capability = Capability(domain=domain or make_domain(db), **values)
    db.add(capability)
    db.flush()
    return capability


def make_content_item(
    db: Session, capabilities: list[Capability] | None = None, **overrides: Any
) -> ContentItem:
    """A library item; it develops a new capability unless given its capabilities."""
    number = next(_sequence)
    values: dict[str, Any] = {
        "slug": f"item-{number}",
        "kind": "theory",
        "title": f"Library item {number}",
        "summary": f"What library item {number} is about",
        "minutes": 20,
        "body": f"## About item {number}\n\nSome words.",
        "source_path": f"theory/item-{number}.md",
    }
    values.update(overrides)
    item = ContentItem(**values)
    item.capabilities = capabilities if capabilities is not None else [make_capability(db)]
    db.add(item)
    db.flush()
    return item
