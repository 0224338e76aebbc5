"""Plain factory functions: make_user(db, **overrides) and friends. They flush, never commit."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from learnset.accounts.models import User
from learnset.assessment.models import Rating, SelfAssessment
from learnset.cohorts.models import Cohort, Invitation, Membership
from learnset.cohorts.services import hash_token
from learnset.db import utcnow
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.models import ContentItem
from learnset.meetings.models import (
    Attendance,
    EmergentTopic,
    Meeting,
    MeetingItem,
    PresenterSlot,
    TopicVote,
)
from learnset.reflections.models import (
    Reflection,
    ReflectionComment,
    ReflectionPart,
    ReflectionVersion,
)
from learnset.reflections.structures import STRUCTURES

PASSWORD = "correct horse battery"
FAST_HASH = "scrypt:1024:8:1"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method=FAST_HASH)
_sequence = itertools.count(1)

__all__ = [
    "Cohort",
    "User",
    "make_capability",
    "make_cohort",
    "make_comment",
    "make_content_item",
    "make_domain",
    "make_invitation",
    "make_meeting",
    "make_member",
    "make_reflection",
    "make_user",
]


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


# --- Sessions, topics, presenter slots and attendance ------------------------------------------


def make_meeting(db: Session, cohort: Cohort, **overrides: Any) -> Meeting:
    """A session a month from now unless told otherwise; drafts by default."""
    starts_at = overrides.pop("starts_at", None) or utcnow().replace(
        microsecond=0, second=0
    ) + timedelta(days=30)
    values: dict[str, Any] = {
        "cohort": cohort,
        "number": next(_sequence),
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "place": "Room 2, Riverside House",
        "status": "draft",
    }
    values.update(overrides)
    if values["status"] == "published" and "published_at" not in values:
        values["published_at"] = utcnow()
    meeting = Meeting(**values)
    db.add(meeting)
    db.flush()
    return meeting


def make_past_meeting(db: Session, cohort: Cohort, days_ago: int = 30, **overrides: Any) -> Meeting:
    starts_at = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    return make_meeting(db, cohort, starts_at=starts_at, **overrides)


def add_item_to(db: Session, meeting: Meeting, item: ContentItem, position: int = 0) -> MeetingItem:
    meeting_item = MeetingItem(meeting=meeting, content_item=item, position=position)
    db.add(meeting_item)
    db.flush()
    return meeting_item


def make_topic(db: Session, cohort: Cohort, proposed_by: User | None = None, **overrides: Any):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "cohort": cohort,
        "proposed_by": proposed_by,
        "title": f"Topic {next(_sequence)}",
        "status": "open",
    }
    values.update(overrides)
    topic = EmergentTopic(**values)
    db.add(topic)
    db.flush()
    return topic


def make_vote(db: Session, topic: EmergentTopic, user: User) -> TopicVote:
    vote = TopicVote(topic_id=topic.id, user_id=user.id)
    db.add(vote)
    db.flush()
    return vote


def make_slot(db: Session, meeting: Meeting, presenter: User, topic: str = "A live challenge"):  # type: ignore[no-untyped-def]
    slot = PresenterSlot(meeting=meeting, user_id=presenter.id, topic=topic)
    db.add(slot)
    db.flush()
    return slot


def make_attendance(db: Session, meeting: Meeting, user: User, present: bool = True) -> Attendance:
    record = Attendance(meeting=meeting, user_id=user.id, present=present)
    db.add(record)
    db.flush()
    return record


def uk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UK wall-clock time as an aware UTC datetime."""
    from learnset.dates import UK

    return datetime(year, month, day, hour, minute, tzinfo=UK).astimezone(UTC)


# --- Reflections ---------------------------------------------------------------------------------


def make_reflection(db: Session, author: User, **overrides: Any) -> Reflection:
    """A saved reflection with its parts and a first version. Pass `parts` as key to text."""
    number = next(_sequence)
    structure = overrides.pop("structure", "driscoll")
    parts = overrides.pop("parts", None) or {
        key: f"Text of {key} in reflection {number}" for key in STRUCTURES[structure].keys
    }
    capabilities = overrides.pop("capabilities", [])
    cohort = overrides.pop("cohort", None)
    if cohort is None and "cohort_id" not in overrides:
        cohort_ids = [m.cohort_id for m in author.memberships if m.role == "participant"]
        overrides["cohort_id"] = cohort_ids[0] if cohort_ids else None
    now = utcnow()
    values: dict[str, Any] = {
        "author": author,
        "title": f"Reflection {number}",
        "structure": structure,
        "experienced_on": date(2026, 3, 1) + timedelta(days=number % 200),
        "cpd_minutes": 30,
        "visibility": "private",
        "created_at": now,
        "updated_at": now,
    }
    if cohort is not None:
        values["cohort"] = cohort
    values.update(overrides)
    if values["visibility"] != "private" and "shared_at" not in values:
        values["shared_at"] = now
    reflection = Reflection(**values)
    reflection.capabilities = list(capabilities)
    reflection.parts = [
        ReflectionPart(key=key, position=position, body=parts.get(key, ""))
        for position, key in enumerate(STRUCTURES[structure].keys)
    ]
    db.add(reflection)
    db.flush()
    db.add(
        ReflectionVersion(
            reflection_id=reflection.id,
            number=1,
            title=reflection.title,
            structure=structure,
            parts=reflection.text_by_part,
            experienced_on=reflection.experienced_on,
            cpd_minutes=reflection.cpd_minutes,
            created_at=now,
        )
    )
    db.flush()
    return reflection


def make_comment(
    db: Session, reflection: Reflection, author: User | None, **overrides: Any
) -> ReflectionComment:
    values: dict[str, Any] = {
        "reflection_id": reflection.id,
        "author": author,
        "audience": reflection.visibility if reflection.visibility != "private" else "set",
        "body": f"Comment {next(_sequence)}",
        "created_at": utcnow(),
    }
    values.update(overrides)
    comment = ReflectionComment(**values)
    db.add(comment)
    db.flush()
    return comment


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


def make_published_meeting(
    db: Session,
    cohort: Cohort,
    items: tuple[ContentItem, ...] | list[ContentItem] = (),
    **overrides: Any,
) -> Meeting:
    """A published session a week ago, using the library items given, in that order."""
    overrides.setdefault("starts_at", utcnow().replace(microsecond=0) - timedelta(days=7))
    overrides.setdefault("status", "published")
    meeting = make_meeting(db, cohort, **overrides)
    for position, item in enumerate(items):
        add_item_to(db, meeting, item, position)
    return meeting


# --- Live challenges -----------------------------------------------------------------------------


def make_challenge(db: Session, owner: User, cohort: Cohort | None = None, **overrides: Any):  # type: ignore[no-untyped-def]
    """An open challenge in the owner's first set unless told otherwise. Pass `trapped` as kind
    to note."""
    from learnset.challenges.models import Challenge, TrappedNote

    if cohort is None:
        cohort = next(m.cohort for m in owner.memberships if m.role == "participant")
    trapped = overrides.pop("trapped", {})
    now = overrides.pop("now", None) or utcnow()
    values: dict[str, Any] = {
        "owner": owner,
        "cohort": cohort,
        "title": f"Challenge {next(_sequence)}",
        "context": "What is happening now",
        "outcomes": "People stay well at home",
        "stakeholders": "Practices, the council",
        "status": "open",
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    if values["status"] == "closed" and "closed_at" not in values:
        values["closed_at"] = now
    challenge = Challenge(**values)
    challenge.trapped = [
        TrappedNote(kind=kind, position=position, note=note)
        for position, (kind, note) in enumerate(trapped.items())
    ]
    db.add(challenge)
    db.flush()
    return challenge


def make_update(
    db: Session, challenge: Any, author: User | None, kind: str = "question", **overrides: Any
):  # type: ignore[no-untyped-def]
    """A question by default; gains and experiments get the fields their kind needs."""
    from learnset.challenges.models import ChallengeUpdate

    now = overrides.pop("at", None) or utcnow()
    values: dict[str, Any] = {
        "challenge": challenge,
        "author": author,
        "kind": kind,
        "body": f"{kind.capitalize()} {next(_sequence)}",
        "created_at": now,
        "updated_at": now,
    }
    if kind == "experiment":
        values.update(expected_learning="Whether practices join in", spend="none")
    if kind == "gain":
        values.update(gain_for="people", gain_kind="health", evidence="Twelve people said so")
    values.update(overrides)
    update = ChallengeUpdate(**values)
    db.add(update)
    db.flush()
    return update


def make_story(db: Session, challenge: Any, published: bool = True, **overrides: Any):  # type: ignore[no-untyped-def]
    from learnset.challenges.models import Story

    now = utcnow()
    values: dict[str, Any] = {
        "challenge": challenge,
        "summary": f"The story of {challenge.title}",
        "published_at": now if published else None,
        "consented_at": now if published else None,
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    story = Story(**values)
    db.add(story)
    db.flush()
    return story


def make_challenge_slot(db: Session, meeting: Meeting, challenge: Any) -> PresenterSlot:
    slot = PresenterSlot(meeting=meeting, user_id=challenge.owner_id, challenge_id=challenge.id)
    db.add(slot)
    db.flush()
    return slot
