"""The monthly sessions, their attendance, and the emergent topics a set proposes."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select

from learnset.accounts.models import User
from learnset.authz.roles import Rule, id_of, is_member, is_participant, is_tutor
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.meetings.models import EmergentTopic, Meeting, MeetingStatus


def _topic_propose(user: User, cohort: Cohort) -> bool:
    return is_member(user, cohort.id)


def _meeting_view(user: User, meeting: Meeting) -> bool:
    if user.is_admin or is_tutor(user, meeting.cohort_id):
        return True
    return is_participant(user, meeting.cohort_id) and meeting.status == MeetingStatus.PUBLISHED


def _meeting_manage(user: User, meeting: Meeting) -> bool:
    return user.is_admin or is_tutor(user, meeting.cohort_id)


def _topic_view(user: User, topic: EmergentTopic) -> bool:
    return user.is_admin or is_member(user, topic.cohort_id)


def _topic_vote(user: User, topic: EmergentTopic) -> bool:
    # Participants set the set's priorities; the tutor decides on them, so does not vote.
    return is_participant(user, topic.cohort_id)


def _topic_decide(user: User, topic: EmergentTopic) -> bool:
    return user.is_admin or is_tutor(user, topic.cohort_id)


def _topic_edit(user: User, topic: EmergentTopic) -> bool:
    """Only whoever proposed it, while still a member: tutors decide on topics, never reword
    them. Whether it is still open is a rule of the topic (meetings/topics.py), with a message."""
    return topic.proposed_by_id == user.id and is_member(user, topic.cohort_id)


RULES: dict[str, Rule] = {
    "meeting:view": _meeting_view,
    "meeting:edit": _meeting_manage,
    "meeting:publish": _meeting_manage,
    "attendance:record": _meeting_manage,
    "topic:propose": _topic_propose,
    "topic:view": _topic_view,
    "topic:vote": _topic_vote,
    "topic:decide": _topic_decide,
    "topic:edit": _topic_edit,
    "topic:withdraw": _topic_edit,
}


# --- Scoped queries ---------------------------------------------------------------------------


def _of_own_cohorts(query: Select[Meeting], user: User | ColumnElement[int]) -> Select[Meeting]:
    """The sessions of the user's cohorts: every one they tutor, the published ones otherwise."""
    user_id = id_of(user)
    return query.join(
        Membership,
        (Membership.cohort_id == Meeting.cohort_id) & (Membership.user_id == user_id),
    ).where((Membership.role == Role.TUTOR) | (Meeting.status == MeetingStatus.PUBLISHED))


def visible_meetings(user: User | ColumnElement[int], admin: bool = False) -> Select[Meeting]:
    """Sessions the user may see: published ones of their cohorts as a participant, every
    session of the cohorts they tutor, and all sessions for an admin. `user` may be a parameter
    standing for their id, in a statement built once; `admin` then says whether they are one."""
    query = select(Meeting).order_by(Meeting.starts_at, Meeting.id)
    if isinstance(user, User):
        admin = user.is_admin
    if admin:
        return query
    return _of_own_cohorts(query, user)


def calendar_meetings(user: User) -> Select[Meeting]:
    """Sessions for the user's calendar feed: as visible_meetings, but only of cohorts the
    user belongs to (an admin's feed is their own sets, not the whole programme)."""
    return _of_own_cohorts(select(Meeting).order_by(Meeting.starts_at, Meeting.id), user)
