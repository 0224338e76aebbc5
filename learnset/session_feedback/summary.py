"""Session feedback for the programme report, per learning set: how many sessions' feedback has
been released, and the usefulness of those sessions together and how many wrote each of the two
answers (never the words, which stay on the session's own page), under the same rules as that
page (release.py). Three statements, whatever the number of sets and sessions (two without the
count of sessions closed).

A session's answers are read once: when they can never change again (its first answer's close
has passed: no answer is given or changed after it, whatever becomes of the session's dates or
of the app's window, and answers stay when their account goes), `tally_closed` counts them into
a tally (daily, with `flask figures release`), and the same run adds up each set's tallies
(its published sessions'), which the report reads. A set with a session published, unpublished
or deleted since the run has its tallies added up by the report itself, in the same statement,
until the next run. Sessions not tallied yet are counted from their answers, as before: only
those with an answer closing after the last run's reach, which the run records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    bindparam,
    case,
    delete,
    event,
    exists,
    func,
    inspect,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session, aliased

from learnset.cohorts.models import Cohort
from learnset.db import COHORTS, UTCDateTime, plain_rows
from learnset.figures import MIN_RESPONSES
from learnset.meetings.models import Meeting, MeetingStatus
from learnset.session_feedback.models import (
    SessionFeedback,
    SessionFeedbackSetTally,
    SessionFeedbackTally,
    SessionFeedbackTallyRun,
)
from learnset.session_feedback.release import LEVELS, NOTHING, Figures, figures_from
from learnset.session_feedback.services import WINDOW_DAYS, final_from


@dataclass(frozen=True)
class CohortFeedbackSummary:
    """A set's session feedback: `sessions_closed` published sessions whose window has closed
    (None when not asked for), `sessions_released` of them with 3 or more answers, and the
    figures from those alone (`figures.responses` answers; everything suppressed when no session
    was released), without their words. `counts` are the released answers at each level 1 to 5,
    for pooling sets together; `did_differently` and `suggested_change` how many of them said
    what they will do differently, and suggested one thing to change."""

    sessions_closed: int | None
    sessions_released: int
    figures: Figures
    counts: tuple[int, ...] = ()
    did_differently: int = 0
    suggested_change: int = 0


TALLY = SessionFeedbackTally
TALLY_LEVELS = (TALLY.level_1, TALLY.level_2, TALLY.level_3, TALLY.level_4, TALLY.level_5)
# A session's answers are tallied once its first answer's close is this long past, so that an
# answer given in the window's last moment has been committed.
SETTLED = timedelta(hours=1)
RUN = SessionFeedbackTallyRun
SET_TALLY = SessionFeedbackSetTally
# Where no run has reached yet: every answer closes after it.
_NEVER = datetime(1, 1, 1, tzinfo=UTC)


def _written(column: Any) -> Any:
    """How many answers wrote something in `column` (an empty answer is kept as "")."""
    return func.count(func.nullif(column, ""))


def tally_closed(db: Session, now: datetime) -> int:
    """Tally the answers of each session whose first answer's close is past (by SETTLED), once:
    how many sessions were tallied; then each set's tallies added up again (`_add_up_sets`). Safe
    to run twice at once (a session tallied by the other run is left as it is)."""
    answers = (
        select(
            SessionFeedback.meeting_id,
            *(func.count(case((SessionFeedback.usefulness == level, 1))) for level in LEVELS),
            _written(SessionFeedback.do_differently),
            _written(SessionFeedback.change_one_thing),
            bindparam("now", now, type_=UTCDateTime),
        )
        .where(~exists().where(TALLY.meeting_id == SessionFeedback.meeting_id))
        .group_by(SessionFeedback.meeting_id)
        .having(func.min(SessionFeedback.closes_at) <= now - SETTLED)
    )
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    columns = ["meeting_id", *(column.key for column in TALLY_LEVELS)]
    statement = (
        dialect.insert(TALLY)
        .from_select([*columns, "did_differently", "suggested_change", "tallied_at"], answers)
        .on_conflict_do_nothing()
        .returning(TALLY.meeting_id)
    )
    tallied = len(db.execute(statement).all())
    _add_up_sets(db, dialect)
    # How far this run reached, for the report (`_untallied`); an earlier reach is no use now.
    through = now - SETTLED
    db.execute(delete(RUN).where(RUN.closed_through < through))
    db.add(RUN(closed_through=through))
    db.flush()
    return tallied


def _add_up_sets(db: Session, dialect: Any) -> None:
    """Each set's tallies added up again (`_released_tallies`), a row for every set. The tallied
    sessions are locked first (on PostgreSQL): a session published, unpublished or deleted
    meanwhile waits for this run, then drops its set's row (`_session_changed`); one changed
    before this run's lock is added up as it is now, never as it was. A run at the same time
    as another writes the same rows over the other's."""
    tallied_sessions = select(Meeting.id).join(TALLY, TALLY.meeting_id == Meeting.id)
    db.execute(tallied_sessions.with_for_update(read=True, of=Meeting)).all()
    db.execute(delete(SET_TALLY))
    sums = _set_sums(_published_released()).subquery()
    columns = [column.key for column in SET_TALLY.__table__.columns]
    every_set = (
        select(Cohort.id, *(func.coalesce(sums.c[column], 0) for column in columns[1:]))
        .outerjoin(sums, sums.c.cohort_id == Cohort.id)
        .where(true())  # SQLite reads an upsert's ON CONFLICT after a join's ON only so
    )
    statement = dialect.insert(SET_TALLY).from_select(columns, every_set)
    db.execute(
        statement.on_conflict_do_update(
            index_elements=[SET_TALLY.cohort_id],
            set_={column: statement.excluded[column] for column in columns[1:]},
        )
    )


def listen_for_changed_sessions() -> None:
    """Drop a set's tallies added up when one of its sessions is published, unpublished or
    deleted, however that is done through the ORM (once in a process, for every app)."""
    if not event.contains(Meeting, "after_update", _session_changed):
        event.listen(Meeting, "after_update", _session_changed)
        event.listen(Meeting, "after_delete", _session_deleted)


def _session_changed(_mapper: Mapper[Meeting], connection: Connection, meeting: Meeting) -> None:
    # A tallied session published or unpublished (or, were it ever, moved to another set)
    # changes what its set's tallies add up to: the report adds them up itself until the next
    # run. Sessions not tallied (new ones, being planned) leave the sums as they are.
    state = inspect(meeting)
    status, cohort = state.attrs.status.history, state.attrs.cohort_id.history
    if status.has_changes() or cohort.has_changes():
        tallied = exists().where(TALLY.meeting_id == meeting.id)
        _drop_sums(connection, {meeting.cohort_id, *cohort.deleted}, tallied)


def _session_deleted(_mapper: Mapper[Meeting], connection: Connection, meeting: Meeting) -> None:
    # Its tally has gone with it: whether it had one is not known now.
    _drop_sums(connection, {meeting.cohort_id})


def _drop_sums(connection: Connection, cohort_ids: set[int], *only_if: Any) -> None:
    connection.execute(delete(SET_TALLY).where(SET_TALLY.cohort_id.in_(cohort_ids), *only_if))


def forget_reach(db: Session) -> None:
    """For answers added other than by the app (the demo's, given in the past): the report
    looks at every answered session until the next run of `tally_closed`."""
    db.execute(delete(RUN))


# The statements below are built once (a new one costs more to build and look up than to run,
# with a list of hundreds of sets), bound to the sets by `cohort_ids`.


@cache
def _published() -> ColumnElement[bool]:
    return and_(Meeting.cohort_id.in_(COHORTS), Meeting.status == MeetingStatus.PUBLISHED)


@cache
def _tallied() -> ColumnElement[bool]:
    return exists().where(TALLY.meeting_id == Meeting.id)


@cache
def _untallied() -> ColumnElement[bool]:
    # A session not tallied has every answer closing after the last run's reach (tally_closed):
    # so only sessions with an answer closing after it are looked at, through the index on
    # closes_at, not every published session (all of them if no run has been).
    answer = aliased(SessionFeedback)  # not the statement's own answers
    reach = select(func.max(RUN.closed_through)).scalar_subquery()
    after = answer.closes_at > func.coalesce(reach, bindparam("never", _NEVER, type_=UTCDateTime))
    return and_(Meeting.id.in_(select(answer.meeting_id).where(after)), ~_tallied())


@cache
def _per_level() -> Select[
    int, int, datetime, datetime, int | None, int, int, int, datetime | None
]:
    # Each answered session not tallied yet: its answers at each level of usefulness, how many
    # of them wrote each answer, and its earliest close; of the session, only what window()
    # reads, as plain rows, not its agenda and notes.
    return (
        select(
            Meeting.id,
            Meeting.cohort_id,
            Meeting.starts_at,
            Meeting.ends_at,
            SessionFeedback.usefulness,
            func.count(SessionFeedback.id),
            _written(SessionFeedback.do_differently),
            _written(SessionFeedback.change_one_thing),
            func.min(SessionFeedback.closes_at),
        )
        .join(SessionFeedback, SessionFeedback.meeting_id == Meeting.id)
        .where(_published(), _untallied())
        .group_by(Meeting.id, SessionFeedback.usefulness)
    )


def _published_released() -> ColumnElement[bool]:
    # A published session whose tally has 3 or more answers.
    responses = sum(TALLY_LEVELS[1:], TALLY_LEVELS[0])
    return and_(Meeting.status == MeetingStatus.PUBLISHED, responses >= MIN_RESPONSES)


def _set_sums(released: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    # The tallies of each set's `released` sessions: how many, and their tallies added up.
    return (
        select(
            Meeting.cohort_id.label("cohort_id"),
            func.count().label("sessions"),
            *(func.sum(level).label(level.key) for level in TALLY_LEVELS),
            func.sum(TALLY.did_differently).label("did_differently"),
            func.sum(TALLY.suggested_change).label("suggested_change"),
        )
        .join(TALLY, TALLY.meeting_id == Meeting.id)
        .where(released)
        .group_by(Meeting.cohort_id)
    )


@cache
def _released_tallies() -> CompoundSelect[*tuple[Any, ...]]:
    # Each set's tallied sessions with 3 or more answers: how many, and their tallies added up,
    # as the last run added them up (`_add_up_sets`), or here for a set it has not (one added
    # since, or with a session published, unpublished or deleted since).
    added_up = select(
        SET_TALLY.cohort_id,
        SET_TALLY.sessions,
        *(getattr(SET_TALLY, level.key) for level in TALLY_LEVELS),
        SET_TALLY.did_differently,
        SET_TALLY.suggested_change,
    ).where(SET_TALLY.cohort_id.in_(COHORTS), SET_TALLY.sessions > 0)
    not_added_up = select(Cohort.id).where(
        Cohort.id.in_(COHORTS), ~exists().where(SET_TALLY.cohort_id == Cohort.id)
    )
    return union_all(
        added_up,
        _set_sums(and_(_published_released(), Meeting.cohort_id.in_(not_added_up))),
    )


class Released(NamedTuple):
    """A set's released sessions: how many, their answers at each level 1 to 5, and how many of
    those answers said what they will do differently, and suggested one thing to change."""

    sessions: int
    counts: tuple[int, ...]
    did_differently: int
    suggested_change: int


def added(one: Released, other: Released) -> Released:
    """Two sets' (or sessions') released feedback together."""
    return Released(
        one.sessions + other.sessions,
        tuple(a + b for a, b in zip(one.counts, other.counts, strict=True)),
        one.did_differently + other.did_differently,
        one.suggested_change + other.suggested_change,
    )


def released_counts(
    db: Session, cohort_ids: Collection[int], now: datetime, days: int = WINDOW_DAYS
) -> dict[int, Released]:
    """The sets among `cohort_ids` with a session released, in the order given: two
    statements."""
    return _gathered(db, list(cohort_ids), now, days)[1]


def _gathered(
    db: Session, ids: list[int], now: datetime, days: int
) -> tuple[dict[int, int], dict[int, Released]]:
    # Each set's answered sessions closed and not tallied yet, and its released sessions.
    per_level = plain_rows(db, _per_level(), {"cohort_ids": ids}).all()
    meetings: dict[int, Any] = {}  # a row of the session's id, set and times (`Timed`)
    closed_by: dict[int, datetime] = {}
    levels_of: dict[int, dict[int, int]] = defaultdict(dict)
    written_of: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for meeting in per_level:
        *_, usefulness, count, differently, change, first_closes_at = meeting
        meetings[meeting.id] = meeting
        if usefulness is not None:
            levels_of[meeting.id][usefulness] = int(count)
        written = written_of[meeting.id]
        written[0] += int(differently)
        written[1] += int(change)
        if first_closes_at is not None:
            earlier = closed_by.get(meeting.id, first_closes_at)
            closed_by[meeting.id] = min(earlier, first_closes_at)
    by_meeting = {
        (meeting.cohort_id, meeting.id): levels_of[meeting.id]
        for meeting in meetings.values()
        if final_from(meeting, days, closed_by.get(meeting.id)) <= now
    }
    # Each set's tallied sessions added up in SQL, and its other sessions here in one pass, not
    # one pass over every session for each set.
    found = {
        cohort_id: Released(sessions, (one, two, three, four, five), differently, change)
        for cohort_id, sessions, one, two, three, four, five, differently, change in plain_rows(
            db, _released_tallies(), {"cohort_ids": ids}
        )
    }
    closed_in: dict[int, int] = defaultdict(int)
    for (of_cohort, meeting_id), levels in by_meeting.items():
        closed_in[of_cohort] += 1
        if sum(levels.values()) < MIN_RESPONSES:
            continue
        session = Released(
            1, tuple(levels.get(level, 0) for level in LEVELS), *written_of[meeting_id]
        )
        found[of_cohort] = added(found[of_cohort], session) if of_cohort in found else session
    released = {cohort_id: found[cohort_id] for cohort_id in ids if cohort_id in found}
    return closed_in, released


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
    # A session nobody answered has closed once its window, as its dates stand now, has ended
    # (window()), and a tallied one has closed for good: counted here, and never loaded.
    closed_in: dict[int, int] = defaultdict(int)
    if with_closed:
        answered = exists().where(SessionFeedback.meeting_id == Meeting.id)
        unanswered = and_(Meeting.ends_at <= now - timedelta(days=days), ~answered)
        for cohort_id, closed in db.execute(
            select(Meeting.cohort_id, func.count(Meeting.id))
            .where(_published(), or_(unanswered, _tallied()))
            .group_by(Meeting.cohort_id),
            {"cohort_ids": ids},
        ):
            closed_in[cohort_id] = int(closed)
    answered_closed, released = _gathered(db, ids, now, days)
    for cohort_id, closed in answered_closed.items():
        closed_in[cohort_id] += closed
    summaries: dict[int, CohortFeedbackSummary] = {}
    # Most of hundreds of sets have nothing released: without the sessions closed, one summary
    # serves them all.
    none_released = CohortFeedbackSummary(None, 0, NOTHING, (0,) * len(LEVELS))
    for cohort_id in ids:
        closed_of_set = closed_in.get(cohort_id, 0) if with_closed else None
        found = released.get(cohort_id)
        if found is None:
            summaries[cohort_id] = (
                none_released
                if closed_of_set is None
                else replace(none_released, sessions_closed=closed_of_set)
            )
            continue
        summaries[cohort_id] = summary_of(found, closed_of_set)
    return summaries


def summary_of(released: Released, sessions_closed: int | None = None) -> CohortFeedbackSummary:
    """The summary of a set's (or several sets' together) released sessions."""
    return CohortFeedbackSummary(
        sessions_closed=sessions_closed,
        sessions_released=released.sessions,
        figures=figures_from(released.counts, (), ()),
        counts=released.counts,
        did_differently=released.did_differently,
        suggested_change=released.suggested_change,
    )
