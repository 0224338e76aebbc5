"""Plain factory functions, one style throughout: make_<thing>(db, <what it belongs to>,
**overrides) builds a row from sensible defaults with the overrides on top, adds it, flushes
and returns it. They never commit: the test does, when a request must see what it made.

People: make_user, make_member, make_members, make_set. The capability framework:
make_framework (five capabilities to rate), make_domain, make_capability. Sessions, topics,
slots, attendance, reflections, comments, ratings (make_assessment), challenges and stories
below."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from learnset.accounts.models import User
from learnset.assessment.models import Rating, SelfAssessment
from learnset.cohorts.models import Cohort, Invitation, Membership
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
from learnset.tokens import hash_token

# Everyone made here signs in with this password; its hash is made once, at a low cost.
PASSWORD = "correct horse battery"
FAST_HASH = "scrypt:1024:8:1"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method=FAST_HASH)
_sequence = itertools.count(1)

__all__ = [
    "Cohort",
    "Framework",
    "LearningSet",
    "User",
    "make_capability",
    "make_cohort",
    "make_comment",
    "make_content_item",
    "make_domain",
    "make_framework",
    "make_invitation",
    "make_meeting",
    "make_member",
    "make_members",
    "make_reflection",
    "make_set",
    "make_user",
]

Row = TypeVar("Row")


_batched: ContextVar[bool] = ContextVar("batched", default=False)


@contextmanager
def batch(db: Session) -> Iterator[None]:
    """Rows made inside are flushed together at the end instead of one by one (a flush costs
    more than building the row, and fixtures such as `people` make a dozen rows for every
    test). Inside, rows have no ids yet: link them by relationship, as the factories do."""
    token = _batched.set(True)
    try:
        yield
    finally:
        _batched.reset(token)
    db.flush()


def _add(db: Session, model: type[Row], defaults: dict[str, Any], overrides: dict[str, Any]) -> Row:
    """A row of `model` from the defaults with the overrides on top, added and flushed (unless
    inside `batch`)."""
    row = model(**{**defaults, **overrides})
    db.add(row)
    if not _batched.get():
        db.flush()
    return row


# --- People and learning sets --------------------------------------------------------------------


def make_user(db: Session, **overrides: Any) -> User:
    number = next(_sequence)
    defaults = {
        "email": f"person{number}@example.org",
        "name": f"Person {number}",
        "job_title": "Commissioning manager",
        "organisation": "Example ICB",
        "password_hash": _PASSWORD_HASH,
    }
    return _add(db, User, defaults, overrides)


def make_cohort(db: Session, **overrides: Any) -> Cohort:
    defaults = {
        "name": f"Learning set {next(_sequence)}",
        "description": "A test learning set",
        "start_month": date(2026, 3, 1),
        "status": "running",
    }
    return _add(db, Cohort, defaults, overrides)


def make_member(db: Session, cohort: Cohort, role: str, **overrides: Any) -> User:
    """A new user in the cohort with that role; or give `user=` to add someone who exists."""
    user = overrides.pop("user", None) or make_user(db, **overrides)
    _add(db, Membership, {"user": user, "cohort": cohort, "role": role}, {})
    return user


def make_members(db: Session, cohort: Cohort, role: str, count: int) -> list[User]:
    """`count` new users in the cohort, all with that role."""
    return [make_member(db, cohort, role) for _ in range(count)]


def email_for(name: str) -> str:
    """How a person made by make_set signs in: "Tess Tutor" is tess@example.org."""
    return f"{name.split()[0].lower()}@example.org"


@dataclass
class LearningSet:
    cohort: Cohort
    people: dict[str, User]  # by full name


def make_set(db: Session, name: str, members: dict[str, str], **overrides: Any) -> LearningSet:
    """A learning set and its people, given as {"Tess Tutor": "tutor", "Pat Participant":
    "participant"}: each a new user signing in as email_for(name) with PASSWORD."""
    cohort = make_cohort(db, name=name, **overrides)
    people = {
        person: make_member(db, cohort, role, name=person, email=email_for(person))
        for person, role in members.items()
    }
    return LearningSet(cohort, people)


def make_invitation(
    db: Session,
    cohort: Cohort,
    token: str = "test-token",  # noqa: S107
    **overrides: Any,
) -> Invitation:
    now = utcnow()
    defaults = {
        "cohort": cohort,
        "email": f"invitee{next(_sequence)}@example.org",
        "role": "participant",
        "token_hash": hash_token(token),
        "sent_at": now,
        "expires_at": now + timedelta(days=14),
    }
    return _add(db, Invitation, defaults, overrides)


# --- The capability framework and the library ---------------------------------------------------


def make_domain(db: Session, **overrides: Any) -> CapabilityDomain:
    number = next(_sequence)
    defaults = {
        "slug": f"domain-{number}",
        "name": f"Domain {number}",
        "description": "A test domain of the capability framework",
        "position": number,
    }
    return _add(db, CapabilityDomain, defaults, overrides)


def make_capability(
    db: Session, domain: CapabilityDomain | None = None, **overrides: Any
) -> Capability:
    number = next(_sequence)
    defaults = {
        "domain": domain or make_domain(db),
        "slug": f"capability-{number}",
        "name": f"Capability {number}",
        "description": "A test capability",
        "position": number,
        "leadership_dimensions": ["Engaging the team"],
        "levels": {str(level): f"Level {level} of capability {number}" for level in range(1, 6)},
        "level_evidence": {
            str(level): [f"Evidence at level {level} of capability {number}"]
            for level in range(1, 6)
        },
    }
    return _add(db, Capability, defaults, overrides)


Ratings = dict[Capability, tuple[int, int]]


@dataclass
class Framework:
    """A small framework to rate: two domains, five capabilities."""

    conversations: CapabilityDomain
    systems: CapabilityDomain
    listening: Capability
    credibility: Capability
    data: Capability
    complexity: Capability
    convening: Capability

    @property
    def capabilities(self) -> list[Capability]:
        return [self.listening, self.credibility, self.data, self.complexity, self.convening]

    def ratings(self, every: tuple[int, int] | None = None, **each: tuple[int, int]) -> Ratings:
        """(current, target) levels by capability, as make_assessment takes them:
        `ratings(every=(2, 4), listening=(3, 4))` rates all five 2 aiming for 4 but listening
        3; `ratings(listening=(2, 4))` rates listening alone."""
        rated = dict.fromkeys(self.capabilities, every) if every else {}
        rated.update({getattr(self, name): levels for name, levels in each.items()})
        return rated


def make_framework(db: Session) -> Framework:
    """Unlocking conversations (listening, credibility, data) and whole-system working
    (complexity, convening), in that order."""
    with batch(db):
        return _make_framework(db)


def _make_framework(db: Session) -> Framework:
    conversations = make_domain(
        db, slug="conversations", name="Unlocking conversations", position=1
    )
    systems = make_domain(db, slug="systems", name="Whole-system working", position=2)
    capabilities = {
        "listening": (conversations, "Listening across boundaries", 1),
        "credibility": (conversations, "Clinical credibility", 2),
        "data": (conversations, "Data for discussion", 3),
        "complexity": (systems, "Holding complexity", 1),
        "convening": (systems, "Convening the system", 2),
    }
    return Framework(
        conversations=conversations,
        systems=systems,
        **{
            slug: make_capability(db, domain, slug=slug, name=name, position=position)
            for slug, (domain, name, position) in capabilities.items()
        },
    )


def make_content_item(
    db: Session, capabilities: list[Capability] | None = None, **overrides: Any
) -> ContentItem:
    """A library item; it develops a new capability unless given its capabilities."""
    number = next(_sequence)
    defaults = {
        "slug": f"item-{number}",
        "kind": "theory",
        "title": f"Library item {number}",
        "summary": f"What library item {number} is about",
        "minutes": 20,
        "body": f"## About item {number}\n\nSome words.",
        "source_path": f"theory/item-{number}.md",
        "sources": [f"Author, A. (2020) Work number {number}. London: A Publisher"],
        "capabilities": capabilities if capabilities is not None else [make_capability(db)],
    }
    return _add(db, ContentItem, defaults, overrides)


# --- Sessions, topics, presenter slots and attendance ------------------------------------------


def make_meeting(db: Session, cohort: Cohort, **overrides: Any) -> Meeting:
    """A session a month from now unless told otherwise, from 10:00 to 13:00 UTC (a real
    session never runs past midnight, whatever the time the test runs); drafts by default."""
    starts_at = overrides.pop("starts_at", None) or utcnow().replace(
        hour=10, minute=0, microsecond=0, second=0
    ) + timedelta(days=30)
    defaults = {
        "cohort": cohort,
        "number": next(_sequence),
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "place": "Room 2, Riverside House",
        "status": "draft",
        "published_at": utcnow() if overrides.get("status") == "published" else None,
    }
    return _add(db, Meeting, defaults, overrides)


def make_past_meeting(db: Session, cohort: Cohort, days_ago: int = 30, **overrides: Any) -> Meeting:
    starts_at = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    return make_meeting(db, cohort, starts_at=starts_at, **overrides)


def add_item_to(db: Session, meeting: Meeting, item: ContentItem, position: int = 0) -> MeetingItem:
    defaults = {"meeting": meeting, "content_item": item, "position": position}
    return _add(db, MeetingItem, defaults, {})


def make_topic(
    db: Session, cohort: Cohort, proposed_by: User | None = None, **overrides: Any
) -> EmergentTopic:
    defaults = {
        "cohort": cohort,
        "proposed_by": proposed_by,
        "title": f"Topic {next(_sequence)}",
        "status": "open",
    }
    return _add(db, EmergentTopic, defaults, overrides)


def make_vote(db: Session, topic: EmergentTopic, user: User) -> TopicVote:
    return _add(db, TopicVote, {"topic_id": topic.id, "user_id": user.id}, {})


def make_slot(
    db: Session, meeting: Meeting, presenter: User, topic: str = "A live challenge"
) -> PresenterSlot:
    defaults = {"meeting": meeting, "user_id": presenter.id, "topic": topic}
    return _add(db, PresenterSlot, defaults, {})


def make_attendance(db: Session, meeting: Meeting, user: User, present: bool = True) -> Attendance:
    defaults = {"meeting": meeting, "user_id": user.id, "present": present}
    return _add(db, Attendance, defaults, {})


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
    defaults: dict[str, Any] = {
        "author": author,
        "title": f"Reflection {number}",
        "structure": structure,
        "experienced_on": date(2026, 3, 1) + timedelta(days=number % 200),
        "cpd_minutes": 30,
        "visibility": "private",
        "shared_at": now if overrides.get("visibility", "private") != "private" else None,
        "created_at": now,
        "updated_at": now,
        "capabilities": list(capabilities),
        "parts": [
            ReflectionPart(key=key, position=position, body=parts.get(key, ""))
            for position, key in enumerate(STRUCTURES[structure].keys)
        ],
    }
    if cohort is not None:
        defaults["cohort"] = cohort
    reflection = _add(db, Reflection, defaults, overrides)
    first_version = {
        "reflection_id": reflection.id,
        "number": 1,
        "title": reflection.title,
        "structure": structure,
        "parts": reflection.text_by_part,
        "experienced_on": reflection.experienced_on,
        "cpd_minutes": reflection.cpd_minutes,
        "created_at": now,
    }
    _add(db, ReflectionVersion, first_version, {})
    return reflection


def reflection_input(cohort: Cohort | None = None, **overrides: Any) -> Any:
    """What the editor hands the reflection services: a short Driscoll reflection in the
    cohort given (a ReflectionInput, not a row)."""
    from learnset.reflections.services import ReflectionInput

    values: dict[str, Any] = {
        "title": "About my challenge",
        "structure": "driscoll",
        "parts": {"what": "Something happened"},
        "experienced_on": date(2026, 3, 5),
        "cohort_id": cohort.id if cohort is not None else None,
    }
    return ReflectionInput(**{**values, **overrides})


def make_comment(
    db: Session, reflection: Reflection, author: User | None, **overrides: Any
) -> ReflectionComment:
    defaults = {
        "reflection_id": reflection.id,
        "author": author,
        "audience": reflection.visibility if reflection.visibility != "private" else "set",
        "body": f"Comment {next(_sequence)}",
        "created_at": utcnow(),
    }
    return _add(db, ReflectionComment, defaults, overrides)


# --- Self-assessment ----------------------------------------------------------------------------


def make_assessment(
    db: Session,
    participant: User,
    cohort: Cohort,
    levels: Ratings | None = None,
    *,
    status: str = "submitted",
    shared: bool = True,
    at: datetime | None = None,
    carried: tuple[Capability, ...] = (),
    **overrides: Any,
) -> SelfAssessment:
    """An assessment rating each capability given as (current, target), as Framework.ratings
    gives them; the participant's first in the cohort is the baseline. `carried` ratings are
    marked as carried forward."""
    at = at or utcnow()
    has_baseline = db.scalar(
        select(SelfAssessment.id).where(
            SelfAssessment.participant_id == participant.id,
            SelfAssessment.cohort_id == cohort.id,
            SelfAssessment.kind == "baseline",
        )
    )
    defaults = {
        "participant_id": participant.id,
        "cohort_id": cohort.id,
        "kind": "check-in" if has_baseline else "baseline",
        "status": status,
        "shared_with_tutors": shared,
        "started_at": at,
        "updated_at": at,
        "submitted_at": at if status == "submitted" else None,
        "ratings": [
            Rating(
                capability_id=capability.id,
                current_level=current,
                target_level=target,
                carried_forward=capability in carried,
            )
            for capability, (current, target) in (levels or {}).items()
        ],
    }
    return _add(db, SelfAssessment, defaults, overrides)


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


def make_challenge(db: Session, owner: User, cohort: Cohort | None = None, **overrides: Any) -> Any:
    """An open challenge in the owner's first set unless told otherwise. Pass `trapped` as kind
    to note."""
    from learnset.challenges.models import Challenge, TrappedNote

    if cohort is None:
        cohort = next(m.cohort for m in owner.memberships if m.role == "participant")
    trapped = overrides.pop("trapped", {})
    now = overrides.pop("now", None) or utcnow()
    defaults = {
        "owner": owner,
        "cohort": cohort,
        "title": f"Challenge {next(_sequence)}",
        "context": "What is happening now",
        "outcomes": "People stay well at home",
        "stakeholders": "Practices, the council",
        "status": "open",
        "closed_at": now if overrides.get("status") == "closed" else None,
        "created_at": now,
        "updated_at": now,
        "trapped": [
            TrappedNote(kind=kind, position=position, note=note)
            for position, (kind, note) in enumerate(trapped.items())
        ],
    }
    return _add(db, Challenge, defaults, overrides)


def make_update(
    db: Session, challenge: Any, author: User | None, kind: str = "question", **overrides: Any
) -> Any:
    """A question by default; gains and experiments get the fields their kind needs."""
    from learnset.challenges.models import ChallengeUpdate

    now = overrides.pop("at", None) or utcnow()
    defaults: dict[str, Any] = {
        "challenge": challenge,
        "author": author,
        "kind": kind,
        "body": f"{kind.capitalize()} {next(_sequence)}",
        "created_at": now,
        "updated_at": now,
    }
    if kind == "experiment":
        defaults.update(expected_learning="Whether practices join in", spend="none")
    if kind == "gain":
        defaults.update(gain_for="people", gain_kind="health", evidence="Twelve people said so")
    return _add(db, ChallengeUpdate, defaults, overrides)


def make_story(db: Session, challenge: Any, published: bool = True, **overrides: Any) -> Any:
    from learnset.challenges.models import Story

    now = utcnow()
    defaults = {
        "challenge": challenge,
        "summary": f"The story of {challenge.title}",
        "published_at": now if published else None,
        "consented_at": now if published else None,
        "created_at": now,
        "updated_at": now,
    }
    return _add(db, Story, defaults, overrides)


def make_challenge_slot(db: Session, meeting: Meeting, challenge: Any) -> PresenterSlot:
    defaults = {"meeting": meeting, "user_id": challenge.owner_id, "challenge_id": challenge.id}
    return _add(db, PresenterSlot, defaults, {})
