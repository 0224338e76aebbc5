"""Who is in a learning set: the queries about its members that several features share."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from learnset.accounts.models import User
from learnset.cohorts.models import Membership


def members(db: Session, cohort_id: int) -> list[Membership]:
    """Tutors first, then participants, by name, each with their account."""
    return list(
        db.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .options(joinedload(Membership.user))
            .where(Membership.cohort_id == cohort_id)
            .order_by(Membership.role.desc(), User.name, User.id)
        )
    )
