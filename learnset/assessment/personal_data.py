"""Self-assessment's part of "download your data" and "delete your account"."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.accounts.personal_data import Read, entries, when
from learnset.assessment.models import (
    CheckInReminder,
    LearningFocus,
    Rating,
    SelfAssessment,
    rating_reflections,
)
from learnset.cohorts.models import Cohort
from learnset.framework.models import Capability
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting, display_title
from learnset.reflections.models import Reflection


def self_assessment_reads(person: ColumnElement[int]) -> dict[str, Read]:
    """Every self-assessment the person made, drafts included, their focus and reminders."""
    return {
        "assessments": select(
            SelfAssessment.id,
            Cohort.name.label("learning_set"),
            SelfAssessment.kind,
            SelfAssessment.status,
            SelfAssessment.shared_with_tutors,
            SelfAssessment.started_at,
            SelfAssessment.submitted_at,
        )
        .join(Cohort, Cohort.id == SelfAssessment.cohort_id)
        .where(SelfAssessment.participant_id == person)
        .order_by(SelfAssessment.started_at, SelfAssessment.id),
        # A row per rating and reflection it names: a year of check-ins holds hundreds.
        "ratings": select(
            Rating.assessment_id,
            Rating.id,
            Capability.slug,
            Capability.name,
            Rating.current_level,
            Rating.target_level,
            Rating.evidence,
            Rating.change_reason,
            Rating.carried_forward,
            Reflection.title.label("reflection"),
        )
        .join(SelfAssessment, SelfAssessment.id == Rating.assessment_id)
        .join(Capability, Capability.id == Rating.capability_id)
        .outerjoin(rating_reflections, rating_reflections.c.rating_id == Rating.id)
        .outerjoin(Reflection, Reflection.id == rating_reflections.c.reflection_id)
        .where(SelfAssessment.participant_id == person)
        .order_by(Rating.assessment_id, Capability.slug, Rating.id, Reflection.id),
        "focuses": select(
            Cohort.name.label("learning_set"),
            ContentItem.title.label("library_item"),
            Capability.slug.label("capability"),
            LearningFocus.chosen_at,
        )
        .join(Cohort, Cohort.id == LearningFocus.cohort_id)
        .join(ContentItem, ContentItem.id == LearningFocus.content_item_id)
        .outerjoin(Capability, Capability.id == LearningFocus.capability_id)
        .where(LearningFocus.participant_id == person)
        .order_by(LearningFocus.id),
        "reminders": select(Meeting.title, Meeting.number, CheckInReminder.sent_at)
        .join(Meeting, Meeting.id == CheckInReminder.meeting_id)
        .where(CheckInReminder.participant_id == person)
        .order_by(CheckInReminder.sent_at),
    }


def _assessments(rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    assessments = {
        row["id"]: {
            "learning_set": row["learning_set"],
            "type": row["kind"],
            "status": row["status"],
            "shared_with_tutors": row["shared_with_tutors"],
            "started_at": when(row["started_at"]),
            "submitted_at": when(row["submitted_at"]),
            "ratings": [],
        }
        for row in rows["assessments"]
    }
    ratings: dict[int, dict[str, Any]] = {}
    for row in rows["ratings"]:
        # A row per reflection a rating names: the rating's first row adds it.
        if row["id"] not in ratings:
            ratings[row["id"]] = {
                "capability": row["slug"],
                "capability_name": row["name"],
                "current_level": row["current_level"],
                "target_level": row["target_level"],
                "evidence": row["evidence"],
                "what_changed": row["change_reason"],
                "carried_forward": row["carried_forward"],
                "reflections": [],
            }
            assessments[row["assessment_id"]]["ratings"].append(ratings[row["id"]])
        if row["reflection"] is not None:
            ratings[row["id"]]["reflections"].append(row["reflection"])
    return list(assessments.values())


def build_self_assessment(user: User, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "assessments": _assessments(rows),
        "focus_for_the_month": entries(rows["focuses"]),
        "check_in_reminders": [
            {
                "session": display_title(reminder["title"], reminder["number"]),
                "sent_at": when(reminder["sent_at"]),
            }
            for reminder in rows["reminders"]
        ],
    }


def erase_self_assessment(db: Session, user: User) -> None:
    """Delete the user's self-assessments (ratings and evidence links go too), focus, reminders."""
    db.execute(delete(CheckInReminder).where(CheckInReminder.participant_id == user.id))
    db.execute(delete(LearningFocus).where(LearningFocus.participant_id == user.id))
    db.execute(delete(SelfAssessment).where(SelfAssessment.participant_id == user.id))
    db.flush()
