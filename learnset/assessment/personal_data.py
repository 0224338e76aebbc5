"""Self-assessment's part of "download your data" and "delete your account"."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.accounts.personal_data import Read, entries, grouped, written
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
    own = SelfAssessment.participant_id == person
    return {
        "assessments": select(
            SelfAssessment.id,
            Cohort.name.label("learning_set"),
            SelfAssessment.kind,
            SelfAssessment.status,
            SelfAssessment.shared_with_tutors,
            written(SelfAssessment.started_at),
            written(SelfAssessment.submitted_at),
        )
        .join(Cohort, Cohort.id == SelfAssessment.cohort_id)
        .where(own)
        .order_by(SelfAssessment.started_at, SelfAssessment.id),
        # A year of check-ins holds hundreds of ratings of the framework's few dozen
        # capabilities: their slugs and names are read once, the framework's whole (cheaper than
        # finding those the person rated), in the order of the slugs, which is the order of each
        # check-in's ratings in the download (`_assessments`).
        "capabilities": select(Capability.id, Capability.slug, Capability.name).order_by(
            Capability.slug
        ),
        "ratings": select(
            Rating.assessment_id,
            Rating.id,
            Rating.capability_id,
            Rating.current_level,
            Rating.target_level,
            Rating.evidence,
            Rating.change_reason,
            Rating.carried_forward,
        )
        .join(SelfAssessment, SelfAssessment.id == Rating.assessment_id)
        .where(own)
        .order_by(Rating.id),
        "rating_reflections": select(
            rating_reflections.c.rating_id, Reflection.title.label("reflection")
        )
        .join(Rating, Rating.id == rating_reflections.c.rating_id)
        .join(SelfAssessment, SelfAssessment.id == Rating.assessment_id)
        .join(Reflection, Reflection.id == rating_reflections.c.reflection_id)
        .where(own)
        .order_by(rating_reflections.c.rating_id, Reflection.id),
        "focuses": select(
            Cohort.name.label("learning_set"),
            ContentItem.title.label("library_item"),
            Capability.slug.label("capability"),
            written(LearningFocus.chosen_at),
        )
        .join(Cohort, Cohort.id == LearningFocus.cohort_id)
        .join(ContentItem, ContentItem.id == LearningFocus.content_item_id)
        .outerjoin(Capability, Capability.id == LearningFocus.capability_id)
        .where(LearningFocus.participant_id == person)
        .order_by(LearningFocus.id),
        "reminders": select(Meeting.title, Meeting.number, written(CheckInReminder.sent_at))
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
            "started_at": row["started_at"],
            "submitted_at": row["submitted_at"],
            "ratings": [],
        }
        for row in rows["assessments"]
    }
    titles: dict[int, list[str]] = {}
    for row in rows["rating_reflections"]:
        titles.setdefault(row["rating_id"], []).append(row["reflection"])
    # A check-in rates a capability once: each capability's ratings in turn, in the order of
    # their slugs, put each check-in's ratings in that order.
    rated = grouped(rows["ratings"], "capability_id")
    for capability in rows["capabilities"]:
        for row in rated.get(capability["id"], []):
            assessments[row["assessment_id"]]["ratings"].append(
                {
                    "capability": capability["slug"],
                    "capability_name": capability["name"],
                    "current_level": row["current_level"],
                    "target_level": row["target_level"],
                    "evidence": row["evidence"],
                    "what_changed": row["change_reason"],
                    "carried_forward": row["carried_forward"],
                    "reflections": titles.get(row["id"], ()),
                }
            )
    return list(assessments.values())


def build_self_assessment(user: User, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "assessments": _assessments(rows),
        "focus_for_the_month": entries(rows["focuses"]),
        "check_in_reminders": [
            {
                "session": display_title(reminder["title"], reminder["number"]),
                "sent_at": reminder["sent_at"],
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
