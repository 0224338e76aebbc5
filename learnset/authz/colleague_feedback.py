"""Feedback from colleagues.

A round and everything about it is its participant's alone. Its report reaches the learning
set's tutors only once the participant shares it, and only while they still take part in the
set. Admins have no right here; raters have no account and reach only their own questions,
through their link.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from learnset.accounts.models import User
from learnset.authz.roles import Rule, is_participant, is_tutor, takes_part_clause
from learnset.colleague_feedback.models import FeedbackRound


def _round_view(user: User, feedback_round: FeedbackRound) -> bool:
    return feedback_round.participant_id == user.id


def _report_view(user: User, feedback_round: FeedbackRound) -> bool:
    if feedback_round.participant_id == user.id:
        return True
    return (
        feedback_round.shared_with_tutors
        and feedback_round.report is not None
        and is_tutor(user, feedback_round.cohort_id)
        and is_participant(feedback_round.participant, feedback_round.cohort_id)
    )


RULES: dict[str, Rule] = {
    "feedback-round:view": _round_view,
    "feedback-report:view": _report_view,
}


def shared_reports_clause() -> ColumnElement[bool]:
    """SQL for the released reports a learning set's tutors may read (rule above); the query
    adds the tutor's own sets."""
    return and_(
        FeedbackRound.shared_with_tutors.is_(True),
        FeedbackRound.released_at.is_not(None),
        takes_part_clause(FeedbackRound.participant_id, FeedbackRound.cohort_id),
    )
