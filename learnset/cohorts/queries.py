"""Who is in a learning set: the queries about its members that several features share."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Membership, Role


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


def tutors_of(db: Session, cohort_id: int) -> list[User]:
    """The people who see what participants share with tutors, by name."""
    return list(
        db.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort_id, Membership.role == Role.TUTOR)
            .order_by(User.name)
        )
    )


def cohorts_as(db: Session, user: User, role: Role) -> list[Cohort]:
    """The cohorts the user belongs to in `role`, latest start first. Several parts of a page
    ask (the home page's panels, a form's choices), so it is asked once a transaction, for
    every role at once."""
    known: dict[int, list[tuple[Cohort, str]]] = db.info.setdefault(_COHORTS_AS, {})
    if user.id not in known:
        known[user.id] = [
            (cohort, member_role)
            for cohort, member_role in db.execute(
                select(Cohort, Membership.role)
                .join(Membership, Membership.cohort_id == Cohort.id)
                .where(Membership.user_id == user.id)
                .order_by(Cohort.start_month.desc(), Cohort.name)
            )
        ]
    return [cohort for cohort, member_role in known[user.id] if member_role == role]


_COHORTS_AS = "learnset.cohorts_as"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_cohorts(db: Session, *_args: object) -> None:
    # Anything written may have changed who belongs where.
    db.info.pop(_COHORTS_AS, None)
