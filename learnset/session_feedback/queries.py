"""The sessions a participant is asked about now: for the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.db import NOW, PERSON, UTCDateTime, plain_rows, shared_alias
from learnset.meetings.models import Meeting, MeetingRow, MeetingStatus
from learnset.session_feedback.models import SessionFeedback
from learnset.session_feedback.services import WINDOW_DAYS, Window, window

# Every answer about the session, for when its window closed; made once (authz/roles.py says why).
_EARLIER = shared_alias(SessionFeedback)


@dataclass(frozen=True, slots=True)
class AskedSession(MeetingRow):
    """What the home page shows of a session it asks about, and what window() reads."""

    ends_at: datetime
    cohort_name: str


@dataclass(frozen=True)
class Asked:
    meeting: AskedSession
    window: Window
    answered: bool


@cache
def _open_now() -> Select[int, int, str, datetime, datetime, str, int | None, datetime | None]:
    """Built once: published sessions of the person's sets that started by `now` and ended
    after `ended_after`, with their answer and when the first answer's window closed."""
    closed_by = (
        select(func.min(_EARLIER.closes_at))
        .where(_EARLIER.meeting_id == Meeting.id)
        .correlate(Meeting)
        .scalar_subquery()
    )
    return (
        select(
            Meeting.id,
            Meeting.number,
            Meeting.title,
            Meeting.starts_at,
            Meeting.ends_at,
            Cohort.name,
            SessionFeedback.id,
            closed_by,
        )
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .join(
            Membership,
            (Membership.cohort_id == Meeting.cohort_id)
            & (Membership.user_id == PERSON)
            & (Membership.role == Role.PARTICIPANT),
        )
        .outerjoin(
            SessionFeedback,
            (SessionFeedback.meeting_id == Meeting.id) & (SessionFeedback.user_id == PERSON),
        )
        .where(
            Meeting.status == MeetingStatus.PUBLISHED,
            Meeting.starts_at <= NOW,
            Meeting.ends_at > bindparam("ended_after", type_=UTCDateTime),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )


def asked_now(db: Session, user: User, now: datetime, days: int = WINDOW_DAYS) -> list[Asked]:
    """Published sessions of the sets the user takes part in whose feedback window is open,
    oldest first, saying whether they have answered. One statement; a set has at most a few
    sessions open at once, so the list stays short."""
    values = {"person_id": user.id, "now": now, "ended_after": now - timedelta(days=days)}
    asked = []
    for row in plain_rows(db, _open_now(), values):
        meeting, answered, closes_at = AskedSession(*row[:6]), row[6], row[7]
        asked.append(Asked(meeting, window(meeting, days, closes_at), answered is not None))
    # A session moved later keeps the window it had when first answered (services.window).
    return [item for item in asked if item.window.is_open(now)]
