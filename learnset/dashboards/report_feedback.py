"""Session feedback in the programme report: each set's released feedback and the whole
programme's, pooled from the sessions each set released (every one answered by 3 or more),
as counts and a mean only. The words people wrote stay on their set's session pages."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from learnset.dashboards.programme_report import FeedbackThemes, ThemeCount
from learnset.figures import MIN_RESPONSES, SUPPRESSED, Figure
from learnset.session_feedback.release import Figures, figures_from
from learnset.session_feedback.summary import summaries_for_cohorts


def _count(number: int) -> Figure:
    return Figure(number, number) if number >= MIN_RESPONSES else SUPPRESSED


def _themes(cohort_id: int | None, figures: Figures, sessions_released: int) -> FeedbackThemes:
    responses = figures.responses
    return FeedbackThemes(
        cohort_id=cohort_id,
        responses=SUPPRESSED if responses is None else Figure(responses, responses),
        usefulness=figures.mean,
        themes=[
            ThemeCount("Sessions with feedback released", Figure(sessions_released, responses)),
            ThemeCount("Said what they will do differently", _count(len(figures.do_differently))),
            ThemeCount("Suggested one thing to change", _count(len(figures.change_one_thing))),
        ],
    )


def feedback_themes(
    db: Session, cohort_ids: Collection[int], now: datetime, days: int
) -> list[FeedbackThemes]:
    """The released session feedback of each set that has any, then the programme's."""
    # The report shows no count of sessions closed.
    summaries = summaries_for_cohorts(db, cohort_ids, now, days, with_closed=False)
    released = {
        cohort_id: found for cohort_id, found in summaries.items() if found.sessions_released
    }
    found = [
        _themes(cohort_id, summary.figures, summary.sessions_released)
        for cohort_id, summary in released.items()
    ]
    if released:
        pooled = [sum(level) for level in zip(*(s.counts for s in released.values()), strict=True)]
        words = [s.figures for s in released.values()]
        whole = figures_from(
            pooled,
            [text for figures in words for text in figures.do_differently],
            [text for figures in words for text in figures.change_one_thing],
        )
        found.append(_themes(None, whole, sum(s.sessions_released for s in released.values())))
    return found
