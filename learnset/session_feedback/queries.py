"""The sessions a participant is asked about now: for the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, joinedload

from learnset.accounts.models import User
from learnset.cohorts.models import Membership, Role
from learnset.meetings.models import Meeting, MeetingStatus
from learnset.session_feedback.models import SessionFeedback
from learnset.session_feedback.services import WINDOW_DAYS, Window, window

# Every answer about the session, for when its window closed; made once (authz/roles.py says why).
_EARLIER = aliased(SessionFeedback)


@dataclass(frozen=True)
class Asked:
    meeting: Meeting
    window: Window
    answered: bool


def asked_now(db: Session, user: User, now: datetime, days: int = WINDOW_DAYS) -> list[Asked]:
    """Published sessions of the sets the user takes part in whose feedback window is open,
    oldest first, saying whether they have answered. One statement; a set has at most a few
    sessions open at once, so the list stays short."""
    closed_by = (
        select(func.min(_EARLIER.closes_at))
        .where(_EARLIER.meeting_id == Meeting.id)
        .correlate(Meeting)
        .scalar_subquery()
    )
    rows = db.execute(
        select(Meeting, SessionFeedback.id, closed_by)
        .join(
            Membership,
            (Membership.cohort_id == Meeting.cohort_id)
            & (Membership.user_id == user.id)
            & (Membership.role == Role.PARTICIPANT),
        )
        .outerjoin(
            SessionFeedback,
            (SessionFeedback.meeting_id == Meeting.id) & (SessionFeedback.user_id == user.id),
        )
        .where(
            Meeting.status == MeetingStatus.PUBLISHED,
            Meeting.starts_at <= now,
            Meeting.ends_at > now - timedelta(days=days),
        )
        .options(joinedload(Meeting.cohort))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    asked = [
        Asked(meeting, window(meeting, days, closes_at), answered is not None)
        for meeting, answered, closes_at in rows
    ]
    # A session moved later keeps the window it had when first answered (services.window).
    return [item for item in asked if item.window.is_open(now)]
