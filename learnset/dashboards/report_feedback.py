"""Session feedback in the programme report: each set's released feedback and the whole
programme's, as counts and a mean only. The words people wrote stay on their set's session
pages. The whole programme's figures, as everywhere in the report (report_cells.py, rule 2),
come only from the sets' figures shown: responses and the mean pool the sets whose responses
are shown, and each theme adds up the sets' counts of it that are shown."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from functools import reduce

from sqlalchemy.orm import Session

from learnset.dashboards.programme_report import FeedbackThemes, ThemeCount, made_once
from learnset.dashboards.report_cells import total_shown
from learnset.figures import MIN_RESPONSES, SUPPRESSED, Figure
from learnset.session_feedback.release import LEVELS
from learnset.session_feedback.summary import (
    CohortFeedbackSummary,
    Released,
    added,
    released_counts,
    summary_of,
)


def _count(number: int) -> Figure:
    return Figure(number, number) if number >= MIN_RESPONSES else SUPPRESSED


def _themes(cohort_id: int | None, summary: CohortFeedbackSummary) -> FeedbackThemes:
    figures = summary.figures
    responses = figures.responses
    return FeedbackThemes(
        cohort_id=cohort_id,
        responses=SUPPRESSED if responses is None else Figure(responses, responses),
        usefulness=figures.mean,
        themes=[
            ThemeCount(
                "Sessions with feedback released", Figure(summary.sessions_released, responses)
            ),
            ThemeCount("Said what they will do differently", _count(summary.did_differently)),
            ThemeCount("Suggested one thing to change", _count(summary.suggested_change)),
        ],
    )


# Nothing released: what the programme pools when no set's responses are shown.
_NONE_RELEASED = Released(0, (0,) * len(LEVELS), 0, 0)

# The themes made from each state of the released feedback, which stands between the daily
# tallies (summary.py): each worker keeps a few, so that the report's pages and downloads, kept
# under their feedback (programme_report.kept), find the same themes again.
_MADE: dict[tuple[tuple[int, Released], ...], list[FeedbackThemes]] = {}


def feedback_themes(
    db: Session, cohort_ids: Collection[int], now: datetime, days: int
) -> list[FeedbackThemes]:
    """The released session feedback of each set that has any, then the programme's."""
    released = tuple(released_counts(db, cohort_ids, now, days).items())
    return made_once(_MADE, released, lambda: _themes_of(released))


def _themes_of(released: tuple[tuple[int, Released], ...]) -> list[FeedbackThemes]:
    found = [_themes(cohort_id, summary_of(counts)) for cohort_id, counts in released]
    if released:
        shown = [
            counts
            for (_, counts), themes in zip(released, found, strict=True)
            if not themes.responses.suppressed
        ]
        pooled = _themes(None, summary_of(reduce(added, shown, _NONE_RELEASED)))
        themes = [
            ThemeCount(theme.theme, total_shown([entry.themes[i].mentions for entry in found]))
            for i, theme in enumerate(pooled.themes)
        ]
        found.append(replace(pooled, themes=themes))
    return found
