"""What a cohort's figures say, worked out from the self-assessments shared with tutors.

- Only self-assessments shared with tutors count, for every figure and every reader
  (`authz.shared_with_tutors_clause`: submitted, shared, and the author still takes part).
- A participant's **baseline** is their first shared self-assessment in the cohort, and their
  **latest** their most recent one (the same one if they have shared only one). Ratings carried
  forward in a check-in count as that check-in's ratings: every submitted assessment is complete.
- A **mean** is over participants; a **change** is the mean, over participants rated at both,
  of latest minus baseline. Both are rounded to one decimal place, halves away from zero.
- **Growth month by month**: for each calendar month (UK time), each participant's latest
  shared rating by the end of that month, averaged over the capabilities of a domain.
- **Suppression** (figures.py): a figure to which fewer than 3 participants contribute has no
  value, and a count of 1 or 2 people is hidden.

Nobody reads these live: releases.py works them out when a round closes and stores them, and
pages show the latest release. Only the heat map (the set's tutors) reads ratings directly, up
to the release. Every function runs one statement with the arithmetic in SQL (sums, counts,
GROUP BY), so a release costs the same for 5 participants and a month as for 50 and a year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    func,
    select,
)
from sqlalchemy.orm import Session

from learnset import authz
from learnset.assessment.models import Rating, SelfAssessment
from learnset.cohorts.models import Membership, Role
from learnset.dashboards.figures import (
    MIN_RESPONSES,
    SUPPRESSED,
    Distribution,
    Figure,
    count_of,
    distribution_of,
    mean_of,
)
from learnset.dashboards.months import Month, month_bounds, month_table, months_between
from learnset.dashboards.participants import ONE_COHORT, ParticipantName
from learnset.dates import uk_month
from learnset.db import UTCDateTime, plain_rows, shared_alias
from learnset.framework.models import LEVELS, Capability, Levels
from learnset.framework.queries import DomainCapabilities

# --- The shared self-assessments, first and latest per participant -------------------------------
# The statements below are built once (they are costly to build) and bound to a cohort with the
# parameter `cohort_id`; SQLAlchemy caches their compiled SQL too.

RELEASED_AT = bindparam("released_at", type_=UTCDateTime)


def _first_and_latest() -> CTE:
    """Each participant's first and latest shared assessment (`first_id`, `latest_id`)."""
    person = (SelfAssessment.participant_id, SelfAssessment.cohort_id)
    ranked = (
        select(
            SelfAssessment.id,
            SelfAssessment.participant_id,
            SelfAssessment.cohort_id,
            func.row_number()
            .over(partition_by=person, order_by=(SelfAssessment.submitted_at, SelfAssessment.id))
            .label("first_rank"),
            func.row_number()
            .over(
                partition_by=person,
                order_by=(SelfAssessment.submitted_at.desc(), SelfAssessment.id.desc()),
            )
            .label("latest_rank"),
        )
        .where(
            authz.shared_with_tutors_clause(),
            SelfAssessment.cohort_id == ONE_COHORT,
        )
        .subquery("ranked")
    )
    return (
        select(
            ranked.c.participant_id,
            ranked.c.cohort_id,
            func.max(case((ranked.c.first_rank == 1, ranked.c.id))).label("first_id"),
            func.max(case((ranked.c.latest_rank == 1, ranked.c.id))).label("latest_id"),
        )
        .group_by(ranked.c.participant_id, ranked.c.cohort_id)
        # Computed once: left to itself, PostgreSQL may run it again for each capability.
        .cte("first_and_latest")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


# Made once: a new alias costs about half a millisecond per request on first use.
_LATEST, _BASELINE = shared_alias(Rating), shared_alias(Rating)


def _baseline_and_latest() -> Subquery:
    """One row per participant and capability their latest shared assessment rates: the
    baseline level (None if their first shared assessment did not rate it), and the latest
    level and target, for one cohort (`cohort_id`)."""
    people = _first_and_latest()
    latest, baseline = _LATEST, _BASELINE
    # A lookup by the unique (assessment, capability) index for each row: a join here lets
    # PostgreSQL hash the whole ratings table instead.
    baseline_level = (
        select(baseline.current_level)
        .where(
            baseline.assessment_id == people.c.first_id,
            baseline.capability_id == latest.capability_id,
        )
        .scalar_subquery()
    )
    return (
        select(
            people.c.cohort_id,
            people.c.participant_id,
            latest.capability_id,
            baseline_level.label("baseline"),
            latest.current_level.label("current"),
            latest.target_level.label("target"),
        )
        .select_from(people)
        .join(latest, latest.assessment_id == people.c.latest_id)
        .subquery("baseline_and_latest")
    )


def _current_capabilities(pairs: Subquery) -> ColumnElement[bool]:
    return and_(
        Capability.id == pairs.c.capability_id,
        Capability.archived_at.is_(None),
    )


# --- Per capability ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CapabilityFigures:
    capability_id: int
    slug: str
    name: str
    domain: str
    baseline: Figure
    latest: Figure
    change: Figure
    distribution: Distribution
    # Participants whose latest target is above their latest level (hidden when it or the
    # rest is 1 or 2).
    with_gap: Figure
    # How far participants want to move, on average: target minus level, 0 when reached.
    mean_gap: Figure = SUPPRESSED


@dataclass(frozen=True)
class DomainFigures:
    domain_id: int
    name: str
    baseline: Figure
    latest: Figure
    change: Figure


def _figures_columns(pairs: Subquery) -> list[Any]:
    has_baseline = pairs.c.baseline.is_not(None)
    return [
        func.sum(pairs.c.baseline).label("baseline_total"),
        func.count(pairs.c.baseline).label("baseline_count"),
        func.count(func.distinct(case((has_baseline, pairs.c.participant_id)))).label(
            "baseline_people"
        ),
        func.sum(pairs.c.current).label("latest_total"),
        func.count().label("latest_count"),
        func.count(func.distinct(pairs.c.participant_id)).label("latest_people"),
        func.sum(pairs.c.current - pairs.c.baseline).label("change_total"),
    ]


def _mean_figures(row: Any) -> tuple[Figure, Figure, Figure]:
    return (
        mean_of(row.baseline_total, row.baseline_count, row.baseline_people),
        mean_of(row.latest_total, row.latest_count, row.latest_people),
        mean_of(row.change_total, row.baseline_count, row.baseline_people),
    )


@cache
def _capability_statement() -> Select[*tuple[Any, ...]]:
    pairs = _baseline_and_latest()
    return select(
        pairs.c.capability_id,
        *_figures_columns(pairs),
        *(func.count().filter(pairs.c.current == level).label(f"at_{level}") for level in LEVELS),
        func.count().filter(pairs.c.target > pairs.c.current).label("with_gap"),
        func.sum(
            case((pairs.c.target > pairs.c.current, pairs.c.target - pairs.c.current), else_=0)
        ).label("gap_sum"),
    ).group_by(pairs.c.capability_id)


def capability_figures(
    db: Session, cohort_id: int, framework: list[DomainCapabilities]
) -> list[CapabilityFigures]:
    """Each current capability in framework order: baseline, latest and change, the spread of
    latest levels and how many have a gap (one query)."""
    rows = db.execute(_capability_statement(), {"cohort_id": cohort_id})
    by_capability = {row.capability_id: row for row in rows}
    figures = []
    for entry in framework:
        for capability in entry.capabilities:
            row = by_capability.get(capability.id)
            if row is None:
                baseline = latest = change = SUPPRESSED
                spread, with_gap, mean_gap = Distribution(None, None), SUPPRESSED, SUPPRESSED
            else:
                baseline, latest, change = _mean_figures(row)
                levels = [getattr(row, f"at_{level}") for level in LEVELS]
                spread = distribution_of(levels, row.latest_people)
                with_gap = count_of(row.with_gap, row.latest_people)
                mean_gap = mean_of(row.gap_sum, row.latest_count, row.latest_people)
            figures.append(
                CapabilityFigures(
                    capability.id,
                    capability.slug,
                    capability.name,
                    entry.domain.name,
                    baseline,
                    latest,
                    change,
                    spread,
                    with_gap,
                    mean_gap,
                )
            )
    return figures


@cache
def _domain_statement() -> Select[*tuple[Any, ...]]:
    """Figures per domain of one cohort (`cohort_id`)."""
    pairs = _baseline_and_latest()
    return (
        select(Capability.domain_id, *_figures_columns(pairs))
        .select_from(pairs)
        .join(Capability, _current_capabilities(pairs))
        .group_by(Capability.domain_id)
    )


def domain_figures(
    db: Session, cohort_id: int, framework: list[DomainCapabilities]
) -> list[DomainFigures]:
    """Each domain: the mean baseline, latest and change over its capabilities and the
    participants (one query). Suppressed when fewer than 3 participants contribute."""
    rows = db.execute(_domain_statement(), {"cohort_id": cohort_id})
    by_domain = {row.domain_id: row for row in rows}
    figures = []
    for entry in framework:
        row = by_domain.get(entry.domain.id)
        means = _mean_figures(row) if row is not None else (SUPPRESSED,) * 3
        figures.append(DomainFigures(entry.domain.id, entry.domain.name, *means))
    return figures


# --- The gap heat map (the cohort's tutors only) -----------------------------------------------


@dataclass(frozen=True)
class GapCell(Levels):
    """One participant's levels on one capability, a cell of the heat map."""

    @property
    def shade(self) -> int:
        """The heat map's colour step: 0 (at or beyond the target) to 4 (a gap of 4)."""
        return max(0, min(4, self.gap))


@dataclass
class GapRow:
    capability_id: int
    slug: str
    name: str
    domain: str
    mean_gap: Figure
    # Each participant's latest shared rating, by participant id; absent when not rated.
    cells: dict[int, GapCell] = field(default_factory=dict)


@dataclass(frozen=True)
class HeatMap:
    # Participants who have shared at least one self-assessment, by name.
    participants: list[ParticipantName]
    # Capabilities, the commonest gaps first.
    rows: list[GapRow]


def commonest_first(figures: Iterable[CapabilityFigures]) -> list[CapabilityFigures]:
    """The largest mean gap first, then the most participants with a gap; framework order among
    equals. Only figures that are shown decide the order (a suppressed one sorts as no gap), so
    nothing about fewer than 3 people can be read off it."""

    def shown(figure: Figure) -> Decimal | int:
        return 0 if figure.suppressed or figure.value is None else figure.value

    return sorted(figures, key=lambda figure: (-shown(figure.mean_gap), -shown(figure.with_gap)))


@cache
def _heat_map_statement() -> Select[*tuple[Any, ...]]:
    # Each participant's latest shared assessment as of the release, found newest first through
    # the (participant, cohort, submitted_at) index, one participant at a time: no ranking of
    # every assessment in the set (`_first_and_latest`), and no baseline.
    latest_id = (
        select(SelfAssessment.id)
        .where(
            SelfAssessment.participant_id == Membership.user_id,
            SelfAssessment.cohort_id == Membership.cohort_id,
            authz.shared_with_tutors_clause(),
            SelfAssessment.submitted_at <= RELEASED_AT,
        )
        .order_by(SelfAssessment.submitted_at.desc(), SelfAssessment.id.desc())
        .limit(1)
        .correlate(Membership)
        .scalar_subquery()
    )
    latest = _LATEST
    # Neither names nor an order: the caller knows its participants, by name (`heat_map`).
    return (
        select(
            Membership.user_id,
            latest.capability_id,
            latest.current_level,
            latest.target_level,
        )
        .join(latest, latest.assessment_id == latest_id)
        .where(Membership.cohort_id == ONE_COHORT, Membership.role == Role.PARTICIPANT)
    )


def heat_map(
    db: Session,
    cohort_id: int,
    figures: list[CapabilityFigures],
    released_at: datetime,
    participants: Sequence[ParticipantName] = (),
) -> HeatMap:
    """Each sharing participant's latest gap on each capability as of the release at
    `released_at` (one query); its participants are those of `participants` (the set's, by
    name) with a rating. Only for the cohort's tutors: it shows individuals' ratings, as their
    own pages do. Someone who has since stopped sharing an assessment or left the set is shown
    without it at once: the release holds aggregates, never a person's ratings."""
    rows = {
        figure.capability_id: GapRow(
            figure.capability_id, figure.slug, figure.name, figure.domain, figure.mean_gap
        )
        for figure in commonest_first(figures)
    }
    rated = set()
    for participant_id, capability_id, current, target in plain_rows(
        db, _heat_map_statement(), {"cohort_id": cohort_id, "released_at": released_at}
    ).all():
        rated.add(participant_id)
        if capability_id in rows:
            rows[capability_id].cells[participant_id] = GapCell(current, target)
    shown = [person for person in participants if person.id in rated]
    return HeatMap(shown, list(rows.values()))


# --- Growth month by month -----------------------------------------------------------------------


@dataclass(frozen=True)
class GrowthPoint:
    month: Month
    # A domain's mean current level that month, by domain id.
    by_domain: dict[int, Figure]


@dataclass(frozen=True)
class Growth:
    domains: list[tuple[int, str]]
    points: list[GrowthPoint]

    def series(self, domain_id: int) -> list[Figure]:
        return [point.by_domain[domain_id] for point in self.points]


@dataclass(frozen=True)
class Sharing:
    """How many participants have shared a self-assessment, and the months it spans."""

    participants: int
    months: list[Month]

    @property
    def enough(self) -> bool:
        return self.participants >= MIN_RESPONSES


def sharing(db: Session, cohort_id: int) -> Sharing:
    """Who has shared, and from the month of the first shared self-assessment to the month of
    the latest (one query)."""
    people, first, last = db.execute(
        select(
            func.count(func.distinct(SelfAssessment.participant_id)),
            func.min(SelfAssessment.submitted_at),
            func.max(SelfAssessment.submitted_at),
        ).where(SelfAssessment.cohort_id == cohort_id, authz.shared_with_tutors_clause())
    ).one()
    if first is None or last is None:  # both are, or neither: no shared self-assessment
        return Sharing(0, [])
    return Sharing(int(people), months_between(uk_month(first), uk_month(last)))


@cache
def _growth_statement(month_count: int) -> Select[*tuple[Any, ...]]:
    table = month_table(month_count)
    as_of = (
        select(
            table.c.number,
            SelfAssessment.id,
            SelfAssessment.participant_id,
            func.row_number()
            .over(
                partition_by=(table.c.number, SelfAssessment.participant_id),
                order_by=(SelfAssessment.submitted_at.desc(), SelfAssessment.id.desc()),
            )
            .label("newest"),
        )
        .select_from(table)
        .join(SelfAssessment, SelfAssessment.submitted_at < table.c.ends)
        .where(SelfAssessment.cohort_id == ONE_COHORT, authz.shared_with_tutors_clause())
        .subquery("as_of")
    )
    return (
        select(
            as_of.c.number,
            Capability.domain_id,
            func.sum(Rating.current_level),
            func.count(),
            func.count(func.distinct(as_of.c.participant_id)),
        )
        .join(Rating, Rating.assessment_id == as_of.c.id)
        .join(
            Capability,
            and_(Capability.id == Rating.capability_id, Capability.archived_at.is_(None)),
        )
        .where(as_of.c.newest == 1)
        .group_by(as_of.c.number, Capability.domain_id)
    )


def growth(
    db: Session, cohort_id: int, framework: list[DomainCapabilities], months: list[Month]
) -> Growth:
    """For each month, each domain's mean current level over each participant's latest shared
    rating by the end of that month (one query)."""
    domains = [(entry.domain.id, entry.domain.name) for entry in framework]
    if not months:
        return Growth(domains, [])
    rows = db.execute(
        _growth_statement(len(months)), {"cohort_id": cohort_id, **month_bounds(months)}
    )
    found = {
        (number, domain_id): (total, count, people)
        for number, domain_id, total, count, people in rows
    }
    points = [
        GrowthPoint(
            month,
            {
                domain_id: mean_of(*found.get((number, domain_id), (0, 0, 0)))
                for domain_id, _name in domains
            },
        )
        for number, month in enumerate(months)
    ]
    return Growth(domains, points)
