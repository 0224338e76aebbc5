"""The programme report for the board (issue 19, item 6): for each learning set and for the
whole programme, enrolment, attendance, engagement, released capability growth, gains on live
challenges and session feedback themes, under the small-number rules (report_cells.py).

The report is shown for every year and for each year alone, as a page and as two downloads,
and any of them can be set beside any other, so its rule is one that holds across all of them
(report_cells.py gives it in full): a set's figures are hidden by its own counts alone, the
same in every view, and the whole programme's figures are worked out only from the sets'
figures shown, so no difference between two views, or between a total and the cells beside
it, gives a hidden figure back.

The counting is in report_queries.py, done for a set when its figures are released and kept
with the release (report_release.py); here each set's latest release's counts become figures,
hidden where they must be. Growth, too, comes only from each set's latest release (releases.py),
never from live ratings: nothing here moves between releases.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any, TypeVar, cast

from sqlalchemy.orm import Session

from learnset.challenges.models import GainKind
from learnset.dashboards import report_queries as queries
from learnset.dashboards import report_release
from learnset.dashboards.cohort_figures import DomainFigures
from learnset.dashboards.figures import SUPPRESSED, Figure
from learnset.dashboards.releases import released_domains
from learnset.dashboards.report_cells import (
    Cell,
    grid_figures,
    line_figures,
    people_table,
    set_figures,
    total_of,
)
from learnset.dashboards.report_queries import ALL_GAINS, Measure
from learnset.dashboards.report_release import ReleasedCounts
from learnset.framework.queries import DomainCapabilities
from learnset.pagination import Page

ONE_PLACE = Decimal("0.1")
T = TypeVar("T")
# Attendance where none has been recorded: nothing to hide, nothing to show.
NONE_RECORDED = Figure(None, 0)


# The enrolment columns, in order, with their headings.
ENROLMENT_LABELS = {
    "invited": "Invited",
    "joined": "Joined",
    "current": "Taking part now",
    "left": "Left",
}
ENROLMENT = tuple(ENROLMENT_LABELS)
# Those taking part now and those who left add up to those who joined (columns of ENROLMENT).
_JOINED_SPLIT = (2, 3)


@dataclass(frozen=True)
class SessionAttendance:
    number: int
    title: str
    starts_at: datetime
    # The share of places recorded present, as a whole percentage, and how many were recorded.
    rate: Figure


@dataclass(frozen=True)
class ThemeCount:
    theme: str
    mentions: Figure


@dataclass(frozen=True)
class FeedbackThemes:
    """Session feedback for one set (cohort_id) or the whole programme (cohort_id None), as the
    session feedback feature releases it, already under its own small-number rules: how many
    responded, the mean usefulness (1 to 5) and each theme with how many mentioned it. Theme
    names are the feature's own labels, never anyone's words."""

    cohort_id: int | None
    responses: Figure
    usefulness: Figure = SUPPRESSED
    themes: list[ThemeCount] = field(default_factory=list)

    def __repr__(self) -> str:
        return self._text

    @cached_property
    def _text(self) -> str:
        # Written once: the report's pages are kept under it (`kept`), and the same themes serve
        # request after request while the feedback stands (report_feedback.py).
        return (
            f"FeedbackThemes(cohort_id={self.cohort_id!r}, responses={self.responses!r}, "
            f"usefulness={self.usefulness!r}, themes={self.themes!r})"
        )


@dataclass
class SetReport:
    cohort_id: int
    name: str
    status: str
    start_month: date | None
    enrolment: dict[str, Figure] = field(default_factory=dict)
    attendance: Figure = SUPPRESSED
    sessions: list[SessionAttendance] = field(default_factory=list)
    engagement: dict[Measure, Figure] = field(default_factory=dict)
    released_at: datetime | None = None
    growth: list[DomainFigures] = field(default_factory=list)
    gains: dict[str, Figure] = field(default_factory=dict)
    feedback: FeedbackThemes | None = None


@dataclass(frozen=True)
class DomainGrowth:
    """A domain across the sets whose figures for it are released: baseline, latest and change
    means weighted by how many each set's figure comes from."""

    name: str
    baseline: Figure
    latest: Figure
    change: Figure
    sets: int


@dataclass
class ProgrammeReport:
    year: int | None
    years: list[int]
    sets: list[SetReport]
    enrolment: dict[str, Figure]
    attendance: Figure
    engagement: dict[Measure, Figure]
    growth: list[DomainGrowth]
    gains: dict[str, Figure]
    feedback: FeedbackThemes | None
    # What the figures were worked out from (`programme_report`), for keeping what is made of
    # them (`kept`); not a figure.
    state: Any = field(default=None, compare=False, repr=False)

    @property
    def cohort_ids(self) -> list[int]:
        return [entry.cohort_id for entry in self.sets]


# --- Putting it together -------------------------------------------------------------------------


def _percent(present: int, recorded: int) -> int:
    return round(100 * present / recorded) if recorded else 0


def _rate(cell: Cell, recorded: int, hidden: bool) -> Figure:
    # The value shown is a percentage; `responses` says how many places it was worked out from.
    if hidden:
        return SUPPRESSED
    return Figure(_percent(cell.value, recorded), recorded) if recorded else NONE_RECORDED


def _weighted(figures: Sequence[Figure]) -> Figure:
    shown = [f for f in figures if not f.suppressed and f.value is not None and f.responses]
    if not shown:
        return SUPPRESSED
    weight = sum(int(f.responses or 0) for f in shown)
    total = sum((Decimal(f.value or 0) * int(f.responses or 0) for f in shown), Decimal(0))
    return Figure((total / weight).quantize(ONE_PLACE, rounding=ROUND_HALF_UP), weight)


def _programme_growth(sets: list[SetReport]) -> list[DomainGrowth]:
    if not sets:
        return []
    growth = []
    for position, first in enumerate(sets[0].growth):
        domains = [entry.growth[position] for entry in sets]
        growth.append(
            DomainGrowth(
                first.name,
                _weighted([d.baseline for d in domains]),
                _weighted([d.latest for d in domains]),
                _weighted([d.change for d in domains]),
                sum(1 for d in domains if not d.change.suppressed),
            )
        )
    return growth


def _fill_enrolment(sets: list[SetReport], invitations: dict[int, tuple[int, int]]) -> Any:
    rows = []
    for entry in sets:
        invited, left = invitations.get(entry.cohort_id, (0, 0))
        current = int(entry.enrolment["current"].value or 0)
        rows.append([invited, current + left, current, left])
    figures, totals = people_table(rows, [_JOINED_SPLIT], len(ENROLMENT))
    for entry, row in zip(sets, figures, strict=True):
        entry.enrolment = dict(zip(ENROLMENT, row, strict=True))
    return dict(zip(ENROLMENT, totals, strict=True))


def _fill_attendance(
    sets: list[SetReport],
    sessions: dict[int, list[Any]],
    overall: dict[int, tuple[int, int, int]],
) -> Figure:
    for entry in sets:
        found = sessions.get(entry.cohort_id, [])
        # A session's figure comes from the places recorded at it.
        cells = [Cell(int(present or 0), int(recorded)) for *_, present, recorded in found]
        figures = line_figures(cells)
        entry.sessions = [
            SessionAttendance(
                number,
                title,
                starts_at,
                _rate(cell, cell.people, figure.suppressed),
            )
            for (number, title, starts_at, _, _), cell, figure in zip(
                found, cells, figures, strict=True
            )
        ]
    # A set's figure comes from the people whose attendance was recorded.
    found = [overall.get(entry.cohort_id, (0, 0, 0)) for entry in sets]
    cells = [Cell(present, people) for present, _, people in found]
    recorded = [places for _, places, _ in found]
    figures, _ = set_figures(cells)
    for entry, cell, places, figure in zip(sets, cells, recorded, figures, strict=True):
        entry.attendance = _rate(cell, places, figure.suppressed)
    # The programme's rate pools the sets whose own rate is shown (report_cells.py, rule 2).
    shown = [i for i, figure in enumerate(figures) if not figure.suppressed]
    places = sum(recorded[i] for i in shown)
    pooled = total_of([cells[i] for i in shown])
    return _rate(pooled, places, not places and len(shown) < len(cells))


def _fill_counts(
    sets: list[SetReport], found: dict[tuple[int, str], Cell], keys: Sequence[str], target: str
) -> dict[str, Figure]:
    totals = {}
    for key in keys:
        cells = [found.get((entry.cohort_id, key), Cell(0, 0)) for entry in sets]
        figures, total = set_figures(cells)
        for entry, figure in zip(sets, figures, strict=True):
            getattr(entry, target)[key] = figure
        totals[key] = total
    return totals


def _fill_gains(sets: list[SetReport], found: dict[tuple[int, str], Cell]) -> dict[str, Figure]:
    kinds = [kind.value for kind in GainKind]
    rows = [[found.get((entry.cohort_id, kind), Cell(0, 0)) for kind in kinds] for entry in sets]
    in_all = [found.get((entry.cohort_id, ALL_GAINS), Cell(0, 0)) for entry in sets]
    cells, totals, by_kind, grand = grid_figures(rows, in_all, len(kinds))
    for entry, row, total in zip(sets, cells, totals, strict=True):
        entry.gains = {**dict(zip(kinds, row, strict=True)), ALL_GAINS: total}
    return {**dict(zip(kinds, by_kind, strict=True)), ALL_GAINS: grand}


def _not_released(entry: SetReport) -> None:
    # A set with no counts released yet shows none, and adds nothing to the programme's totals.
    entry.enrolment = dict.fromkeys(ENROLMENT, SUPPRESSED)
    entry.engagement = dict.fromkeys(Measure, SUPPRESSED)
    entry.gains = {kind: SUPPRESSED for kind, _ in gain_kinds()}


# Reports already worked out, each under what it depends on (`programme_report`): a few, as
# an admin looks at every year and the whole programme in turn. Each worker keeps its own.
_WORKED_OUT: dict[Any, ProgrammeReport] = {}
_KEPT = 16
_MAKING = threading.RLock()


def programme_report(
    db: Session,
    framework: list[DomainCapabilities],
    year: int | None = None,
    feedback: Sequence[FeedbackThemes] = (),
) -> ProgrammeReport:
    """Every set of the programme (or of those starting in `year`) and the programme as a whole,
    from each set's latest release (report_release.py), each figure hidden by the small-number
    rules across the sets shown: two queries, however many sets, people and months there are,
    and a third when what they show has changed. `feedback` is what the session feedback
    feature has released.

    The figures depend only on the sets shown, their latest releases and the framework's
    domains, so they are worked out once for each state of those: a release made or withdrawn,
    a set added, renamed, moved or removed, or a domain renamed, and they are worked out again.
    """
    shown = report_release.shown_rows(db, queries.chosen_sets(year))
    key = (year, shown, tuple((entry.domain.id, entry.domain.name) for entry in framework))
    worked_out = made_once(
        _WORKED_OUT,
        key,
        lambda: _work_out(db, framework, year, report_release.shown_sets(shown)),
    )
    # This request's own, whose feedback is put in place below.
    report = replace(worked_out, years=queries.report_years(db), state=key)
    attach_feedback(report, feedback)
    return report


_MADE: dict[Any, Any] = {}


def kept(report: ProgrammeReport, what: Any, make: Callable[[], T]) -> T:
    """`make()` (a page or a download of the report), made once for each state of the report
    (`programme_report`: its sets and their releases), its years and session feedback, and
    `what` (which page, which format): each worker keeps a few."""
    feedback = (report.feedback, [entry.feedback for entry in report.sets])
    key = (report.state, tuple(report.years), repr(feedback), what)
    return made_once(_MADE, key, make)


def made_once(kept_in: dict[Any, Any], key: Any, make: Callable[[], T]) -> T:
    """What `kept_in` holds under `key`, made by one thread while the worker's others wait for
    it (a busy page asked for by many at once is made once, not once by each)."""
    found = kept_in.get(key)
    if found is None:
        with _MAKING:
            found = kept_in.get(key)
            if found is None:
                found = make()
                if len(kept_in) >= _KEPT:
                    kept_in.clear()
                kept_in[key] = found
    return cast(T, found)


def _work_out(
    db: Session,
    framework: list[DomainCapabilities],
    year: int | None,
    shown: list[report_release.ShownSet],
) -> ProgrammeReport:
    releases = [found.release_id for found in shown if found.release_id is not None]
    parts = report_release.released_parts(db, releases) if releases else {}
    sets, counted, counts = [], [], {}
    for found in shown:
        entry = SetReport(found.cohort_id, found.name, found.status, found.start_month)
        entry.released_at = found.released_at
        domains, released = parts.get(found.release_id or 0, (None, None))
        entry.growth = released_domains(domains, framework)
        sets.append(entry)
        if released is None:
            _not_released(entry)
        else:
            entry.enrolment = {"current": Figure(released.current, None)}
            counted.append(entry)
            counts[found.cohort_id] = released
    enrolment = _fill_enrolment(counted, {key: c.invitations for key, c in counts.items()})
    attendance = _fill_attendance(
        counted,
        {key: c.sessions for key, c in counts.items()},
        {key: c.attendance for key, c in counts.items()},
    )
    engagement = _fill_counts(counted, _by_set(counts, "engagement"), list(Measure), "engagement")
    gains = _fill_gains(counted, _by_set(counts, "gains"))
    return ProgrammeReport(
        year=year,
        years=[],
        sets=sets,
        enrolment=enrolment,
        attendance=attendance,
        engagement={Measure(key): figure for key, figure in engagement.items()},
        growth=_programme_growth(sets),
        gains=gains,
        feedback=None,
    )


def _by_set(counts: dict[int, ReleasedCounts], part: str) -> dict[tuple[int, str], Cell]:
    return {
        (cohort_id, key): cell
        for cohort_id, found in counts.items()
        for key, cell in getattr(found, part).items()
    }


# Each state of the report's sets (`programme_report`) with some feedback in place, under the
# feedback's id and kept with it, so that the id names that feedback alone: the same feedback
# comes back request after request while it stands (report_feedback.py), and putting it in
# place would otherwise copy every set's entry each time.
_ATTACHED: dict[Any, tuple[Sequence[FeedbackThemes], list[SetReport]]] = {}


def attach_feedback(report: ProgrammeReport, feedback: Sequence[FeedbackThemes]) -> None:
    """Put each set's session feedback themes, and the programme's (cohort_id None), in place:
    where the session feedback feature's summaries for `report.cohort_ids` come in."""
    by_set = {themes.cohort_id: themes for themes in feedback}
    report.feedback = by_set.get(None)
    key = None if report.state is None else (report.state, id(feedback))
    found = _ATTACHED.get(key)
    if found is not None and found[0] is feedback:
        report.sets = found[1]
        return
    # A set's entry may be shared with reports worked out before (`programme_report`): one
    # whose feedback changes is replaced, never changed.
    report.sets = [
        entry
        if entry.feedback == by_set.get(entry.cohort_id)
        else replace(entry, feedback=by_set.get(entry.cohort_id))
        for entry in report.sets
    ]
    if key is not None:
        with _MAKING:
            if len(_ATTACHED) >= _KEPT:
                _ATTACHED.clear()
            _ATTACHED[key] = (feedback, report.sets)


# The sets shown a page at a time on the report's page; the exports carry them all.
SETS_PER_PAGE = 20


def page_of_sets(report: ProgrammeReport, number: int) -> Page[SetReport]:
    """One page of the report's sets (a page past the end shows the last)."""
    total = len(report.sets)
    pages = max(1, -(-total // SETS_PER_PAGE))
    number = min(max(1, number), pages)
    start = (number - 1) * SETS_PER_PAGE
    return Page(report.sets[start : start + SETS_PER_PAGE], number, SETS_PER_PAGE, total)


def gain_kinds() -> list[tuple[str, str]]:
    """Each kind of gain and its label, then all of them together."""
    return [(kind.value, kind.label) for kind in GainKind] + [(ALL_GAINS, "All gains")]


def report_labels(report: ProgrammeReport) -> dict[str, Any]:
    """The column headings and row labels the report's page lays out."""
    kinds = gain_kinds()
    return {
        "enrolment_labels": ENROLMENT_LABELS,
        "enrolment_columns": [
            {"text": label, "numeric": True} for label in ENROLMENT_LABELS.values()
        ],
        "measures": list(Measure),
        "measure_columns": [{"text": measure.label, "numeric": True} for measure in Measure],
        "growth_columns": [domain.name for domain in report.growth],
        "gain_kinds": kinds,
        "gain_columns": [{"text": label, "numeric": True} for _, label in kinds],
        "all_gains": ALL_GAINS,
    }
