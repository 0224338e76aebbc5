"""Session feedback for the programme report, per learning set: how many sessions' feedback has
been released, and the usefulness and words of those sessions together, under the same rules
as a session's own page (release.py). Three statements, whatever the number of sets and
sessions (two without the count of sessions closed); only the sessions someone answered are
loaded."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, exists, func, select
from sqlalchemy.orm import Session

from learnset.db import COHORTS, plain_rows
from learnset.figures import MIN_RESPONSES
from learnset.meetings.models import Meeting, MeetingStatus
from learnset.session_feedback.models import SessionFeedback
from learnset.session_feedback.release import LEVELS, NOTHING, Figures, figures_from
from learnset.session_feedback.services import WINDOW_DAYS, window


@dataclass(frozen=True)
class CohortFeedbackSummary:
    """A set's session feedback: `sessions_closed` published sessions whose window has closed
    (None when not asked for), `sessions_released` of them with 3 or more answers, and the
    figures from those alone (`figures.responses` answers; everything suppressed when no session
    was released). `counts` are the released answers at each level 1 to 5, for pooling sets
    together."""

    sessions_closed: int | None
    sessions_released: int
    figures: Figures
    counts: tuple[int, ...] = ()


# The statements below are built once (a new one costs more to build and look up than to run,
# with a list of hundreds of sets), bound to the sets by `cohort_ids`.


MEETINGS = bindparam("meeting_ids", type_=Integer, expanding=True)


@cache
def _published() -> ColumnElement[bool]:
    return and_(Meeting.cohort_id.in_(COHORTS), Meeting.status == MeetingStatus.PUBLISHED)


@cache
def _per_level() -> Select[int, int, datetime, datetime, int | None, int, datetime | None]:
    # Each answered session's answers at each level of usefulness, and its earliest close: of
    # the session, only what window() reads, as plain rows, not its agenda and notes.
    return (
        select(
            Meeting.id,
            Meeting.cohort_id,
            Meeting.starts_at,
            Meeting.ends_at,
            SessionFeedback.usefulness,
            func.count(SessionFeedback.id),
            func.min(SessionFeedback.closes_at),
        )
        .join(SessionFeedback, SessionFeedback.meeting_id == Meeting.id)
        .where(_published())
        .group_by(Meeting.id, SessionFeedback.usefulness)
    )


@cache
def _words() -> Select[int, str, str]:
    # What was written at the sessions `meeting_ids`, with each one's set.
    return (
        select(Meeting.cohort_id, SessionFeedback.do_differently, SessionFeedback.change_one_thing)
        .join(Meeting, Meeting.id == SessionFeedback.meeting_id)
        .where(SessionFeedback.meeting_id.in_(MEETINGS))
    )


def summaries_for_cohorts(
    db: Session,
    cohort_ids: Collection[int],
    now: datetime,
    days: int = WINDOW_DAYS,
    with_closed: bool = True,
) -> dict[int, CohortFeedbackSummary]:
    """Each set's released session feedback, by cohort id (every id asked for is there).
    `days` is the app's SESSION_FEEDBACK_DAYS; without `with_closed`, the sessions closed are
    not counted (a statement fewer, the one that reads every session of every set)."""
    ids = list(cohort_ids)
    published = _published()
    answered = exists().where(SessionFeedback.meeting_id == Meeting.id)
    # A session nobody answered has closed once its window, as its dates stand now, has ended
    # (window()): counted here, and never loaded.
    unanswered: dict[int, int] = defaultdict(int)
    if with_closed:
        for cohort_id, closed in db.execute(
            select(Meeting.cohort_id, func.count(Meeting.id))
            .where(published, Meeting.ends_at <= now - timedelta(days=days), ~answered)
            .group_by(Meeting.cohort_id),
            {"cohort_ids": ids},
        ):
            unanswered[cohort_id] = int(closed)
    # The sessions someone answered, their window perhaps closed by an earlier answer.
    per_level = plain_rows(db, _per_level(), {"cohort_ids": ids}).all()
    meetings: dict[int, Any] = {}  # a row of the session's id, set and times (`Timed`)
    closed_by: dict[int, datetime] = {}
    levels_of: dict[int, dict[int, int]] = defaultdict(dict)
    for meeting in per_level:
        *_, usefulness, count, first_closes_at = meeting
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
        meeting_ids = [meeting_id for _, meeting_id in released]
        found = plain_rows(db, _words(), {"meeting_ids": meeting_ids})
        for cohort_id, differently, change in found:
            words[cohort_id][0].append(differently)
            words[cohort_id][1].append(change)
    # Each set's sessions gathered in one pass, not one pass over every session for each set.
    closed_in = unanswered
    for of_cohort, _meeting_id in by_meeting:
        closed_in[of_cohort] += 1
    released_in: dict[int, int] = defaultdict(int)
    counts_of: dict[int, list[int]] = defaultdict(lambda: [0] * len(LEVELS))
    for (of_cohort, _meeting_id), levels in released.items():
        released_in[of_cohort] += 1
        for level, count in levels.items():
            counts_of[of_cohort][level - 1] += count
    summaries: dict[int, CohortFeedbackSummary] = {}
    # Most of hundreds of sets have nothing released: without the sessions closed, one summary
    # serves them all.
    none_released = CohortFeedbackSummary(None, 0, NOTHING, (0,) * len(LEVELS))
    for cohort_id in ids:
        closed_of_set = closed_in.get(cohort_id, 0) if with_closed else None
        counts = counts_of.get(cohort_id)
        if counts is None:
            summaries[cohort_id] = (
                none_released
                if closed_of_set is None
                else replace(none_released, sessions_closed=closed_of_set)
            )
            continue
        do_differently, change_one_thing = words.get(cohort_id, ([], []))
        summaries[cohort_id] = CohortFeedbackSummary(
            sessions_closed=closed_of_set,
            sessions_released=released_in[cohort_id],
            figures=figures_from(counts, do_differently, change_one_thing),
            counts=tuple(counts),
        )
    return summaries
