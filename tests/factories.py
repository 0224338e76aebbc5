"""Plain factory functions: make_user(db, **overrides) and friends. They flush, never commit."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from learnset.accounts.models import User
from learnset.assessment.models import Capability, CapabilityDomain, Rating, SelfAssessment
from learnset.cohorts.models import Cohort, Invitation, Membership
from learnset.cohorts.services import hash_token
from learnset.db import utcnow
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting, MeetingItem

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


# --- Self-assessment ----------------------------------------------------------------------------


def make_assessment(
    db: Session,
    participant: User,
    cohort: Cohort,
    levels: dict[Capability, tuple[int, int]] | None = None,
    *,
    status: str = "submitted",
    shared: bool = True,
    at: datetime | None = None,
    carried: tuple[Capability, ...] = (),
    **overrides: Any,
) -> SelfAssessment:
    """An assessment rating each capability given as (current, target); the participant's
    first in the cohort is the baseline. `carried` ratings are marked as carried forward."""
    at = at or utcnow()
    has_baseline = db.scalar(
        select(SelfAssessment.id).where(
            SelfAssessment.participant_id == participant.id,
            SelfAssessment.cohort_id == cohort.id,
            SelfAssessment.kind == "baseline",
        )
    )
    values: dict[str, Any] = {
        "participant_id": participant.id,
        "cohort_id": cohort.id,
        "kind": "check-in" if has_baseline else "baseline",
        "status": status,
        "shared_with_tutors": shared,
        "started_at": at,
        "updated_at": at,
        "submitted_at": at if status == "submitted" else None,
    }
    values.update(overrides)
    assessment = SelfAssessment(**values)
    for capability, (current, target) in (levels or {}).items():
        assessment.ratings.append(
            Rating(
                capability_id=capability.id,
                current_level=current,
                target_level=target,
                carried_forward=capability in carried,
            )
        )
    db.add(assessment)
    db.flush()
    return assessment


def make_published_meeting(db: Session, cohort: Cohort, **overrides: Any) -> Meeting:
    """A published two-hour session of the cohort, a week ago unless told otherwise."""
    starts_at = overrides.pop("starts_at", utcnow() - timedelta(days=7))
    values: dict[str, Any] = {
        "cohort": cohort,
        "number": next(_sequence),
        "title": "A monthly session",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "status": "published",
    }
    values.update(overrides)
    items = values.pop("items", [])
    meeting = Meeting(**values)
    meeting.items = [MeetingItem(content_item=item, position=n) for n, item in enumerate(items)]
    db.add(meeting)
    db.flush()
    return meeting
