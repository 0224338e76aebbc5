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
from learnset.cohorts.models import Cohort
from learnset.framework.models import Capability
from learnset.reflections.models import Reflection


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _assessments_of(db: Session, user: User) -> list[dict[str, Any]]:
    """Every self-assessment the user made, drafts included, each with its ratings and the
    titles of the reflections each rating names. One statement, a row per rating and
    reflection, read as plain values: a year of check-ins holds hundreds of ratings."""
    assessments: dict[int, dict[str, Any]] = {}
    ratings: dict[int, dict[str, Any]] = {}
    for row in db.execute(
        select(
            SelfAssessment.id,
            Cohort.name.label("learning_set"),
            SelfAssessment.kind,
            SelfAssessment.status,
            SelfAssessment.shared_with_tutors,
            SelfAssessment.started_at,
            SelfAssessment.submitted_at,
            Rating.id.label("rating_id"),
            Capability.slug,
            Capability.name,
            Rating.current_level,
            Rating.target_level,
            Rating.evidence,
            Rating.change_reason,
            Rating.carried_forward,
            Reflection.title.label("reflection"),
        )
        .join(Cohort, Cohort.id == SelfAssessment.cohort_id)
        .outerjoin(Rating, Rating.assessment_id == SelfAssessment.id)
        .outerjoin(Capability, Capability.id == Rating.capability_id)
        .outerjoin(rating_reflections, rating_reflections.c.rating_id == Rating.id)
        .outerjoin(Reflection, Reflection.id == rating_reflections.c.reflection_id)
        .where(SelfAssessment.participant_id == user.id)
        .order_by(
            SelfAssessment.started_at,
            SelfAssessment.id,
            Capability.slug,
            Rating.id,
            Reflection.id,
        )
    ):
        if row.id not in assessments:
            assessments[row.id] = {
                "learning_set": row.learning_set,
                "type": row.kind,
                "status": row.status,
                "shared_with_tutors": row.shared_with_tutors,
                "started_at": _when(row.started_at),
                "submitted_at": _when(row.submitted_at),
                "ratings": [],
            }
        # A row per reflection a rating names: the rating's first row adds it.
        if row.rating_id is not None and row.rating_id not in ratings:
            ratings[row.rating_id] = {
                "capability": row.slug,
                "capability_name": row.name,
                "current_level": row.current_level,
                "target_level": row.target_level,
                "evidence": row.evidence,
                "what_changed": row.change_reason,
                "carried_forward": row.carried_forward,
                "reflections": [],
            }
            assessments[row.id]["ratings"].append(ratings[row.rating_id])
        if row.reflection is not None:
            ratings[row.rating_id]["reflections"].append(row.reflection)
    return list(assessments.values())


def export_self_assessment(db: Session, user: User) -> dict[str, Any]:
    """Every self-assessment the user made, drafts included, their focus and reminders."""
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
        "assessments": _assessments_of(db, user),
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
