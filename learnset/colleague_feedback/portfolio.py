"""Feedback from colleagues in the appraisal portfolio (learnset/reflections/exports.py) and in
revalidation outputs (learnset/reflections/revalidation.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.colleague_feedback.models import FeedbackRound
from learnset.colleague_feedback.report import Report, read
from learnset.dates import UK


def appraisal_section(
    db: Session, user: User, date_from: date, date_to: date
) -> tuple[str, dict[str, Any]] | None:
    """The person's reports released in the period that they chose to include (one query)."""
    rounds = [
        feedback_round
        for feedback_round in db.scalars(
            select(FeedbackRound)
            .where(
                FeedbackRound.participant_id == user.id,
                FeedbackRound.released_at.is_not(None),
                FeedbackRound.in_appraisal.is_(True),
            )
            .order_by(FeedbackRound.released_at)
        )
        if feedback_round.released_at is not None
        and date_from <= feedback_round.released_at.astimezone(UK).date() <= date_to
    ]
    if not rounds:
        return None
    reports: list[tuple[FeedbackRound, Report]] = [
        (feedback_round, read(feedback_round.report or {})) for feedback_round in rounds
    ]
    return "colleague_feedback/_portfolio.html", {"reports": reports}


def latest_report(db: Session, user: User) -> tuple[str, dict[str, Any]] | None:
    """The person's latest released report, for revalidation outputs when they include it."""
    latest = db.scalar(
        select(FeedbackRound)
        .where(FeedbackRound.participant_id == user.id, FeedbackRound.released_at.is_not(None))
        .order_by(FeedbackRound.released_at.desc(), FeedbackRound.id.desc())
        .limit(1)
    )
    if latest is None or latest.report is None:
        return None
    return "colleague_feedback/_portfolio.html", {"reports": [(latest, read(latest.report))]}
