"""Reads for the pages of feedback from colleagues."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from learnset.accounts.models import User
from learnset.authz.colleague_feedback import shared_reports_clause
from learnset.cohorts.models import Membership, Role
from learnset.colleague_feedback.models import FeedbackRound


def own_rounds(user: User) -> Select[FeedbackRound]:
    """The participant's rounds, newest first, with their raters and learning set loaded."""
    return (
        select(FeedbackRound)
        .where(FeedbackRound.participant_id == user.id)
        .options(selectinload(FeedbackRound.raters), selectinload(FeedbackRound.cohort))
        .order_by(FeedbackRound.created_at.desc(), FeedbackRound.id.desc())
    )


def shared_with(db: Session, user: User) -> list[FeedbackRound]:
    """Reports participants shared with this tutor, newest first (one query, and one for
    their people and sets)."""
    tutored = select(Membership.cohort_id).where(
        Membership.user_id == user.id, Membership.role == Role.TUTOR
    )
    return list(
        db.scalars(
            select(FeedbackRound)
            .where(FeedbackRound.cohort_id.in_(tutored), shared_reports_clause())
            .options(selectinload(FeedbackRound.participant), selectinload(FeedbackRound.cohort))
            .order_by(FeedbackRound.released_at.desc(), FeedbackRound.id.desc())
            .limit(50)
        )
    )


def shared_by(db: Session, user: User, cohort_id: int) -> list[FeedbackRound]:
    """The participant's released reports their tutors in this set can read, for "What your
    tutors see about you" (one query)."""
    return list(
        db.scalars(
            select(FeedbackRound)
            .where(
                FeedbackRound.participant_id == user.id,
                FeedbackRound.cohort_id == cohort_id,
                shared_reports_clause(),
            )
            .order_by(FeedbackRound.released_at.desc(), FeedbackRound.id.desc())
        )
    )
