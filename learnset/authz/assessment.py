"""Self-assessment.

Ratings are a participant's own view. A submitted assessment reaches their cohort's tutors only
while it is shared with them and its author still takes part in the cohort. Drafts are the
participant's alone. Admins have no right here unless they tutor the cohort, and other
participants never see anyone's ratings.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from learnset.accounts.models import User
from learnset.assessment.models import AssessmentStatus, SelfAssessment
from learnset.authz.roles import Rule, is_participant, is_tutor, takes_part_clause
from learnset.cohorts.models import Cohort, Membership, Role


def _assessment_view(user: User, assessment: SelfAssessment) -> bool:
    if assessment.participant_id == user.id:
        return True
    return (
        not assessment.is_draft
        and assessment.shared_with_tutors
        and is_tutor(user, assessment.cohort_id)
        and is_participant(assessment.participant, assessment.cohort_id)
    )


def _assessment_edit(user: User, assessment: SelfAssessment) -> bool:
    return assessment.participant_id == user.id and assessment.is_draft


def _assessment_share(user: User, assessment: SelfAssessment) -> bool:
    return assessment.participant_id == user.id and not assessment.is_draft


def own_capabilities(user: User, cohort: Cohort) -> bool:
    """Rate yourself, see your gaps and pin a focus: participants of the cohort."""
    return is_participant(user, cohort.id)


def _review_capabilities(user: User, membership: Membership) -> bool:
    """What a participant shared with tutors: their tutors, and the participant themselves."""
    return membership.role == Role.PARTICIPANT and (
        membership.user_id == user.id or is_tutor(user, membership.cohort_id)
    )


def _cohort_self_assessments(user: User, cohort: Cohort) -> bool:
    return is_tutor(user, cohort.id)


RULES: dict[str, Rule] = {
    "assessment:view": _assessment_view,
    "assessment:edit": _assessment_edit,
    "assessment:share": _assessment_share,
    "capabilities:own": own_capabilities,
    "capabilities:review": _review_capabilities,
    "cohort:self-assessments": _cohort_self_assessments,
}


# --- Scoped queries ---------------------------------------------------------------------------


def shared_with_tutors_clause() -> ColumnElement[bool]:
    """SQL for the submitted self-assessments their cohort's tutors may read (rule above)."""
    return and_(
        SelfAssessment.status == AssessmentStatus.SUBMITTED,
        SelfAssessment.shared_with_tutors.is_(True),
        takes_part_clause(SelfAssessment.participant_id, SelfAssessment.cohort_id),
    )
