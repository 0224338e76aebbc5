"""The programme report's counts for a set, taken once at each release of its figures and kept
with the release (FigureRelease.report_cells), so the report reads what was released instead of
counting every set's reflections, check-ins and attendance on every request (issue 14).

Cohort figures are released, not live (DESIGN §3): what the report shows of a set changes only
when the set's figures are released, and a set with no release (or whose latest release was
made before the counts were kept) shows none. The counts are kept before the small-number
rules, which programme_report.py applies across the sets it shows, as it always has: which
cells a hidden one brings into hiding depends on the sets beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from learnset.assessment.models import FigureRelease
from learnset.cohorts.models import Cohort
from learnset.dashboards import report_queries as queries
from learnset.dashboards.report_cells import Cell
from learnset.db import plain_rows

FORMAT = 1


@dataclass
class ReleasedCounts:
    """A set's counts as released, in the shapes report_queries.py gives them for many sets."""

    current: int
    invitations: tuple[int, int]
    # (number, title, starts_at, present, recorded) for each session with attendance recorded.
    sessions: list[tuple[int, str, datetime, int, int]]
    # Places present, places recorded, people recorded.
    attendance: tuple[int, int, int]
    engagement: dict[str, Cell] = field(default_factory=dict)
    gains: dict[str, Cell] = field(default_factory=dict)


def live_counts(db: Session, chosen: Select[Any]) -> dict[int, ReleasedCounts]:
    """The chosen sets' report counts as they are now, by cohort id (six statements): what a
    release keeps, and what the report counted on every request before releases kept them."""
    invitations = queries.invitations(db, chosen)
    sessions: dict[int, list[Any]] = defaultdict(list)
    for cohort_id, *session in queries.sessions(db, chosen):
        number, title, starts_at, present, recorded = session
        sessions[cohort_id].append((number, title, starts_at, int(present or 0), int(recorded)))
    attendance = queries.attendance(db, chosen)
    engagement, gains = queries.engagement(db, chosen), queries.gains(db, chosen)
    return {
        cohort_id: ReleasedCounts(
            current=int(current or 0),
            invitations=invitations.get(cohort_id, (0, 0)),
            sessions=sessions.get(cohort_id, []),
            attendance=attendance.get(cohort_id, (0, 0, 0)),
            engagement=_of_set(engagement, cohort_id),
            gains=_of_set(gains, cohort_id),
        )
        for cohort_id, _, _, _, current in queries.sets_of(db, chosen)
    }


def _of_set(found: dict[tuple[int, str], Cell], cohort_id: int) -> dict[str, Cell]:
    return {key: cell for (set_id, key), cell in found.items() if set_id == cohort_id}


def count_for_release(db: Session, cohort_id: int) -> dict[str, Any]:
    """The set's report counts as they are now, as JSON to keep with a release."""
    counts = live_counts(db, select(Cohort.id).where(Cohort.id == cohort_id))[cohort_id]
    return {
        "format": FORMAT,
        "current": counts.current,
        "invitations": list(counts.invitations),
        "sessions": [
            [number, title, starts_at.isoformat(), present, recorded]
            for number, title, starts_at, present, recorded in counts.sessions
        ],
        "attendance": list(counts.attendance),
        "engagement": _stored(counts.engagement),
        "gains": _stored(counts.gains),
    }


def _stored(cells: dict[str, Cell]) -> dict[str, list[int]]:
    return {key: [cell.value, cell.people] for key, cell in cells.items()}


def read_counts(stored: dict[str, Any] | None) -> ReleasedCounts | None:
    """A release's counts as `count_for_release` kept them; None if it kept none."""
    if not stored or stored.get("format") != FORMAT:
        return None
    invited, left = stored["invitations"]
    present, recorded, people = stored["attendance"]
    return ReleasedCounts(
        current=int(stored["current"]),
        invitations=(int(invited), int(left)),
        sessions=[
            (number, title, datetime.fromisoformat(starts_at), present, recorded)
            for number, title, starts_at, present, recorded in stored["sessions"]
        ],
        attendance=(int(present), int(recorded), int(people)),
        engagement={key: Cell(*cell) for key, cell in stored["engagement"].items()},
        gains={key: Cell(*cell) for key, cell in stored["gains"].items()},
    )


@dataclass(frozen=True)
class ShownSet:
    """A set the report shows and which of its releases it shows: the report's figures depend
    on nothing else (programme_report.py keeps them while these stay the same)."""

    cohort_id: int
    name: str
    status: str
    start_month: date | None
    release_id: int | None
    released_at: datetime | None
    counted: bool


def shown_rows(db: Session, chosen: Select[Any]) -> tuple[tuple[Any, ...], ...]:
    """The chosen sets, newest first, each with its latest release, if any (one statement that
    reads no release's figures: a row a set, hundreds of them), as plain tuples: what the
    report's figures depend on, read on every request and compared with what a worker keeps
    in C. `shown_sets` makes them ShownSets, only when the figures are worked out again."""
    return tuple(tuple(row) for row in plain_rows(db, _shown_statement(chosen)).all())


def shown_sets(rows: Iterable[tuple[Any, ...]]) -> list[ShownSet]:
    return [
        ShownSet(cohort_id, name, status, start, release_id, released_at, bool(counted))
        for cohort_id, name, status, start, release_id, released_at, counted in rows
    ]


@lru_cache(maxsize=16)
def _shown_statement(chosen: Select[Any]) -> Select[*tuple[Any, ...]]:
    # Built once for each choice of sets (`report_queries.chosen_sets`, itself built once).
    newest = (
        select(FigureRelease.cohort_id, func.max(FigureRelease.id).label("release_id"))
        .where(FigureRelease.cohort_id.in_(chosen))
        .group_by(FigureRelease.cohort_id)
        .subquery()
    )
    return (
        select(
            Cohort.id,
            Cohort.name,
            Cohort.status,
            Cohort.start_month,
            FigureRelease.id,
            FigureRelease.released_at,
            FigureRelease.report_cells.is_not(None),
        )
        .outerjoin(newest, newest.c.cohort_id == Cohort.id)
        .outerjoin(FigureRelease, FigureRelease.id == newest.c.release_id)
        .where(Cohort.id.in_(chosen))
        .order_by(Cohort.start_month.desc(), Cohort.name, Cohort.id)
    )


def released_parts(
    db: Session, release_ids: list[int]
) -> dict[int, tuple[Any, ReleasedCounts | None]]:
    """The domains' part of each release's figures and its report counts, by release id (one
    statement)."""
    rows: Iterable[Any] = db.execute(
        select(FigureRelease.id, FigureRelease.figures["domains"], FigureRelease.report_cells)
        .where(FigureRelease.id.in_(release_ids))
    )  # fmt: skip
    return {release_id: (domains, read_counts(cells)) for release_id, domains, cells in rows}
