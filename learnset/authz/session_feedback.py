"""Feedback on a session: its set's participants answer; its tutors and admins read the answers
(once released, learnset/session_feedback/release.py), never who gave them."""

from __future__ import annotations

from learnset.accounts.models import User
from learnset.authz.roles import Rule, is_participant, is_tutor
from learnset.meetings.models import Meeting, MeetingStatus


def _give(user: User, meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.PUBLISHED and is_participant(user, meeting.cohort_id)


def _read(user: User, meeting: Meeting) -> bool:
    return user.is_admin or is_tutor(user, meeting.cohort_id)


RULES: dict[str, Rule] = {
    "session-feedback:give": _give,
    "session-feedback:read": _read,
}
