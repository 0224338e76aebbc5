"""Plain factory functions: make_user(db, **overrides) and friends. They flush, never commit."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Invitation, Membership
from learnset.cohorts.services import hash_token
from learnset.db import utcnow

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
