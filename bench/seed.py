"""Benchmark data: the demo programme plus extra learning sets at a realistic scale."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from learnset import demo
from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Invitation, Membership
from learnset.db import utcnow

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
    return {"cohort_id": 1}
