"""Who takes part in a learning set, as the dashboards name them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.cohorts.models import Membership, Role

# The cohort a cached statement is bound to, as a parameter: one statement serves every cohort.
ONE_COHORT = bindparam("cohort_id", type_=Integer)


@dataclass(frozen=True)
class ParticipantName:
    id: int
    name: str


def cohort_participants(db: Session, cohort_id: int) -> list[ParticipantName]:
    """The cohort's participants by name (one query)."""
    return [
        ParticipantName(user_id, name)
        for user_id, name in db.execute(
            select(User.id, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort_id, Membership.role == Role.PARTICIPANT)
            .order_by(User.name, User.id)
        )
    ]


def participant_ids(cohort_id: Any) -> Any:
    return select(Membership.user_id).where(
        Membership.cohort_id == cohort_id, Membership.role == Role.PARTICIPANT
    )
