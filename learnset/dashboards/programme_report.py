"""The programme report for the board (issue 19, item 6): for each learning set and for the
whole programme, enrolment, attendance, engagement, released capability growth, gains on live
challenges and session feedback themes, under the small-number rules (report_cells.py).

Everything is counted in SQL with GROUP BY over every set at once, so the report costs the same
number of queries for 3 sets as for 300, and for a month of data as for a year. Reflections,
comments and challenges are counted, never read: no query here selects a title or a word anyone
wrote. Growth comes only from each set's latest release (releases.py), never from live ratings.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    case,
    exists,
    extract,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from learnset import authz
from learnset.assessment.models import SelfAssessment
from learnset.challenges.models import Challenge, ChallengeUpdate, GainKind, UpdateKind
from learnset.cohorts.models import Cohort, Invitation, Membership, Role
from learnset.dashboards.cohort_figures import DomainFigures
from learnset.dashboards.figures import SUPPRESSED, Figure
from learnset.dashboards.releases import latest_releases, released_figures
from learnset.dashboards.report_cells import (
    Cell,
    column_figures,
    grid_figures,
    people_table,
    total_of,
)
from learnset.framework.queries import DomainCapabilities
from learnset.meetings.models import Attendance, Meeting
from learnset.pagination import Page
from learnset.reflections.models import Reflection, ReflectionComment, Visibility

ONE_PLACE = Decimal("0.1")
# Attendance where none has been recorded: nothing to hide, nothing to show.
NONE_RECORDED = Figure(None, 0)


class Measure(enum.StrEnum):
    """Engagement, counted: what each row of the engagement query counts, and its label."""

    REFLECTIONS = "reflections"
    SHARES = "shares"
    CHECK_INS = "check_ins"
    COMMENTS = "comments"

    @property
    def label(self) -> str:
        return _MEASURE_LABELS[self]

    @property
    def sql(self) -> Any:
        # A constant of our own, never user input: written into the statement as a literal.
        return literal_column(f"'{self.value}'")


_MEASURE_LABELS = {
    Measure.REFLECTIONS: "Reflections written",
    Measure.SHARES: "Reflections shared",
    Measure.CHECK_INS: "Check-ins completed",
    Measure.COMMENTS: "Comments",
}
ENROLMENT = ("invited", "joined", "current", "left")
ENROLMENT_LABELS = {
    "invited": "Invited",
    "joined": "Joined",
    "current": "Taking part now",
    "left": "Left",
}
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

    @property
    def cohort_ids(self) -> list[int]:
        return [entry.cohort_id for entry in self.sets]


# --- The queries ---------------------------------------------------------------------------------


def report_years(db: Session) -> list[int]:
    """The years learning sets start in, newest first (one query): the report's filter."""
    year = extract("year", Cohort.start_month)
    found = db.scalars(select(year).where(Cohort.start_month.is_not(None)).distinct())
    return sorted({int(value) for value in found}, reverse=True)


def _chosen_sets(year: int | None) -> Select[Any]:
    query = select(Cohort.id)
    if year is not None:
        query = query.where(
            Cohort.start_month >= date(year, 1, 1), Cohort.start_month < date(year + 1, 1, 1)
        )
    return query


def _sets(db: Session, chosen: Select[Any]) -> list[SetReport]:
    participants = func.count(Membership.id).filter(Membership.role == Role.PARTICIPANT)
    rows = db.execute(
        select(Cohort.id, Cohort.name, Cohort.status, Cohort.start_month, participants)
        .outerjoin(Membership, Membership.cohort_id == Cohort.id)
        .where(Cohort.id.in_(chosen))
        .group_by(Cohort.id, Cohort.name, Cohort.status, Cohort.start_month)
        .order_by(Cohort.start_month.desc(), Cohort.name, Cohort.id)
    )
    sets = []
    for cohort_id, name, status, start_month, current in rows:
        entry = SetReport(cohort_id, name, status, start_month)
        entry.enrolment = {"current": Figure(int(current or 0), None)}
        sets.append(entry)
    return sets


def _invitations(db: Session, chosen: Select[Any]) -> dict[int, tuple[int, int]]:
    """By set: how many addresses were invited as participants (withdrawn invitations aside),
    and how many who accepted are no longer in the set (one query)."""
    still_in = exists().where(
        Membership.cohort_id == Invitation.cohort_id,
        Membership.user_id == Invitation.accepted_by_id,
        Membership.role == Role.PARTICIPANT,
    )
    left = case((and_(Invitation.accepted_at.is_not(None), ~still_in), Invitation.accepted_by_id))
    invited = case((Invitation.revoked_at.is_(None), Invitation.email))
    return {
        cohort_id: (int(invited_count or 0), int(left_count or 0))
        for cohort_id, invited_count, left_count in db.execute(
            select(
                Invitation.cohort_id,
                func.count(invited.distinct()),
                func.count(left.distinct()),
            )
            .where(Invitation.cohort_id.in_(chosen), Invitation.role == Role.PARTICIPANT)
            .group_by(Invitation.cohort_id)
        )
    }


def _sessions(db: Session, chosen: Select[Any]) -> list[Any]:
    """Each session with attendance recorded: places present and recorded (one query)."""
    return list(
        db.execute(
            select(
                Meeting.cohort_id,
                Meeting.number,
                Meeting.title,
                Meeting.starts_at,
                func.count().filter(Attendance.present.is_(True)),
                func.count(),
            )
            .join(Attendance, Attendance.meeting_id == Meeting.id)
            .where(Meeting.cohort_id.in_(chosen))
            .group_by(Meeting.id, Meeting.cohort_id, Meeting.number, Meeting.title)
            .group_by(Meeting.starts_at)
            .order_by(Meeting.cohort_id, Meeting.starts_at, Meeting.id)
        )
    )


def _attendance(db: Session, chosen: Select[Any]) -> dict[int, tuple[int, int, int]]:
    """By set: places present, places recorded, and how many people they were (one query)."""
    return {
        cohort_id: (int(present or 0), int(recorded), int(people))
        for cohort_id, present, recorded, people in db.execute(
            select(
                Meeting.cohort_id,
                func.count().filter(Attendance.present.is_(True)),
                func.count(),
                func.count(Attendance.user_id.distinct()),
            )
            .join(Attendance, Attendance.meeting_id == Meeting.id)
            .where(Meeting.cohort_id.in_(chosen))
            .group_by(Meeting.cohort_id)
        )
    }


def _engagement(db: Session, chosen: Select[Any]) -> dict[tuple[int, str], Cell]:
    """Reflections written and shared, check-ins completed and comments, by set, with how many
    people each count comes from (one query of four grouped selects; no text selected)."""
    kept = and_(Reflection.cohort_id.in_(chosen), Reflection.deleted_at.is_(None))
    reflections = select(
        Reflection.cohort_id.label("cohort_id"),
        Measure.REFLECTIONS.sql.label("measure"),
        func.count().label("counted"),
        func.count(Reflection.author_id.distinct()).label("people"),
    ).where(kept)
    shares = select(
        Reflection.cohort_id,
        Measure.SHARES.sql,
        func.count(),
        func.count(Reflection.author_id.distinct()),
    ).where(kept, Reflection.visibility != Visibility.PRIVATE)
    check_ins = select(
        SelfAssessment.cohort_id,
        Measure.CHECK_INS.sql,
        func.count(),
        func.count(SelfAssessment.participant_id.distinct()),
    ).where(SelfAssessment.cohort_id.in_(chosen), authz.shared_with_tutors_clause())
    comments = (
        select(
            Reflection.cohort_id,
            Measure.COMMENTS.sql,
            func.count(),
            func.count(ReflectionComment.author_id.distinct()),
        )
        .select_from(ReflectionComment)
        .join(Reflection, Reflection.id == ReflectionComment.reflection_id)
        .where(kept)
    )
    statement = union_all(
        reflections.group_by(Reflection.cohort_id),
        shares.group_by(Reflection.cohort_id),
        check_ins.group_by(SelfAssessment.cohort_id),
        comments.group_by(Reflection.cohort_id),
    )
    return {
        (cohort_id, measure): Cell(int(counted), int(people))
        for cohort_id, measure, counted, people in db.execute(statement)
    }


ALL_GAINS = "all"


def _gains(db: Session, chosen: Select[Any]) -> dict[tuple[int, str], Cell]:
    """Gains recorded on each set's live challenges whose owners still take part, by kind and
    in all, with how many owners they come from (one query)."""
    gains = and_(
        ChallengeUpdate.kind == UpdateKind.GAIN,
        Challenge.cohort_id.in_(chosen),
        authz.owner_takes_part_clause(),
    )
    by_kind = (
        select(
            Challenge.cohort_id,
            ChallengeUpdate.gain_kind,
            func.count(),
            func.count(Challenge.owner_id.distinct()),
        )
        .select_from(ChallengeUpdate)
        .join(Challenge, Challenge.id == ChallengeUpdate.challenge_id)
        .where(gains)
        .group_by(Challenge.cohort_id, ChallengeUpdate.gain_kind)
    )
    in_all = (
        select(
            Challenge.cohort_id,
            literal_column(f"'{ALL_GAINS}'", String),
            func.count(),
            func.count(Challenge.owner_id.distinct()),
        )
        .select_from(ChallengeUpdate)
        .join(Challenge, Challenge.id == ChallengeUpdate.challenge_id)
        .where(gains)
        .group_by(Challenge.cohort_id)
    )
    rows: list[Any] = list(db.execute(union_all(by_kind, in_all)))
    return {
        (cohort_id, kind): Cell(int(counted), int(people))
        for cohort_id, kind, counted, people in rows
        if kind is not None
    }


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
    figures, totals = people_table(rows, [_JOINED_SPLIT])
    for entry, row in zip(sets, figures, strict=True):
        entry.enrolment = dict(zip(ENROLMENT, row, strict=True))
    return dict(zip(ENROLMENT, totals, strict=True))


def _fill_attendance(sets: list[SetReport], db: Session, chosen: Select[Any]) -> Figure:
    by_set: dict[int, list[Any]] = defaultdict(list)
    for row in _sessions(db, chosen):
        by_set[row[0]].append(row)
    for entry in sets:
        sessions = by_set.get(entry.cohort_id, [])
        # A session's figure comes from the places recorded at it.
        cells = [Cell(int(present or 0), int(recorded)) for *_, present, recorded in sessions]
        figures, _ = column_figures(cells)
        entry.sessions = [
            SessionAttendance(
                number,
                title,
                starts_at,
                _rate(cell, cell.people, figure.suppressed),
            )
            for (_, number, title, starts_at, _, _), cell, figure in zip(
                sessions, cells, figures, strict=True
            )
        ]
    overall = _attendance(db, chosen)
    # A set's figure comes from the people whose attendance was recorded.
    found = [overall.get(entry.cohort_id, (0, 0, 0)) for entry in sets]
    cells = [Cell(present, people) for present, _, people in found]
    recorded = [places for _, places, _ in found]
    figures, total = column_figures(cells)
    for entry, cell, places, figure in zip(sets, cells, recorded, figures, strict=True):
        entry.attendance = _rate(cell, places, figure.suppressed)
    return _rate(total_of(cells), sum(recorded), total.suppressed)


def _fill_counts(
    sets: list[SetReport], found: dict[tuple[int, str], Cell], keys: Sequence[str], target: str
) -> dict[str, Figure]:
    totals = {}
    for key in keys:
        cells = [found.get((entry.cohort_id, key), Cell(0, 0)) for entry in sets]
        figures, total = column_figures(cells)
        for entry, figure in zip(sets, figures, strict=True):
            getattr(entry, target)[key] = figure
        totals[key] = total
    return totals


def _fill_gains(sets: list[SetReport], found: dict[tuple[int, str], Cell]) -> dict[str, Figure]:
    kinds = [kind.value for kind in GainKind]
    rows = [[found.get((entry.cohort_id, kind), Cell(0, 0)) for kind in kinds] for entry in sets]
    in_all = [found.get((entry.cohort_id, ALL_GAINS), Cell(0, 0)) for entry in sets]
    cells, totals, by_kind, grand = grid_figures(rows, in_all)
    for entry, row, total in zip(sets, cells, totals, strict=True):
        entry.gains = {**dict(zip(kinds, row, strict=True)), ALL_GAINS: total}
    return {**dict(zip(kinds, by_kind, strict=True)), ALL_GAINS: grand}


def programme_report(
    db: Session,
    framework: list[DomainCapabilities],
    year: int | None = None,
    feedback: Sequence[FeedbackThemes] = (),
) -> ProgrammeReport:
    """Every set of the programme (or of those starting in `year`) and the programme as a whole,
    each figure hidden by the small-number rules: nine queries, however many sets, people and
    months there are. `feedback` is what the session feedback feature has released."""
    chosen = _chosen_sets(year)
    sets = _sets(db, chosen)
    enrolment = _fill_enrolment(sets, _invitations(db, chosen))
    attendance = _fill_attendance(sets, db, chosen)
    engagement = _fill_counts(sets, _engagement(db, chosen), list(Measure), "engagement")
    gains = _fill_gains(sets, _gains(db, chosen))
    releases = latest_releases(db, [entry.cohort_id for entry in sets])
    for entry in sets:
        release = releases.get(entry.cohort_id)
        figures = released_figures(release, framework)
        entry.released_at, entry.growth = figures.released_at, figures.domains
    by_set = {themes.cohort_id: themes for themes in feedback}
    for entry in sets:
        entry.feedback = by_set.get(entry.cohort_id)
    return ProgrammeReport(
        year=year,
        years=report_years(db),
        sets=sets,
        enrolment=enrolment,
        attendance=attendance,
        engagement={Measure(key): figure for key, figure in engagement.items()},
        growth=_programme_growth(sets),
        gains=gains,
        feedback=by_set.get(None),
    )


# The sets shown a page at a time on the report's page; the exports carry them all.
SETS_PER_PAGE = 20


def page_of_sets(report: ProgrammeReport, number: int) -> Page[SetReport]:
    """One page of the report's sets (a page past the end shows the last)."""
    total = len(report.sets)
    pages = max(1, -(-total // SETS_PER_PAGE))
    number = min(max(1, number), pages)
    start = (number - 1) * SETS_PER_PAGE
    return Page(report.sets[start : start + SETS_PER_PAGE], number, SETS_PER_PAGE, total)


def report_labels(report: ProgrammeReport) -> dict[str, Any]:
    """The column headings and row labels the report's page lays out."""
    kinds = [(kind.value, kind.label) for kind in GainKind] + [(ALL_GAINS, "All gains")]
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
