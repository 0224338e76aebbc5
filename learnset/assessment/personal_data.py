"""Self-assessment's part of "download your data" and "delete your account"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload, selectinload

from learnset.accounts.models import User
from learnset.assessment.models import CheckInReminder, LearningFocus, Rating, SelfAssessment


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def export_self_assessment(db: Session, user: User) -> dict[str, Any]:
    """Every self-assessment the user made, drafts included, their focus and reminders."""
    assessments = db.scalars(
        select(SelfAssessment)
        .where(SelfAssessment.participant_id == user.id)
        .order_by(SelfAssessment.started_at, SelfAssessment.id)
        .options(
            joinedload(SelfAssessment.cohort),
            selectinload(SelfAssessment.ratings).joinedload(Rating.capability),
            selectinload(SelfAssessment.ratings).selectinload(Rating.reflections),
        )
    )
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
                "ratings": [
                    {
                        "capability": rating.capability.slug,
                        "capability_name": rating.capability.name,
                        "current_level": rating.current_level,
                        "target_level": rating.target_level,
                        "evidence": rating.evidence,
                        "what_changed": rating.change_reason,
                        "carried_forward": rating.carried_forward,
                        "reflections": [reflection.title for reflection in rating.reflections],
                    }
                    for rating in sorted(assessment.ratings, key=lambda r: r.capability.slug)
                ],
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
