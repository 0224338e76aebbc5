"""Where a participant stands: each capability's first and latest ratings, read in SQL.

The capabilities page shows where each capability started and where it is now, never the
ratings between: two statements of a few rows each, however many check-ins there have been.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from learnset.assessment.models import AssessmentStatus, Rating, SelfAssessment
from learnset.assessment.progress import (
    RATING_COLUMNS,
    AssessmentSummary,
    Progress,
    RatingPoint,
    empty_domains,
)
from learnset.db import PERSON, plain_rows, shared_alias
from learnset.framework.queries import DomainCapabilities, DomainNames

# For picking one rating per capability inside a statement that reads them all.
_PICKED_ASSESSMENT, _PICKED = shared_alias(SelfAssessment), shared_alias(Rating)


def _submitted_by_person(assessment: Any) -> tuple[ColumnElement[bool], ...]:
    return (
        assessment.participant_id == PERSON,
        assessment.cohort_id == bindparam("cohort_id", type_=Integer),
        assessment.status == AssessmentStatus.SUBMITTED,
    )


@cache
def _standing() -> Select[*tuple[Any, ...]]:
    """Built once: for each capability a participant rated in a cohort, the first and the latest
    of its ratings (one row, or two) and when it was last rated afresh. Two small lookups per
    capability in SQL, where the rows themselves would be hundreds after two years."""

    def pick(*order: Any) -> Any:
        return (
            select(_PICKED.id)
            .join(_PICKED_ASSESSMENT, _PICKED_ASSESSMENT.id == _PICKED.assessment_id)
            .where(*_submitted_by_person(_PICKED_ASSESSMENT))
            .where(_PICKED.capability_id == Rating.capability_id)
            .order_by(*order)
            .limit(1)
            .correlate(Rating)
            .scalar_subquery()
        )

    rated_afresh = case((Rating.carried_forward.is_(False), SelfAssessment.submitted_at))
    picks = (
        select(
            Rating.capability_id,
            func.max(rated_afresh).label("rated_at"),
            pick(_PICKED_ASSESSMENT.submitted_at, _PICKED_ASSESSMENT.id).label("first_id"),
            pick(_PICKED_ASSESSMENT.submitted_at.desc(), _PICKED_ASSESSMENT.id.desc()).label(
                "latest_id"
            ),
        )
        .join(SelfAssessment, SelfAssessment.id == Rating.assessment_id)
        .where(*_submitted_by_person(SelfAssessment))
        .group_by(Rating.capability_id)
        .subquery()
    )
    return (
        select(
            picks.c.capability_id, picks.c.rated_at, picks.c.first_id, Rating.id, *RATING_COLUMNS
        )
        .select_from(picks)
        .join(Rating, or_(Rating.id == picks.c.first_id, Rating.id == picks.c.latest_id))
        .join(SelfAssessment, SelfAssessment.id == Rating.assessment_id)
    )


@cache
def _summaries() -> Select[*tuple[Any, ...]]:
    """Built once: a participant's submitted assessments in a cohort, oldest first, each with
    how many capabilities it rated afresh."""
    return (
        select(
            SelfAssessment.id,
            SelfAssessment.kind,
            SelfAssessment.submitted_at,
            SelfAssessment.shared_with_tutors,
            func.count(case((Rating.carried_forward.is_(False), 1))),
        )
        .join(Rating, Rating.assessment_id == SelfAssessment.id)
        .where(*_submitted_by_person(SelfAssessment))
        .group_by(
            SelfAssessment.id,
            SelfAssessment.kind,
            SelfAssessment.submitted_at,
            SelfAssessment.shared_with_tutors,
        )
        .order_by(SelfAssessment.submitted_at, SelfAssessment.id)
    )


def standing(
    db: Session,
    participant_id: int,
    cohort_id: int,
    framework: Sequence[DomainCapabilities | DomainNames],
) -> Progress:
    """Where a participant stands in a cohort: each capability's first and latest ratings and
    when it was last rated afresh, without the ratings between (two statements, a few rows
    each, however long the history)."""
    values = {"person_id": participant_id, "cohort_id": cohort_id}
    domains = empty_domains(framework)
    entries = {entry.capability.id: entry for domain in domains for entry in domain.capabilities}
    for row in plain_rows(db, _standing(), values):
        capability_id, rated_at, first_id, rating_id = row[:4]
        entry = entries.get(capability_id)
        if entry is None:
            continue
        assessment_id, kind, submitted_at, _shared, _capability_id, *rating = row[4:]
        point = RatingPoint(assessment_id, kind, submitted_at, *rating)
        if rating_id == first_id:
            entry.first_point = point
        # One rating alone is both the first and the latest.
        if rating_id != first_id or entry.latest_point is None:
            entry.latest_point = point
        entry.rated_at = rated_at
    summaries = [AssessmentSummary(*row) for row in plain_rows(db, _summaries(), values)]
    return Progress(domains, summaries)
