"""What a session's tutors (and admins) may see of its feedback.

Nothing while the window is open: answers can still arrive or change, and a figure that moved
between two looks would give one person's answer away. Once it has closed nothing can change, so
the figures are worked out from the answers whenever asked and are the same every time. Even
then only when 3 or more answered (the dashboards' rule, learnset/figures.py): a mean, how
many chose each answer (shown only when no count is 1 or 2, since beside the mean a hidden count
could be worked out), and the words without names, in alphabetical order and with no times, so
they cannot be matched to who answered when.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnset.figures import (
    MIN_RESPONSES,
    SUPPRESSED,
    Distribution,
    Figure,
    distribution_of,
    mean_of,
)
from learnset.meetings.models import Meeting
from learnset.session_feedback.models import SessionFeedback
from learnset.session_feedback.services import WINDOW_DAYS, final_from, first_close

LEVELS = range(1, 6)


class Shown(enum.StrEnum):
    OPEN = "open"
    TOO_FEW = "too-few"
    RELEASED = "released"


@dataclass(frozen=True)
class Figures:
    """Usefulness from some answers: all suppressed when fewer than 3."""

    responses: int | None
    distribution: Distribution
    mean: Figure
    do_differently: list[str] = field(default_factory=list)
    change_one_thing: list[str] = field(default_factory=list)


NOTHING = Figures(None, Distribution(None, None), SUPPRESSED)


def in_order(words: Iterable[str]) -> list[str]:
    """Non-empty answers in alphabetical order, which says nothing about who gave them or when."""
    return sorted((text for text in words if text), key=lambda text: (text.casefold(), text))


def figures_from(
    counts: Sequence[int], do_differently: Iterable[str], change_one_thing: Iterable[str]
) -> Figures:
    """The figures from the number of answers at each level 1 to 5 and their words."""
    responses = sum(counts)
    if responses < MIN_RESPONSES:
        return NOTHING
    total = sum(level * count for level, count in zip(LEVELS, counts, strict=True))
    return Figures(
        responses,
        distribution_of(counts, responses),
        mean_of(total, responses, responses),
        in_order(do_differently),
        in_order(change_one_thing),
    )


@dataclass(frozen=True)
class SessionFigures:
    shown: Shown
    closes_at: datetime
    figures: Figures


def session_figures(
    db: Session, meeting: Meeting, now: datetime, days: int = WINDOW_DAYS
) -> SessionFigures:
    """What the session's tutors see of its feedback now: nothing while it is open (not even
    how many answered), then the figures if 3 or more did. Up to three statements."""
    closes_at = final_from(meeting, days, first_close(db, meeting))
    if now < closes_at:
        return SessionFigures(Shown.OPEN, closes_at, NOTHING)
    counts = dict(
        db.execute(
            select(SessionFeedback.usefulness, func.count())
            .where(SessionFeedback.meeting_id == meeting.id)
            .group_by(SessionFeedback.usefulness)
        ).all()
    )
    if sum(counts.values()) < MIN_RESPONSES:
        return SessionFigures(Shown.TOO_FEW, closes_at, NOTHING)
    words = db.execute(
        select(SessionFeedback.do_differently, SessionFeedback.change_one_thing).where(
            SessionFeedback.meeting_id == meeting.id
        )
    ).all()
    figures = figures_from(
        [int(counts.get(level, 0)) for level in LEVELS],
        (row.do_differently for row in words),
        (row.change_one_thing for row in words),
    )
    return SessionFigures(Shown.RELEASED, closes_at, figures)
