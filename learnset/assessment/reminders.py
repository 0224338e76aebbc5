"""Check-in reminders: after each session, one email to each participant who has not checked in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.assessment.models import AssessmentStatus, CheckInReminder, SelfAssessment
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.db import delete_where
from learnset.meetings.models import Meeting, MeetingStatus

# A session older than this is no longer news: its reminder would only puzzle people.
REMINDER_WINDOW = timedelta(days=28)
# A reminder's record only stops a second email for the same session, which is never due after
# REMINDER_WINDOW: kept well beyond that, then deleted.
KEEP_REMINDERS = timedelta(days=90)


@dataclass(frozen=True)
class DueReminder:
    participant: User
    cohort: Cohort
    meeting: Meeting
    has_baseline: bool


def due_reminders(
    db: Session, now: datetime, window: timedelta = REMINDER_WINDOW
) -> list[DueReminder]:
    """Participants not checked in since their cohort's latest past published session, and not
    yet reminded about that session (one query)."""
    most_recent_first = (
        func.row_number()
        .over(partition_by=Meeting.cohort_id, order_by=(Meeting.ends_at.desc(), Meeting.id.desc()))
        .label("most_recent_first")
    )
    past_sessions = (
        select(Meeting.id, most_recent_first)
        .where(Meeting.status == MeetingStatus.PUBLISHED, Meeting.ends_at <= now)
        .subquery()
    )
    submitted = and_(
        SelfAssessment.participant_id == User.id,
        SelfAssessment.cohort_id == Cohort.id,
        SelfAssessment.status == AssessmentStatus.SUBMITTED,
    )
    checked_in_since = exists().where(submitted, SelfAssessment.submitted_at >= Meeting.starts_at)
    reminded = exists().where(
        CheckInReminder.participant_id == User.id, CheckInReminder.meeting_id == Meeting.id
    )
    rows = db.execute(
        select(User, Cohort, Meeting, exists().where(submitted))
        .join(Membership, Membership.user_id == User.id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .join(Meeting, Meeting.cohort_id == Cohort.id)
        .join(
            past_sessions,
            and_(past_sessions.c.id == Meeting.id, past_sessions.c.most_recent_first == 1),
        )
        .where(
            Membership.role == Role.PARTICIPANT,
            User.is_active.is_(True),
            Meeting.ends_at > now - window,
            ~checked_in_since,
            ~reminded,
        )
        .order_by(Cohort.id, User.id)
    )
    return [
        DueReminder(user, cohort, meeting, bool(has_baseline))
        for user, cohort, meeting, has_baseline in rows
    ]


def record_reminder(db: Session, reminder: DueReminder, now: datetime) -> None:
    """Note that the participant was reminded about this session, so they are not asked twice."""
    db.add(
        CheckInReminder(
            participant_id=reminder.participant.id, meeting_id=reminder.meeting.id, sent_at=now
        )
    )
    db.flush()


def purge_reminders(db: Session, now: datetime) -> int:
    """Delete the records of check-in reminders sent more than 90 days ago."""
    return delete_where(db, CheckInReminder, CheckInReminder.sent_at < now - KEEP_REMINDERS)
