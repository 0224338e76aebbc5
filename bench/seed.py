"""Benchmark data: the demo programme plus extra learning sets at a realistic scale."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from learnset import demo
from learnset.accounts.models import User
from learnset.assessment.models import Rating, SelfAssessment
from learnset.challenges.models import Challenge, ChallengeUpdate, Story
from learnset.cohorts.models import Cohort, Invitation, Membership
from learnset.db import utcnow
from learnset.framework.models import Capability
from learnset.meetings.models import Attendance, Meeting
from learnset.reflections.models import Reflection

FAST_HASH = "scrypt:1024:8:1"


def seed(db: Session, cohorts: int) -> dict[str, object]:
    """Load the demo, then `cohorts` more sets of 12 participants and 2 tutors each."""
    demo.load(db, FAST_HASH)
    password_hash = generate_password_hash(demo.PASSWORD, method=FAST_HASH)
    now = utcnow()
    for number in range(cohorts):
        cohort = Cohort(
            name=f"Benchmark set {number + 1}",
            start_month=date(2026, 1 + number % 12, 1),
            status="running",
        )
        db.add(cohort)
        for person in range(14):
            user = User(
                email=f"bench{number}-{person}@example.org",
                name=f"Bench Person {number}-{person}",
                password_hash=password_hash,
            )
            role = "tutor" if person < 2 else "participant"
            db.add_all([user, Membership(user=user, cohort=cohort, role=role)])
        for invite in range(5):
            db.add(
                Invitation(
                    cohort=cohort,
                    email=f"invitee{number}-{invite}@example.org",
                    role="participant",
                    token_hash=f"{number:08d}{invite:08d}".ljust(64, "0"),
                    sent_at=now,
                    expires_at=now + timedelta(days=14),
                )
            )
    db.flush()
    _self_assessments(db, now)
    large_cohort = _dashboard_cohort(db, password_hash, now)
    participant = db.scalar(select(User.id).where(User.email == "participant1@example.org"))
    return {
        "cohort_id": 1,
        "participant_id": participant,
        "large_cohort_id": large_cohort,
        **seed_challenges(db, cohorts),
    }


def _self_assessments(db: Session, now: datetime) -> None:
    """A year of monthly check-ins for every benchmark participant: a baseline and 11 more."""
    capabilities = list(db.scalars(select(Capability.id).where(Capability.archived_at.is_(None))))
    if not capabilities:
        return
    participants = db.execute(
        select(Membership.user_id, Membership.cohort_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.role == "participant", Cohort.name.startswith("Benchmark set"))
    ).all()
    assessments = []
    for user_id, cohort_id in participants:
        for month in range(12):
            at = now - timedelta(days=30 * (12 - month))
            assessments.append(
                SelfAssessment(
                    participant_id=user_id,
                    cohort_id=cohort_id,
                    kind="baseline" if month == 0 else "check-in",
                    status="submitted",
                    shared_with_tutors=month % 4 != 3,
                    started_at=at,
                    updated_at=at,
                    submitted_at=at,
                )
            )
    db.add_all(assessments)
    db.flush()
    rows = [
        {
            "assessment_id": assessment.id,
            "capability_id": capability,
            "current_level": 1 + (month + position) % 4 // 2 + month // 6,
            "target_level": 4 + position % 2,
            "evidence": "",
            "change_reason": "",
            # A check-in rates a few capabilities; the rest are carried forward.
            "carried_forward": month > 0 and (position + month) % 4 != 0,
        }
        for index, assessment in enumerate(assessments)
        for month in [index % 12]
        for position, capability in enumerate(capabilities)
    ]
    db.execute(insert(Rating), rows)


# --- The dashboards at scale (issue 6) ------------------------------------------------------

LARGE_SET = 50
MONTHS = 12


def _dashboard_cohort(db: Session, password_hash: str, now: datetime) -> int:
    """A set of 50 participants with a year behind it: twelve monthly sessions with attendance,
    a check-in after each (one in four kept private), and a reflection or two a month. The
    demo's first tutor tutors it, so the benchmark can open its dashboard."""
    cohort = Cohort(name="Benchmark set of 50", start_month=date(2025, 11, 1), status="running")
    db.add(cohort)
    tutor = db.scalar(select(User).where(User.email == "tutor1@example.org"))
    db.add(Membership(user=tutor, cohort=cohort, role="tutor"))
    people = [
        User(
            email=f"bench-large-{person}@example.org",
            name=f"Large Set Person {person:02d}",
            password_hash=password_hash,
        )
        for person in range(LARGE_SET)
    ]
    db.add_all(people)
    db.add_all(Membership(user=user, cohort=cohort, role="participant") for user in people)
    first = now - timedelta(days=30 * MONTHS)
    meetings = [
        Meeting(
            cohort=cohort,
            number=month + 1,
            title=f"Month {month + 1}",
            starts_at=first + timedelta(days=30 * month),
            ends_at=first + timedelta(days=30 * month, hours=3),
            status="published",
            published_at=first,
        )
        for month in range(MONTHS)
    ]
    db.add_all(meetings)
    db.flush()
    db.execute(
        insert(Attendance),
        [
            {"meeting_id": meeting.id, "user_id": user.id, "present": (index + month) % 6 != 0}
            for month, meeting in enumerate(meetings)
            for index, user in enumerate(people)
        ],
    )
    assessments = [
        SelfAssessment(
            participant_id=user.id,
            cohort_id=cohort.id,
            kind="baseline" if month == 0 else "check-in",
            status="submitted",
            shared_with_tutors=month % 4 != 3,
            started_at=meeting.ends_at + timedelta(days=1),
            updated_at=meeting.ends_at + timedelta(days=1),
            submitted_at=meeting.ends_at + timedelta(days=1),
        )
        for month, meeting in enumerate(meetings)
        for user in people
    ]
    db.add_all(assessments)
    db.flush()
    capabilities = list(db.scalars(select(Capability.id).where(Capability.archived_at.is_(None))))
    db.execute(
        insert(Rating),
        [
            {
                "assessment_id": assessment.id,
                "capability_id": capability,
                "current_level": min(5, 1 + (position + index) % 3 + index // (4 * LARGE_SET)),
                "target_level": 4 + position % 2,
                "evidence": "",
                "change_reason": "",
                "carried_forward": index >= LARGE_SET and (position + index) % 3 != 0,
            }
            for index, assessment in enumerate(assessments)
            for position, capability in enumerate(capabilities)
        ],
    )
    db.execute(
        insert(Reflection),
        [
            {
                "author_id": user.id,
                "cohort_id": cohort.id,
                "meeting_id": meeting.id,
                "title": f"After month {month + 1}",
                "structure": "driscoll",
                "experienced_on": meeting.starts_at.date(),
                "cpd_minutes": 30,
                "visibility": ("private", "private", "tutors", "set")[(index + copy) % 4],
                "created_at": meeting.ends_at + timedelta(days=2 + copy),
                "updated_at": meeting.ends_at + timedelta(days=2 + copy),
            }
            for month, meeting in enumerate(meetings)
            for index, user in enumerate(people)
            for copy in range(1 + (index + month) % 2)
        ],
    )
    db.flush()
    return cohort.id


# --- Live challenges (issue 7) ---------------------------------------------------------------

GAIN_KINDS = ["health", "social", "economic", "relational"]


def _history(db: Session, challenge: Challenge, people: list[User], months: int) -> None:
    """A year of action learning on one challenge: questions, insights, plans and gains."""
    now = utcnow()
    for month in range(months):
        at = now - timedelta(days=30 * month + 1)
        for number, person in enumerate(people[:4]):
            db.add(
                ChallengeUpdate(
                    challenge=challenge,
                    author=person,
                    kind="question",
                    body=f"What would a good week look like? ({month}, {number})",
                    created_at=at,
                    updated_at=at,
                )
            )
        db.add(
            ChallengeUpdate(
                challenge=challenge,
                author=people[0],
                kind="insight",
                body="Something the set noticed",
                created_at=at,
                updated_at=at,
            )
        )
        db.add(
            ChallengeUpdate(
                challenge=challenge,
                author=challenge.owner,
                kind="experiment",
                body="A small test",
                expected_learning="How the system responds",
                spend="none",
                outcome="It went well",
                outcome_at=at,
                created_at=at,
                updated_at=at,
            )
        )
        db.add(
            ChallengeUpdate(
                challenge=challenge,
                author=challenge.owner,
                kind="gain",
                body="People home sooner",
                gain_for="people",
                gain_kind=GAIN_KINDS[month % 4],
                evidence="Practice records",
                created_at=at,
                updated_at=at,
            )
        )


def seed_challenges(db: Session, cohorts: int) -> dict[str, object]:
    """Every benchmark set gets a challenge per participant with a year's history; the demo's
    Riverside set gets forty more, and participant1's own challenge a long timeline."""
    riverside = db.scalar(select(Cohort).where(Cohort.name == demo.COHORTS[0][0]))
    assert riverside is not None
    for cohort in db.scalars(select(Cohort).where(Cohort.name.like("Benchmark set %"))):
        members = [m.user for m in cohort.memberships]
        for owner in [m.user for m in cohort.memberships if m.role == "participant"]:
            challenge = Challenge(owner=owner, cohort=cohort, title=f"Challenge of {owner.name}")
            db.add(challenge)
            _history(db, challenge, [p for p in members if p is not owner], months=12)
    members = [m.user for m in riverside.memberships]
    owners = [m.user for m in riverside.memberships if m.role == "participant"]
    for number in range(40):
        owner = owners[number % len(owners)]
        challenge = Challenge(owner=owner, cohort=riverside, title=f"Riverside challenge {number}")
        db.add(challenge)
        _history(db, challenge, [p for p in members if p is not owner], months=3)
    own = db.scalar(
        select(Challenge)
        .join(User, User.id == Challenge.owner_id)
        .where(User.email == "participant1@example.org", Challenge.status == "open")
        .order_by(Challenge.id)
    )
    assert own is not None
    _history(db, own, [p for p in members if p is not own.owner], months=12)
    story = db.scalar(select(Story).where(Story.published_at.is_not(None)))
    db.flush()
    return {"challenge_id": own.id, "story_id": story.id if story else 1}
