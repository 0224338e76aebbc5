"""Answering the three questions about a session: one answer per participant per session,
changed as often as they like while the feedback window is open, and never after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.accounts.personal_data import Read
from learnset.dates import uk_datetime
from learnset.errors import DomainError
from learnset.meetings.models import Meeting, display_title
from learnset.meetings.personal_data import in_sessions
from learnset.session_feedback.models import MAX_TEXT, SessionFeedback

# The default for SESSION_FEEDBACK_DAYS (learnset/config.py).
WINDOW_DAYS = 14


class SessionFeedbackError(DomainError):
    """A rule about answering a session's questions was broken."""


@dataclass(frozen=True)
class Window:
    """When a session's questions may be answered: from its start until some days after its
    end. The answers are shown to its tutors only once it has closed."""

    opens_at: datetime
    closes_at: datetime

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def has_closed(self, now: datetime) -> bool:
        return now >= self.closes_at


class Timed(Protocol):
    """What window() reads of a session: a Meeting, or a row of its times."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...


def window(meeting: Timed, days: int = WINDOW_DAYS, closed_by: datetime | None = None) -> Window:
    """From the session's start until `days` after its end, or until `closed_by` (when the
    window closed as it stood when someone first answered) if that is sooner."""
    closes_at = meeting.ends_at + timedelta(days=days)
    return Window(meeting.starts_at, min(closes_at, closed_by) if closed_by else closes_at)


def first_close(db: Session, meeting: Meeting) -> datetime | None:
    """When the window closed as it stood when the session was first answered (None if nobody
    has answered)."""
    return db.scalar(
        select(func.min(SessionFeedback.closes_at)).where(SessionFeedback.meeting_id == meeting.id)
    )


def window_of(db: Session, meeting: Meeting, days: int = WINDOW_DAYS) -> Window:
    """The session's window, never later than it stood when its first answer was given."""
    return window(meeting, days, first_close(db, meeting))


def final_from(
    meeting: Timed, days: int = WINDOW_DAYS, closed_by: datetime | None = None
) -> datetime:
    """From when the session's answers can never change, so may be shown: the close its first
    answer recorded. A session moved earlier closes its window sooner, but moved back it opens
    again, so that earlier close is not final."""
    return closed_by or window(meeting, days).closes_at


@dataclass(frozen=True)
class Answers:
    usefulness: int
    do_differently: str = ""
    change_one_thing: str = ""


def own_answers(db: Session, meeting: Meeting, user: User) -> SessionFeedback | None:
    """The person's own answers about the session, if they gave any."""
    return db.scalar(
        select(SessionFeedback).where(
            SessionFeedback.meeting_id == meeting.id, SessionFeedback.user_id == user.id
        )
    )


def _checked(answers: Answers) -> Answers:
    if answers.usefulness not in range(1, 6):
        raise SessionFeedbackError("Choose how useful the session was", "usefulness")
    for name in ("do_differently", "change_one_thing"):
        if len(getattr(answers, name).strip()) > MAX_TEXT:
            raise SessionFeedbackError(f"Your answer must be {MAX_TEXT} characters or fewer", name)
    return Answers(
        answers.usefulness, answers.do_differently.strip(), answers.change_one_thing.strip()
    )


def answer(
    db: Session,
    user: User,
    meeting: Meeting,
    answers: Answers,
    now: datetime,
    days: int = WINDOW_DAYS,
) -> SessionFeedback:
    """A participant of the session's set gives or changes their answers, only while its
    window is open: one answer each, whatever arrives twice."""
    if not authz.can(user, "session-feedback:give", meeting):
        raise SessionFeedbackError("Only the set's participants can answer these questions.")
    open_for = window_of(db, meeting, days)
    if now < open_for.opens_at:
        raise SessionFeedbackError("You can answer once the session has started.")
    if open_for.has_closed(now):
        raise SessionFeedbackError(
            f"Feedback on this session closed on {uk_datetime(open_for.closes_at)}."
        )
    checked = _checked(answers)
    values: dict[str, Any] = {**vars(checked), "updated_at": now}
    existing = own_answers(db, meeting, user)
    if existing is None:
        try:
            # A second copy of the same form, sent at once, meets the unique constraint.
            with db.begin_nested():
                existing = SessionFeedback(
                    meeting_id=meeting.id,
                    user_id=user.id,
                    closes_at=open_for.closes_at,
                    created_at=now,
                    **values,
                )
                db.add(existing)
                db.flush()
            return existing
        except IntegrityError:
            existing = own_answers(db, meeting, user)
            assert existing is not None
    for name, value in values.items():
        setattr(existing, name, value)
    db.flush()
    return existing


def personal_data_reads(person: ColumnElement[int]) -> dict[str, Read]:
    """The person's own answers, for "download your data"."""
    return {
        "answers": in_sessions(
            person,
            SessionFeedback,
            SessionFeedback.usefulness,
            SessionFeedback.do_differently,
            SessionFeedback.change_one_thing,
        ).order_by(Meeting.starts_at, Meeting.id)
    }


def build_personal_data(user: User, rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        {
            "session": display_title(row["title"], row["number"]),
            # The UTC date that begins the time as the download writes it (`in_sessions`).
            "session_date": row["starts_at"][:10],
            "usefulness": row["usefulness"],
            "do_differently": row["do_differently"],
            "change_one_thing": row["change_one_thing"],
        }
        for row in rows["answers"]
    ]


def erase_personal_data(db: Session, user: User) -> None:
    """Answers lose their link to the person, as when the account goes: they were given
    without a name to the set's tutors, and what the tutors were shown must not change."""
    db.execute(
        update(SessionFeedback).where(SessionFeedback.user_id == user.id).values(user_id=None)
    )
