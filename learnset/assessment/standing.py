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
    capability in SQL, where the rows themselves would be hundreds after two years. The
    ratings' own columns only: their assessments' kinds and dates come from `_summaries`, which
    has each assessment once."""

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
    # Grouped, so that PostgreSQL works out each capability's picks once: with the capabilities
    # as the rows instead, it merged the picks into the join and ran each three times.
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
            picks.c.capability_id,
            picks.c.rated_at,
            picks.c.first_id,
            Rating.id,
            Rating.assessment_id,
            Rating.current_level,
            Rating.target_level,
            Rating.carried_forward,
            Rating.evidence,
            Rating.change_reason,
        )
        .select_from(picks)
        .join(Rating, or_(Rating.id == picks.c.first_id, Rating.id == picks.c.latest_id))
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
    rows = plain_rows(db, _standing(), values).all()
    # Read second: an assessment submitted in between is listed but rated nowhere yet.
    summaries = [AssessmentSummary(*row) for row in plain_rows(db, _summaries(), values)]
    assessments = {summary.id: summary for summary in summaries}
    for capability_id, rated_at, first_id, rating_id, assessment_id, *rating in rows:
        entry, assessment = entries.get(capability_id), assessments.get(assessment_id)
        if entry is None or assessment is None:
            continue  # archived, or erased, since the framework or the ratings were read
        point = RatingPoint(assessment_id, assessment.kind, assessment.submitted_at, *rating)
        if rating_id == first_id:
            entry.first_point = point
        # One rating alone is both the first and the latest.
        if rating_id != first_id or entry.latest_point is None:
            entry.latest_point = point
        entry.rated_at = rated_at
    return Progress(domains, summaries)
