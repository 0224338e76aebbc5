"""Session feedback for the programme report, per learning set: how many sessions' feedback has
been released, and the usefulness and words of those sessions together, under the same rules
as a session's own page (release.py). Two statements, whatever the number of sets and sessions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnset.figures import MIN_RESPONSES
from learnset.meetings.models import Meeting, MeetingStatus
from learnset.session_feedback.models import SessionFeedback
from learnset.session_feedback.release import LEVELS, Figures, figures_from
from learnset.session_feedback.services import WINDOW_DAYS, window


@dataclass(frozen=True)
class CohortFeedbackSummary:
    """A set's session feedback: `sessions_closed` published sessions whose window has closed,
    `sessions_released` of them with 3 or more answers, and the figures from those alone
    (`figures.responses` answers; everything suppressed when no session was released).
    `counts` are the released answers at each level 1 to 5, for pooling sets together."""

    sessions_closed: int
    sessions_released: int
    figures: Figures
    counts: tuple[int, ...] = ()


def summaries_for_cohorts(
    db: Session, cohort_ids: Collection[int], now: datetime, days: int = WINDOW_DAYS
) -> dict[int, CohortFeedbackSummary]:
    """Each set's released session feedback, by cohort id (every id asked for is there).
    `days` is the app's SESSION_FEEDBACK_DAYS."""
    ids = list(cohort_ids)
    per_level = db.execute(
        select(
            Meeting,
            SessionFeedback.usefulness,
            func.count(SessionFeedback.id),
            func.min(SessionFeedback.closes_at),
        )
        .outerjoin(SessionFeedback, SessionFeedback.meeting_id == Meeting.id)
        .where(
            Meeting.cohort_id.in_(ids),
            Meeting.status == MeetingStatus.PUBLISHED,
            # Those whose window, as their dates stand now, has closed, and those it was
            # closed for by an earlier answer (window()): the rest are dropped below.
            (Meeting.ends_at <= now - timedelta(days=days)) | (SessionFeedback.id.is_not(None)),
        )
        .group_by(Meeting.id, SessionFeedback.usefulness)
    ).all()
    meetings: dict[int, Meeting] = {}
    closed_by: dict[int, datetime] = {}
    levels_of: dict[int, dict[int, int]] = defaultdict(dict)
    for meeting, usefulness, count, first_closes_at in per_level:
        meetings[meeting.id] = meeting
        if usefulness is not None:
            levels_of[meeting.id][usefulness] = int(count)
        if first_closes_at is not None:
            earlier = closed_by.get(meeting.id, first_closes_at)
            closed_by[meeting.id] = min(earlier, first_closes_at)
    by_meeting = {
        (meeting.cohort_id, meeting.id): levels_of[meeting.id]
        for meeting in meetings.values()
        if window(meeting, days, closed_by.get(meeting.id)).has_closed(now)
    }
    released = {
        key: levels for key, levels in by_meeting.items() if sum(levels.values()) >= MIN_RESPONSES
    }
    words: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    if released:
        for cohort_id, differently, change in db.execute(
            select(
                Meeting.cohort_id, SessionFeedback.do_differently, SessionFeedback.change_one_thing
            )
            .join(Meeting, Meeting.id == SessionFeedback.meeting_id)
            .where(SessionFeedback.meeting_id.in_([meeting_id for _, meeting_id in released]))
        ):
            words[cohort_id][0].append(differently)
            words[cohort_id][1].append(change)
    summaries: dict[int, CohortFeedbackSummary] = {}
    for cohort_id in ids:
        counts = [0] * len(LEVELS)
        for (of_cohort, _meeting_id), levels in released.items():
            if of_cohort == cohort_id:
                for level, count in levels.items():
                    counts[level - 1] += count
        do_differently, change_one_thing = words.get(cohort_id, ([], []))
        summaries[cohort_id] = CohortFeedbackSummary(
            sessions_closed=sum(1 for of_cohort, _ in by_meeting if of_cohort == cohort_id),
            sessions_released=sum(1 for of_cohort, _ in released if of_cohort == cohort_id),
            figures=figures_from(counts, do_differently, change_one_thing),
            counts=tuple(counts),
        )
    return summaries
