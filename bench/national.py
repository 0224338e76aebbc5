"""A deterministic programme at national scale, built with bulk inserts in a few minutes.

The default is what a national roll-out would hold after two years: 200 learning sets of 12
participants and 2 tutors, 24 monthly sessions each with attendance, 40 reflections per
participant (their parts, and comments on the shared ones), a baseline and 24 check-ins per
participant over the whole framework (about a million ratings), a live challenge per
participant with a year of updates and gains, topics with votes, most attendees' feedback on
each past session, and each set's cohort figures released. The same generator builds the
one-set programmes of the growth run (`growth.py`).

Rows get their ids here rather than from the database, so a million of them go in as a few
executemany statements; PostgreSQL's sequences are moved past them at the end.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.assessment.models import Rating, SelfAssessment
from learnset.challenges.models import Challenge, ChallengeUpdate
from learnset.cohorts.models import Cohort, Membership
from learnset.dashboards import releases
from learnset.framework.models import Capability
from learnset.framework.queries import current_framework
from learnset.meetings.models import Attendance, EmergentTopic, Meeting, TopicVote
from learnset.reflections.models import (
    Reflection,
    ReflectionComment,
    ReflectionPart,
    reflection_capabilities,
)
from learnset.session_feedback.models import SessionFeedback
from learnset.session_feedback.services import window

BATCH = 20_000
PARTS = ("what", "so_what", "now_what")
GAIN_KINDS = ("health", "social", "economic", "relational")
SENTENCE = (
    "The discharge meeting went differently this month: I asked the ward team what a good "
    "week would look like for them before offering our data, and the conversation moved from "
    "blame to what each of us could try before the next meeting."
)
WORDS = SENTENCE.split(" ")


@dataclass(frozen=True)
class Scale:
    sets: int = 200
    participants: int = 12
    tutors: int = 2
    months: int = 24
    reflections: int = 40  # per participant, spread over the months
    check_ins: int = 24  # after the baseline, spread over the months
    updates: int = 12  # per challenge
    name: str = "National set"

    @property
    def people(self) -> int:
        return self.sets * (self.participants + self.tutors)


@dataclass
class Built:
    """What the benchmark needs to find its way in, and how much was built."""

    cohort_ids: list[int] = field(default_factory=list)
    tutor_emails: list[str] = field(default_factory=list)
    participant_emails: list[str] = field(default_factory=list)
    participant_id: int = 0
    reflection_id: int = 0
    challenge_id: int = 0
    draft_meeting_id: int = 0
    counts: dict[str, int] = field(default_factory=dict)


class _Ids:
    """The next free id of each table, read once."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.next: dict[str, int] = {}

    def take(self, table: Table) -> int:
        if table.name not in self.next:
            self.next[table.name] = int(self.db.scalar(select(func.max(table.c.id))) or 0) + 1
        value = self.next[table.name]
        self.next[table.name] += 1
        return value


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Writer:
    def __init__(self, db: Session, built: Built) -> None:
        self.db = db
        self.built = built
        self.ids = _Ids(db)

    def rows(self, model: Any, rows: Iterable[dict[str, Any]]) -> None:
        table: Table = model if isinstance(model, Table) else model.__table__
        for chunk in _chunks(rows):
            self.db.execute(insert(table), chunk)
            self.built.counts[table.name] = self.built.counts.get(table.name, 0) + len(chunk)

    def id(self, model: Any) -> int:
        return self.ids.take(model.__table__)


def _text(rng: random.Random, words: int) -> str:
    start = rng.randrange(len(WORDS))
    return " ".join(WORDS[(start + n) % len(WORDS)] for n in range(words))


def _present(index: int, month: int) -> bool:
    """Whether a set's participant (by position) was at its session of that month."""
    return (index + month) % 7 != 0


def _level(month: int, months: int, position: int, person: int) -> int:
    """Where a participant is on a capability in a month: rising from 1 or 2 towards 3 or 4."""
    start = 1 + (position + person) % 2
    return min(5, start + (2 * month) // max(months, 1) + (person + month + position) % 3 // 2)


def build(db: Session, scale: Scale, password_hash: str, now: datetime) -> Built:
    """Add `scale` worth of learning sets to the database (its framework and library already
    synced); the caller commits."""
    rng = random.Random(2026)
    built = Built()
    write = _Writer(db, built)
    capabilities = list(
        db.scalars(
            select(Capability.id).where(Capability.archived_at.is_(None)).order_by(Capability.id)
        )
    )
    first = (now - timedelta(days=30 * scale.months)).replace(microsecond=0)
    users: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    meetings: list[dict[str, Any]] = []
    per_set: list[tuple[int, list[int], list[int], list[int]]] = []
    prefix = scale.name.lower().replace(" ", "-")
    for number in range(scale.sets):
        cohort_id = write.id(Cohort)
        write.rows(
            Cohort,
            [
                {
                    "id": cohort_id,
                    "name": f"{scale.name} {number + 1}",
                    "description": "",
                    "start_month": date(first.year, first.month, 1),
                    "status": "running",
                    "created_at": first,
                }
            ],
        )
        built.cohort_ids.append(cohort_id)
        tutors, participants = [], []
        for person in range(scale.tutors + scale.participants):
            user_id = write.id(User)
            email = f"{prefix}-{number}-{person}@example.org"
            tutor = person < scale.tutors
            (tutors if tutor else participants).append(user_id)
            if number == 0:
                (built.tutor_emails if tutor else built.participant_emails).append(email)
            users.append(
                {
                    "id": user_id,
                    "email": email,
                    "name": f"{'Tutor' if tutor else 'Participant'} {number + 1}.{person + 1}",
                    "job_title": "Clinical lead",
                    "organisation": "An integrated care board",
                    "password_hash": password_hash,
                    "is_active": True,
                    "is_admin": False,
                    "created_at": first,
                }
            )
            memberships.append(
                {
                    "id": write.id(Membership),
                    "user_id": user_id,
                    "cohort_id": cohort_id,
                    "role": "tutor" if tutor else "participant",
                    "joined_at": first,
                }
            )
        meeting_ids = []
        for month in range(scale.months + 1):
            meeting_id = write.id(Meeting)
            starts = first + timedelta(days=30 * month, hours=9)
            upcoming = month == scale.months
            meeting_ids.append(meeting_id)
            meetings.append(
                {
                    "id": meeting_id,
                    "cohort_id": cohort_id,
                    "number": month + 1,
                    "title": f"Session {month + 1}",
                    "starts_at": starts + timedelta(days=7) if upcoming else starts,
                    "ends_at": starts + timedelta(days=7 if upcoming else 0, hours=3),
                    "status": "draft" if upcoming else "published",
                    "published_at": None if upcoming else starts - timedelta(days=21),
                    "created_at": starts - timedelta(days=28),
                    "updated_at": starts - timedelta(days=21),
                    "sequence": 0,
                }
            )
        per_set.append((cohort_id, tutors, participants, meeting_ids))
    write.rows(User, users)
    write.rows(Membership, memberships)
    write.rows(Meeting, meetings)
    past = scale.months
    write.rows(
        Attendance,
        (
            {
                "id": write.id(Attendance),
                "meeting_id": meeting_ids[month],
                "user_id": user_id,
                "present": _present(index, month),
                "recorded_at": first + timedelta(days=30 * month, hours=12),
                "recorded_by_id": tutors[0],
            }
            for _cohort, tutors, participants, meeting_ids in per_set
            for month in range(past)
            for index, user_id in enumerate(participants)
        ),
    )
    _reflections(write, rng, scale, per_set, capabilities, first)
    _self_assessments(write, scale, per_set, capabilities, first)
    _challenges(write, rng, scale, per_set, first)
    _topics(write, rng, per_set, first)
    _session_feedback(write, rng, per_set, meetings, past)
    db.flush()
    _move_sequences(db, write.ids.next)
    if db.get_bind().dialect.name == "postgresql":
        # Autovacuum would gather statistics within a minute of a load this size; without them
        # the planner guesses, and the releases below take many minutes instead of seconds.
        # SQLite keeps none unless asked (ANALYZE), as on a real server: it runs without.
        db.execute(text("ANALYZE"))
    framework = current_framework(db)
    for cohort in db.scalars(select(Cohort).where(Cohort.id.in_(built.cohort_ids))):
        releases.release(db, cohort, framework, now, releases.ReleaseReason.ROUND_CLOSED)
    # As the daily job (`flask figures release`) would have: each closed session's feedback.
    # Imported here so that cpu.py can run older code (`--code`) with this generator.
    from learnset.session_feedback.summary import tally_closed

    built.counts["session_feedback_tallies"] = tally_closed(db, now)
    db.flush()
    _, tutors, participants, meeting_ids = per_set[0]
    built.participant_id = participants[0]
    built.draft_meeting_id = meeting_ids[-1]
    built.reflection_id = int(
        db.scalar(
            select(Reflection.id)
            .where(Reflection.author_id == participants[0], Reflection.visibility != "private")
            .order_by(Reflection.id.desc())
        )
        or 0
    )
    built.challenge_id = int(
        db.scalar(select(Challenge.id).where(Challenge.owner_id == participants[0])) or 0
    )
    return built


def _reflections(
    write: _Writer,
    rng: random.Random,
    scale: Scale,
    per_set: list[tuple[int, list[int], list[int], list[int]]],
    capabilities: list[int],
    first: datetime,
) -> None:
    reflections, parts, links, comments = [], [], [], []
    for cohort_id, tutors, participants, meeting_ids in per_set:
        for person, author in enumerate(participants):
            for number in range(scale.reflections):
                month = number * scale.months // max(scale.reflections, 1)
                at = first + timedelta(days=30 * month + 2 + number % 20, hours=number % 9)
                reflection_id = write.id(Reflection)
                visibility = ("private", "private", "tutors", "set")[(person + number) % 4]
                reflections.append(
                    {
                        "id": reflection_id,
                        "author_id": author,
                        "cohort_id": cohort_id,
                        "meeting_id": meeting_ids[month] if number % 2 == 0 else None,
                        "content_item_id": None,
                        "challenge_id": None,
                        "title": f"Reflection {number + 1}: {_text(rng, 6)}"[:200],
                        "structure": "driscoll",
                        "experienced_on": at.date(),
                        "cpd_minutes": 15 * (1 + number % 4),
                        "visibility": visibility,
                        "shared_at": at if visibility != "private" else None,
                        "comments_seen_at": None,
                        "draft_key": None,
                        "created_at": at,
                        "updated_at": at,
                        "deleted_at": None,
                    }
                )
                for position, key in enumerate(PARTS):
                    parts.append(
                        {
                            "id": write.id(ReflectionPart),
                            "reflection_id": reflection_id,
                            "key": key,
                            "position": position,
                            "body": _text(rng, 40 + rng.randrange(80)),
                        }
                    )
                if capabilities:
                    links.append(
                        {
                            "reflection_id": reflection_id,
                            "capability_id": capabilities[(person + number) % len(capabilities)],
                        }
                    )
                if visibility != "private":
                    for reply, commenter in enumerate([tutors[0], participants[person - 1]]):
                        if visibility == "tutors" and reply:
                            commenter = author
                        comments.append(
                            {
                                "id": write.id(ReflectionComment),
                                "reflection_id": reflection_id,
                                "author_id": commenter,
                                "audience": visibility,
                                "body": _text(rng, 30),
                                "created_at": at + timedelta(days=1 + reply),
                            }
                        )
    write.rows(Reflection, reflections)
    write.rows(ReflectionPart, parts)
    write.rows(reflection_capabilities, links)
    write.rows(ReflectionComment, comments)


def _self_assessments(
    write: _Writer,
    scale: Scale,
    per_set: list[tuple[int, list[int], list[int], list[int]]],
    capabilities: list[int],
    first: datetime,
) -> None:
    assessments: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    for cohort_id, _tutors, participants, _meetings in per_set:
        for person, participant in enumerate(participants):
            for number in range(scale.check_ins + 1):
                month = number * scale.months // (scale.check_ins + 1)
                at = first + timedelta(days=30 * month + 3, hours=person % 8)
                assessment_id = write.id(SelfAssessment)
                assessments.append(
                    {
                        "id": assessment_id,
                        "participant_id": participant,
                        "cohort_id": cohort_id,
                        "kind": "baseline" if number == 0 else "check-in",
                        "status": "submitted",
                        "shared_with_tutors": (person + number) % 5 != 4,
                        "scope": None,
                        "started_at": at,
                        "updated_at": at,
                        "submitted_at": at,
                    }
                )
                for position, capability in enumerate(capabilities):
                    ratings.append(
                        {
                            "id": write.id(Rating),
                            "assessment_id": assessment_id,
                            "capability_id": capability,
                            "current_level": _level(month, scale.months, position, person),
                            "target_level": 4 + (position + person) % 2,
                            "evidence": "",
                            "change_reason": "",
                            "carried_forward": number > 0 and (position + number) % 3 != 0,
                        }
                    )
                if len(ratings) >= BATCH * 5:
                    write.rows(SelfAssessment, assessments)
                    write.rows(Rating, ratings)
                    assessments, ratings = [], []
    write.rows(SelfAssessment, assessments)
    write.rows(Rating, ratings)


def _challenges(
    write: _Writer,
    rng: random.Random,
    scale: Scale,
    per_set: list[tuple[int, list[int], list[int], list[int]]],
    first: datetime,
) -> None:
    challenges, updates = [], []
    kinds = ("question", "question", "insight", "experiment", "action", "gain")
    for cohort_id, _tutors, participants, _meetings in per_set:
        for person, owner in enumerate(participants):
            challenge_id = write.id(Challenge)
            challenges.append(
                {
                    "id": challenge_id,
                    "owner_id": owner,
                    "cohort_id": cohort_id,
                    "title": f"Unlocking {_text(rng, 5)}"[:200],
                    "context": _text(rng, 60),
                    "outcomes": _text(rng, 20),
                    "stakeholders": _text(rng, 10),
                    "status": "open",
                    "created_at": first,
                    "updated_at": first,
                    "closed_at": None,
                }
            )
            for number in range(scale.updates):
                kind = kinds[number % len(kinds)]
                at = first + timedelta(days=30 * (number * scale.months // scale.updates) + 5)
                author = (
                    participants[(person + 1 + number) % len(participants)]
                    if kind in ("question", "insight")
                    else owner
                )
                updates.append(
                    {
                        "id": write.id(ChallengeUpdate),
                        "challenge_id": challenge_id,
                        "author_id": author,
                        "kind": kind,
                        "body": _text(rng, 25),
                        "created_at": at,
                        "updated_at": at,
                        "helped_at": None,
                        "expected_learning": _text(rng, 10) if kind == "experiment" else "",
                        "spend": "none" if kind == "experiment" else None,
                        "outcome": _text(rng, 15) if kind == "experiment" else "",
                        "outcome_at": at + timedelta(days=20) if kind == "experiment" else None,
                        "gain_for": "people" if kind == "gain" else None,
                        "gain_kind": GAIN_KINDS[number % 4] if kind == "gain" else None,
                    }
                )
    write.rows(Challenge, challenges)
    write.rows(ChallengeUpdate, updates)


def _topics(
    write: _Writer,
    rng: random.Random,
    per_set: list[tuple[int, list[int], list[int], list[int]]],
    first: datetime,
) -> None:
    topics, votes = [], []
    for cohort_id, _tutors, participants, _meetings in per_set:
        for number in range(5):
            topic_id = write.id(EmergentTopic)
            topics.append(
                {
                    "id": topic_id,
                    "cohort_id": cohort_id,
                    "proposed_by_id": participants[number],
                    "title": f"Topic: {_text(rng, 5)}"[:160],
                    "details": _text(rng, 20),
                    "status": "open",
                    "meeting_id": None,
                    "closed_reason": "",
                    "created_at": first,
                    "edited_at": None,
                    "decided_at": None,
                    "decided_by_id": None,
                }
            )
            votes.extend(
                {
                    "id": write.id(TopicVote),
                    "topic_id": topic_id,
                    "user_id": voter,
                    "created_at": first,
                }
                for voter in participants[: 2 + number * 2]
            )
    write.rows(EmergentTopic, topics)
    write.rows(TopicVote, votes)


# How useful attendees found a session, 1 to 5: mostly fairly, very or extremely.
LEVELS = range(1, 6)
USEFULNESS_WEIGHTS = (2, 6, 24, 40, 28)


def _session_feedback(
    write: _Writer,
    rng: random.Random,
    per_set: list[tuple[int, list[int], list[int], list[int]]],
    meetings: list[dict[str, Any]],
    past: int,
) -> None:
    """Between 60 and 80 % of a past session's attendees (as recorded above) answer its
    questions within its window, each written answer left empty more often than not, and short;
    the window's close as the first answer found it (services.answer)."""
    times = {meeting["id"]: meeting for meeting in meetings}
    answers = []
    for _cohort, _tutors, participants, meeting_ids in per_set:
        for month in range(past):
            meeting = times[meeting_ids[month]]
            closes_at = window(_Times(meeting["starts_at"], meeting["ends_at"])).closes_at
            share = rng.uniform(0.6, 0.8)
            for index, user_id in enumerate(participants):
                if not _present(index, month) or rng.random() >= share:
                    continue
                at = meeting["ends_at"] + timedelta(minutes=rng.randrange(60 * 24 * 13))
                answers.append(
                    {
                        "id": write.id(SessionFeedback),
                        "meeting_id": meeting["id"],
                        "user_id": user_id,
                        "usefulness": rng.choices(LEVELS, USEFULNESS_WEIGHTS)[0],
                        "do_differently": (
                            _text(rng, 4 + rng.randrange(16)) if rng.random() < 0.45 else ""
                        ),
                        "change_one_thing": (
                            _text(rng, 3 + rng.randrange(12)) if rng.random() < 0.3 else ""
                        ),
                        "closes_at": closes_at,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
    write.rows(SessionFeedback, answers)


@dataclass(frozen=True)
class _Times:
    starts_at: datetime
    ends_at: datetime


def _move_sequences(db: Session, next_ids: dict[str, int]) -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not move."""
    if db.get_bind().dialect.name != "postgresql":
        return
    for table, next_id in next_ids.items():
        db.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :last)"),
            {"last": next_id - 1},
        )
