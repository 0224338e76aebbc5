from __future__ import annotations

from datetime import timedelta
from typing import Any

from learnset.session_feedback import services
from learnset.session_feedback.services import Answers
from tests import factories

# A session long enough ago that its feedback window has closed.
CLOSED_DAYS_AGO = 30


def closed_session(db: Any, cohort: Any, **overrides: Any) -> Any:
    return factories.make_past_meeting(
        db, cohort, days_ago=CLOSED_DAYS_AGO, status="published", **overrides
    )


def open_session(db: Any, cohort: Any, **overrides: Any) -> Any:
    return factories.make_past_meeting(db, cohort, days_ago=2, status="published", **overrides)


def answer_as(db: Any, user: Any, meeting: Any, usefulness: int, *words: str) -> Any:
    """The user's answers, given just after the session ended (while its window was open)."""
    return services.answer(
        db, user, meeting, Answers(usefulness, *words), meeting.ends_at + timedelta(hours=1)
    )


def participants(db: Any, cohort: Any, count: int) -> list[Any]:
    return factories.make_members(db, cohort, "participant", count)
