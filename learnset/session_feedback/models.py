from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.db import Base, Model, Timestamped
from learnset.enums import Labelled, Term
from learnset.meetings.models import Meeting

MAX_TEXT = 500


class Usefulness(Labelled):
    """How useful a participant found a session, 1 to 5, stored as a number."""

    NOT_USEFUL = Term("1", "Not useful")
    SLIGHTLY = Term("2", "Slightly useful")
    FAIRLY = Term("3", "Fairly useful")
    VERY = Term("4", "Very useful")
    EXTREMELY = Term("5", "Extremely useful")

    @classmethod
    def of(cls, score: int) -> Usefulness:
        return cls(str(score))


class SessionFeedback(Timestamped, Model):
    """One participant's answers about one session they took part in.

    The person is kept only so they can change their answers while the window is open and see
    them again; nobody else ever sees who answered what. When the account goes, the answers stay
    without a name, so the figures a set's tutors were shown never change afterwards."""

    __tablename__ = "session_feedback"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness"),
    )

    # The unique constraint's index, led by the session, serves look-ups by session.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    usefulness: Mapped[int] = mapped_column(Integer)
    do_differently: Mapped[str] = mapped_column(String(MAX_TEXT), default="")
    change_one_thing: Mapped[str] = mapped_column(String(MAX_TEXT), default="")
    # When the window closed as the session's dates stood at the first answer: a session moved
    # later cannot reopen a window whose answers its tutors may already have seen. Indexed for
    # the programme report, which reads only the answers closing after the last tally's reach.
    closes_at: Mapped[datetime] = mapped_column(index=True)

    meeting: Mapped[Meeting] = relationship()


class Counted:
    """Answers counted: at each level of usefulness, 1 to 5, and how many of them said what
    they will do differently, and suggested a change."""

    level_1: Mapped[int]
    level_2: Mapped[int]
    level_3: Mapped[int]
    level_4: Mapped[int]
    level_5: Mapped[int]
    did_differently: Mapped[int]
    suggested_change: Mapped[int]


class SessionFeedbackTally(Counted, Base):
    """A session's answers counted once they can never change: its first answer's close has
    passed (services.window), after which no answer is given or changed, and answers stay when
    their account goes. What the programme report adds up (summary.py) instead of reading every
    answer; written by `summary.tally_closed`, and gone with its session."""

    __tablename__ = "session_feedback_tallies"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    tallied_at: Mapped[datetime]


class SessionFeedbackTallyRun(Model):
    """How far the last run of `summary.tally_closed` reached: every session whose first
    answer's close is at or before `closed_through` is tallied (answers are given only while
    their window is open, so none closing by then can come later). The programme report counts
    from their answers only the sessions with an answer closing after it. Older runs' rows are
    dropped by the next run."""

    __tablename__ = "session_feedback_tally_runs"

    closed_through: Mapped[datetime]


class SessionFeedbackSetTally(Counted, Base):
    """A set's tallies added up, as the programme report adds them (summary.py): its published
    sessions' tallies with 3 or more answers, how many and their sums. Written for every set by
    `summary.tally_closed`, and dropped when one of the set's sessions is published, unpublished
    or deleted (the report then adds up that set's tallies itself until the next run)."""

    __tablename__ = "session_feedback_set_tallies"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    sessions: Mapped[int]
