"""Self-assessment's part of "download your data" and "delete your account"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from learnset.accounts.models import User
from learnset.assessment.models import (
    CheckInReminder,
    LearningFocus,
    Rating,
    SelfAssessment,
    rating_reflections,
)
from learnset.framework.models import Capability
from learnset.reflections.models import Reflection


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _ratings_of(db: Session, user: User) -> dict[int, list[dict[str, Any]]]:
    """Every rating the user gave, by assessment, as plain values: a year of check-ins holds
    hundreds, so the columns are read directly rather than as objects (two queries)."""
    titles: dict[int, list[str]] = {}
    for rating_id, title in db.execute(
        select(rating_reflections.c.rating_id, Reflection.title)
        .join(Reflection, Reflection.id == rating_reflections.c.reflection_id)
        .join(Rating, Rating.id == rating_reflections.c.rating_id)
        .join(SelfAssessment, SelfAssessment.id == Rating.assessment_id)
        .where(SelfAssessment.participant_id == user.id)
        .order_by(rating_reflections.c.rating_id, Reflection.id)
    ):
        titles.setdefault(rating_id, []).append(title)
    ratings: dict[int, list[dict[str, Any]]] = {}
    for row in db.execute(
        select(
            Rating.id,
            Rating.assessment_id,
            Capability.slug,
            Capability.name,
            Rating.current_level,
            Rating.target_level,
            Rating.evidence,
            Rating.change_reason,
            Rating.carried_forward,
        )
        .join(Capability, Capability.id == Rating.capability_id)
        .join(SelfAssessment, SelfAssessment.id == Rating.assessment_id)
        .where(SelfAssessment.participant_id == user.id)
        .order_by(Rating.assessment_id, Capability.slug)
    ):
        ratings.setdefault(row.assessment_id, []).append(
            {
                "capability": row.slug,
                "capability_name": row.name,
                "current_level": row.current_level,
                "target_level": row.target_level,
                "evidence": row.evidence,
                "what_changed": row.change_reason,
                "carried_forward": row.carried_forward,
                "reflections": titles.get(row.id, []),
            }
        )
    return ratings


def export_self_assessment(db: Session, user: User) -> dict[str, Any]:
    """Every self-assessment the user made, drafts included, their focus and reminders."""
    assessments = db.scalars(
        select(SelfAssessment)
        .where(SelfAssessment.participant_id == user.id)
        .order_by(SelfAssessment.started_at, SelfAssessment.id)
        .options(joinedload(SelfAssessment.cohort))
    ).all()
    ratings = _ratings_of(db, user)
    focuses = db.scalars(
        select(LearningFocus)
        .where(LearningFocus.participant_id == user.id)
        .options(
            joinedload(LearningFocus.cohort),
            joinedload(LearningFocus.content_item),
            joinedload(LearningFocus.capability),
        )
    )
    reminders = db.scalars(
        select(CheckInReminder)
        .where(CheckInReminder.participant_id == user.id)
        .order_by(CheckInReminder.sent_at)
        .options(joinedload(CheckInReminder.meeting))
    )
    return {
        "assessments": [
            {
                "learning_set": assessment.cohort.name,
                "type": assessment.kind,
                "status": assessment.status,
                "shared_with_tutors": assessment.shared_with_tutors,
                "started_at": _when(assessment.started_at),
                "submitted_at": _when(assessment.submitted_at),
                "ratings": ratings.get(assessment.id, []),
            }
            for assessment in assessments
        ],
        "focus_for_the_month": [
            {
                "learning_set": focus.cohort.name,
                "library_item": focus.content_item.title,
                "capability": focus.capability.slug if focus.capability else None,
                "chosen_at": _when(focus.chosen_at),
            }
            for focus in focuses
        ],
        "check_in_reminders": [
            {"session": reminder.meeting.display_title, "sent_at": _when(reminder.sent_at)}
            for reminder in reminders
        ],
    }


def erase_self_assessment(db: Session, user: User) -> None:
    """Delete the user's self-assessments (ratings and evidence links go too), focus, reminders."""
    db.execute(delete(CheckInReminder).where(CheckInReminder.participant_id == user.id))
    db.execute(delete(LearningFocus).where(LearningFocus.participant_id == user.id))
    db.execute(delete(SelfAssessment).where(SelfAssessment.participant_id == user.id))
    db.flush()
