"""What the home page shows each person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Membership, Role


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    role: str | None
    participants: int
    tutors: int


def cohort_summaries(db: Session, user: User) -> list[CohortSummary]:
    """The cohorts on the user's home page with their head counts: every cohort for an admin."""
    counts = (
        select(
            Membership.cohort_id,
            func.count().filter(Membership.role == Role.PARTICIPANT).label("participants"),
            func.count().filter(Membership.role == Role.TUTOR).label("tutors"),
        )
        .group_by(Membership.cohort_id)
        .subquery()
    )
    mine = select(Membership.cohort_id, Membership.role).where(Membership.user_id == user.id)
    mine_sq = mine.subquery()
    query = (
        select(Cohort, mine_sq.c.role, counts.c.participants, counts.c.tutors)
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .outerjoin(mine_sq, mine_sq.c.cohort_id == Cohort.id)
        .order_by(Cohort.start_month.desc(), Cohort.name)
    )
    if not user.is_admin:
        query = query.where(mine_sq.c.role.is_not(None))
    summaries = [
        CohortSummary(cohort, role, participants or 0, tutors or 0)
        for cohort, role, participants, tutors in db.execute(query)
    ]
    # The panels ask which sets the user belongs to; this query has already said.
    authz.remember_cohorts(db, user, [(s.cohort, s.role) for s in summaries if s.role])
    return summaries
