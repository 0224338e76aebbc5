"""What a participant's tutors see about them in one learning set, for the participant to read.

Built from the same queries as the tutors' own pages (engagement, the heat map, what is shared
with them), so the numbers are the ones the tutors see, never a second account of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from learnset import authz
from learnset.accounts.models import User
from learnset.assessment.models import AssessmentStatus, SelfAssessment
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort, Role
from learnset.dashboards.cohort_figures import heat_map
from learnset.dashboards.engagement import (
    ParticipantEngagement,
    engagement_months,
    engagement_of,
    not_seen_lately,
)
from learnset.dashboards.months import Month
from learnset.dashboards.participants import ParticipantName
from learnset.dashboards.releases import latest_release, released_figures
from learnset.framework.models import Levels
from learnset.framework.queries import DomainCapabilities
from learnset.reflections.models import Reflection, Visibility


@dataclass(frozen=True)
class ReleasedGap(Levels):
    """One capability's line for the participant in the heat map of the latest release."""

    capability_slug: str
    capability: str
    domain: str


@dataclass(frozen=True)
class TutorView:
    tutors: list[User]
    months: list[Month]
    engagement: ParticipantEngagement
    released_at: datetime | None
    gaps: list[ReleasedGap]
    shared_assessments: list[SelfAssessment]
    kept_assessments: int
    shared_reflections: list[Reflection]
    private_reflections: int
    challenges: list[Challenge]


def _released_gaps(
    db: Session, cohort: Cohort, participant: User, framework: list[DomainCapabilities]
) -> tuple[datetime | None, list[ReleasedGap]]:
    release = latest_release(db, cohort.id)
    if release is None:
        return None, []
    figures = released_figures(release, framework)
    rows = heat_map(db, cohort.id, figures.capabilities, release.released_at).rows
    gaps = [
        ReleasedGap(cell.current, cell.target, row.slug, row.name, row.domain)
        for row in rows
        if (cell := row.cells.get(participant.id)) is not None
    ]
    return release.released_at, gaps


def tutor_view(
    db: Session,
    cohort: Cohort,
    participant: User,
    framework: list[DomainCapabilities],
    now: datetime,
) -> TutorView:
    """Everything the cohort's tutors can see about the participant (eight queries)."""
    months = engagement_months(cohort, now)
    me = ParticipantName(participant.id, participant.name)
    absent = not_seen_lately(db, cohort.id)
    activity = engagement_of(db, cohort.id, months, [me], absent).participants[0]
    released_at, gaps = _released_gaps(db, cohort, participant, framework)
    assessments = db.execute(
        select(SelfAssessment, authz.shared_with_tutors_clause())
        .where(
            SelfAssessment.participant_id == participant.id,
            SelfAssessment.cohort_id == cohort.id,
            SelfAssessment.status == AssessmentStatus.SUBMITTED,
        )
        .order_by(SelfAssessment.submitted_at.desc(), SelfAssessment.id.desc())
    ).all()
    reflections = db.scalars(
        authz.own_reflections(participant)
        .where(Reflection.cohort_id == cohort.id)
        .options(
            load_only(
                Reflection.title,
                Reflection.visibility,
                Reflection.experienced_on,
                Reflection.shared_at,
            )
        )
        .order_by(Reflection.experienced_on.desc(), Reflection.id.desc())
    ).all()
    shared_reflections = [r for r in reflections if r.visibility != Visibility.PRIVATE]
    challenges = db.scalars(
        select(Challenge)
        .where(Challenge.owner_id == participant.id, Challenge.cohort_id == cohort.id)
        .order_by(Challenge.created_at.desc(), Challenge.id.desc())
    ).all()
    return TutorView(
        tutors=authz.people_in(db, cohort.id, Role.TUTOR),
        months=months,
        engagement=activity,
        released_at=released_at,
        gaps=gaps,
        shared_assessments=[assessment for assessment, shared in assessments if shared],
        kept_assessments=sum(1 for _assessment, shared in assessments if not shared),
        shared_reflections=shared_reflections,
        private_reflections=len(reflections) - len(shared_reflections),
        challenges=list(challenges),
    )
