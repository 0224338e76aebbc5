"""Read-only aggregate queries behind the dashboards, each returning small dataclasses.

What the figures mean (the pages' help text says the same in plain words):

- Only self-assessments shared with tutors count, for every figure and every reader
  (`authz.shared_with_tutors_clause`: submitted, shared, and the author still takes part).
- A participant's **baseline** is their first shared self-assessment in the cohort, and their
  **latest** their most recent one (the same one if they have shared only one). Ratings carried
  forward in a check-in count as that check-in's ratings: every submitted assessment is complete.
- A **mean** is over participants; a **change** is the mean, over participants rated at both,
  of latest minus baseline. Both are rounded to one decimal place, halves away from zero.
- **Growth month by month**: for each calendar month (UK time), each participant's latest
  shared rating by the end of that month, averaged over the capabilities of a domain.
- **Suppression**: a figure to which fewer than 3 participants contribute has no value. Pages
  say "fewer than 3 responses"; charts leave the point out; exports write a blank or null and
  a suppressed flag, and not how many responses there were.

Every function runs one statement with the arithmetic in SQL (sums, counts, GROUP BY), so a
page costs the same for 5 participants and a month of history as for 50 and a year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased, load_only

from learnset import authz
from learnset.accounts.models import User
from learnset.assessment.models import Rating, SelfAssessment
from learnset.challenges.models import Challenge, ChallengeUpdate
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.dates import UK, uk_month
from learnset.db import UTCDateTime
from learnset.framework.models import LEVELS, Capability
from learnset.framework.queries import DomainCapabilities
from learnset.library.models import (
    ContentItem,
    content_item_capabilities,
    library_order,
)
from learnset.meetings.models import Attendance, Meeting, MeetingItem, MeetingStatus
from learnset.meetings.queries import Rate
from learnset.reflections.models import Reflection, Visibility

# Fewer contributors than this and a figure is not shown (DESIGN §3).
MIN_RESPONSES = 3
# The longest history a growth chart or an engagement table shows, in months.
MAX_MONTHS = 24
GAPS_TO_PLAN = 5
ITEMS_PER_GAP = 3
ONE_PLACE = Decimal("0.1")


# --- Figures that know whether they may be shown ---------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One aggregate: its value and how many participants it comes from, or suppressed (both
    None) when fewer than 3 do."""

    value: Decimal | int | None
    responses: int | None

    @property
    def suppressed(self) -> bool:
        return self.responses is None


SUPPRESSED = Figure(None, None)


def mean_of(total: Any, count: Any, participants: Any) -> Figure:
    """total / count to one decimal place, unless fewer than 3 participants contribute."""
    participants = int(participants or 0)
    if participants < MIN_RESPONSES or not count:
        return SUPPRESSED
    value = (Decimal(total) / Decimal(count)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    return Figure(value, participants)


def hide_small_cells(counts: Sequence[int]) -> tuple[int | None, ...]:
    """The cells of a table of people whose total is known, with every count of 1 or 2 hidden
    (None), and, when any is, more hidden, smallest first, until at least two are and the hidden
    ones add up to 3 or more: so neither the total nor the other cells give a small one back.
    Zero is shown: it names nobody."""
    hidden = {index for index, count in enumerate(counts) if 0 < count < MIN_RESPONSES}
    while hidden and len(hidden) < len(counts):
        if len(hidden) >= 2 and sum(counts[index] for index in hidden) >= MIN_RESPONSES:
            break
        others = [index for index in range(len(counts)) if index not in hidden]
        hidden.add(min(others, key=lambda index: (counts[index] == 0, counts[index], index)))
    return tuple(None if index in hidden else count for index, count in enumerate(counts))


def count_of(value: Any, participants: Any) -> Figure:
    """How many of the participants asked (with a gap, say), unless fewer than 3 were asked or
    the count, or the rest, is 1 or 2: "1 of 6" and "5 of 6" both point at one person."""
    participants = int(participants or 0)
    if participants < MIN_RESPONSES:
        return SUPPRESSED
    value = int(value or 0)
    if None in hide_small_cells((value, participants - value)):
        return SUPPRESSED
    return Figure(value, participants)


@dataclass(frozen=True)
class Distribution:
    """How many participants put themselves at each level 1 to 5 now: None when fewer than 3
    responded, and a level's count None when it is hidden (see `hide_small_cells`)."""

    counts: tuple[int | None, ...] | None
    responses: int | None

    @property
    def suppressed(self) -> bool:
        return self.counts is None

    def at(self, level: int) -> int | None:
        return self.counts[level - 1] if self.counts is not None else None


def distribution_of(counts: Sequence[Any], participants: Any) -> Distribution:
    participants = int(participants or 0)
    if participants < MIN_RESPONSES:
        return Distribution(None, None)
    return Distribution(hide_small_cells([int(count or 0) for count in counts]), participants)


# --- Calendar months in UK time ------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    """A calendar month in UK time, with its bounds in UTC for comparing stored moments."""

    first_day: date

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first_day, time(0), tzinfo=UK).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        return Month(next_month(self.first_day)).starts_at

    @property
    def key(self) -> str:
        """2026-03: how a month is named in addresses and exports."""
        return f"{self.first_day:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.first_day:%B %Y}"

    @property
    def short_label(self) -> str:
        return f"{self.first_day:%b %Y}"


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(first: date, last: date, limit: int = MAX_MONTHS) -> list[Month]:
    """Every month from the one holding `first` to the one holding `last`: the latest `limit`."""
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(Month(day))
        day = next_month(day)
    return months[-limit:]


def _month_table(count: int) -> Subquery:
    """`count` months as rows (number, starts, ends) to join moments against; their bounds are
    parameters (see `_month_bounds`), so one statement serves every cohort."""
    rows = [
        select(
            # PostgreSQL types an untyped integer parameter by its size; say which it is.
            cast(literal(number), Integer).label("number"),
            bindparam(f"starts_{number}", type_=UTCDateTime).label("starts"),
            bindparam(f"ends_{number}", type_=UTCDateTime).label("ends"),
        )
        for number in range(count)
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("months")


def _month_bounds(months: Sequence[Month]) -> dict[str, datetime]:
    bounds = {}
    for number, month in enumerate(months):
        bounds[f"starts_{number}"] = month.starts_at
        bounds[f"ends_{number}"] = month.ends_at
    return bounds


def _in_month(moment: Any, months: Subquery) -> ColumnElement[bool]:
    return and_(moment >= months.c.starts, moment < months.c.ends)


# --- The shared self-assessments, first and latest per participant -------------------------------
# The statements below are built once (they are costly to build) and bound to a cohort with the
# parameter `cohort_id`; SQLAlchemy caches their compiled SQL too.

ONE_COHORT = bindparam("cohort_id", type_=Integer)
RELEASED_AT = bindparam("released_at", type_=UTCDateTime)


def _first_and_latest(released: bool) -> CTE:
    """Each participant's first and latest shared assessment (`first_id`, `latest_id`); with
    `released`, among those submitted by the moment `released_at`."""
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
            SelfAssessment.submitted_at <= RELEASED_AT if released else true(),
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


def _baseline_and_latest(released: bool = False) -> Subquery:
    """One row per participant and capability their latest shared assessment rates: the
    baseline level (None if their first shared assessment did not rate it), and the latest
    level and target, for one cohort (`cohort_id`)."""
    people = _first_and_latest(released)
    latest, baseline = aliased(Rating), aliased(Rating)
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
def _capability_statement() -> Select[Any]:
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
def _domain_statement() -> Select[Any]:
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
class ParticipantName:
    id: int
    name: str


@dataclass(frozen=True)
class GapCell:
    current: int
    target: int

    @property
    def gap(self) -> int:
        return self.target - self.current

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
def _heat_map_statement() -> Select[Any]:
    pairs = _baseline_and_latest(released=True)
    return (
        select(
            pairs.c.participant_id,
            User.name,
            pairs.c.capability_id,
            pairs.c.current,
            pairs.c.target,
        )
        .join(User, User.id == pairs.c.participant_id)
        .order_by(User.name, User.id)
    )


def heat_map(
    db: Session, cohort_id: int, figures: list[CapabilityFigures], released_at: datetime
) -> HeatMap:
    """Each sharing participant's latest gap on each capability as of the release at
    `released_at` (one query). Only for the cohort's tutors: it shows individuals' ratings, as
    their own pages do. Someone who has since stopped sharing an assessment or left the set is
    shown without it at once: the release holds aggregates, never a person's ratings."""
    rows = {
        figure.capability_id: GapRow(
            figure.capability_id, figure.slug, figure.name, figure.domain, figure.mean_gap
        )
        for figure in commonest_first(figures)
    }
    participants: dict[int, ParticipantName] = {}
    for participant_id, name, capability_id, current, target in db.execute(
        _heat_map_statement(), {"cohort_id": cohort_id, "released_at": released_at}
    ):
        participants.setdefault(participant_id, ParticipantName(participant_id, name))
        if capability_id in rows:
            rows[capability_id].cells[participant_id] = GapCell(current, target)
    return HeatMap(list(participants.values()), list(rows.values()))


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
    if first is None:
        return Sharing(0, [])
    return Sharing(int(people), months_between(uk_month(first), uk_month(last)))


@cache
def _growth_statement(month_count: int) -> Select[Any]:
    table = _month_table(month_count)
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
        _growth_statement(len(months)), {"cohort_id": cohort_id, **_month_bounds(months)}
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


# --- Engagement ----------------------------------------------------------------------------------


@dataclass
class MonthActivity:
    """One participant's month. Reflections are counted whatever their visibility, never read."""

    attended: int = 0
    attendance_recorded: int = 0
    reflections: int = 0
    reflections_shared: int = 0
    assessments_shared: int = 0
    challenges_updated: int = 0

    @property
    def attendance(self) -> Rate:
        return Rate(self.attended, self.attendance_recorded)


@dataclass
class ParticipantEngagement:
    participant: ParticipantName
    # By month key (2026-03).
    months: dict[str, MonthActivity] = field(default_factory=dict)
    not_seen_lately: bool = False

    def month(self, key: str) -> MonthActivity:
        return self.months.get(key) or MonthActivity()

    @property
    def total(self) -> MonthActivity:
        total = MonthActivity()
        for activity in self.months.values():
            total.attended += activity.attended
            total.attendance_recorded += activity.attendance_recorded
            total.reflections += activity.reflections
            total.reflections_shared += activity.reflections_shared
            total.assessments_shared += activity.assessments_shared
            total.challenges_updated += activity.challenges_updated
        return total


@dataclass(frozen=True)
class Engagement:
    months: list[Month]
    participants: list[ParticipantEngagement]

    @property
    def not_seen_lately(self) -> list[ParticipantName]:
        return [entry.participant for entry in self.participants if entry.not_seen_lately]


def cohort_participants(db: Session, cohort_id: int) -> list[ParticipantName]:
    """The cohort's participants by name (one query)."""
    return [
        ParticipantName(user_id, name)
        for user_id, name in db.execute(
            select(User.id, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort_id, Membership.role == Role.PARTICIPANT)
            .order_by(User.name, User.id)
        )
    ]


def engagement_months(cohort: Cohort, now: datetime) -> list[Month]:
    """From the cohort's start (or this month, before it starts) to this month, UK time."""
    this_month = uk_month(now)
    start = cohort.start_month or this_month
    return months_between(min(start, this_month), this_month)


def _participant_ids(cohort_id: Any) -> Any:
    return select(Membership.user_id).where(
        Membership.cohort_id == cohort_id, Membership.role == Role.PARTICIPANT
    )


# What each row of the activity query counts.
ATTENDANCE, REFLECTIONS, ASSESSMENTS, CHALLENGES = 1, 2, 3, 4


def _challenge_moments(cohort_id: Any) -> Subquery:
    """When each of the cohort's challenges was worked on by its owner: recorded, last
    edited, an action, experiment, gain or insight added, or what happened written up."""
    owned = and_(
        ChallengeUpdate.challenge_id == Challenge.id,
        ChallengeUpdate.author_id == Challenge.owner_id,
        Challenge.cohort_id == cohort_id,
    )
    return union_all(
        select(Challenge.id, Challenge.owner_id, Challenge.created_at.label("moment")).where(
            Challenge.cohort_id == cohort_id
        ),
        select(Challenge.id, Challenge.owner_id, Challenge.updated_at).where(
            Challenge.cohort_id == cohort_id
        ),
        select(Challenge.id, Challenge.owner_id, ChallengeUpdate.created_at).where(owned),
        select(Challenge.id, Challenge.owner_id, ChallengeUpdate.outcome_at).where(
            owned, ChallengeUpdate.outcome_at.is_not(None)
        ),
    ).subquery("challenge_moments")


@cache
def _activity_statement(month_count: int) -> CompoundSelect:
    table = _month_table(month_count)
    participants = select(Membership.user_id).where(
        Membership.cohort_id == ONE_COHORT, Membership.role == Role.PARTICIPANT
    )
    attendance = (
        select(
            Attendance.user_id.label("person"),
            table.c.number,
            literal_column(str(ATTENDANCE)).label("measure"),
            func.count().filter(Attendance.present.is_(True)).label("counted"),
            func.count().label("out_of"),
        )
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(table, _in_month(Meeting.starts_at, table))
        .where(Meeting.cohort_id == ONE_COHORT, Attendance.user_id.in_(participants))
        .group_by(Attendance.user_id, table.c.number)
    )
    reflections = (
        select(
            Reflection.author_id,
            table.c.number,
            literal_column(str(REFLECTIONS)),
            func.count().filter(Reflection.visibility != Visibility.PRIVATE),
            func.count(),
        )
        .join(table, _in_month(Reflection.created_at, table))
        .where(
            Reflection.cohort_id == ONE_COHORT,
            Reflection.deleted_at.is_(None),
            Reflection.author_id.in_(participants),
        )
        .group_by(Reflection.author_id, table.c.number)
    )
    assessments = (
        select(
            SelfAssessment.participant_id,
            table.c.number,
            literal_column(str(ASSESSMENTS)),
            func.count(),
            func.count(),
        )
        .join(table, _in_month(SelfAssessment.submitted_at, table))
        .where(SelfAssessment.cohort_id == ONE_COHORT, authz.shared_with_tutors_clause())
        .group_by(SelfAssessment.participant_id, table.c.number)
    )
    moments = _challenge_moments(ONE_COHORT)
    updated = func.count(moments.c.id.distinct())
    challenges = (
        select(
            moments.c.owner_id,
            table.c.number,
            literal_column(str(CHALLENGES)),
            updated,
            updated,
        )
        .join(table, _in_month(moments.c.moment, table))
        .where(moments.c.owner_id.in_(participants))
        .group_by(moments.c.owner_id, table.c.number)
    )
    return union_all(attendance, reflections, assessments, challenges)


def activity(
    db: Session, cohort_id: int, months: list[Month]
) -> dict[tuple[int, int], MonthActivity]:
    """Attendance, reflections written and shared, self-assessments shared and live challenges
    worked on, per participant and month (one query: four grouped selects in a UNION ALL).
    Reflections and challenges are counted, never read: the query selects no title and no
    text."""
    if not months:
        return {}
    found: dict[tuple[int, int], MonthActivity] = {}
    for person, number, measure, counted, out_of in db.execute(
        _activity_statement(len(months)), {"cohort_id": cohort_id, **_month_bounds(months)}
    ):
        entry = found.setdefault((person, number), MonthActivity())
        if measure == ATTENDANCE:
            entry.attended, entry.attendance_recorded = int(counted), int(out_of)
        elif measure == REFLECTIONS:
            entry.reflections, entry.reflections_shared = int(out_of), int(counted)
        elif measure == ASSESSMENTS:
            entry.assessments_shared = int(counted)
        else:
            entry.challenges_updated = int(counted)
    return found


def not_seen_lately(db: Session, cohort_id: int) -> set[int]:
    """Participants recorded as absent from both of the cohort's last two sessions with
    attendance recorded (one query)."""
    recorded = (
        select(Meeting.id)
        .where(
            Meeting.cohort_id == cohort_id,
            Meeting.id.in_(select(Attendance.meeting_id)),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(2)
        .scalar_subquery()
    )
    return set(
        db.scalars(
            select(Attendance.user_id)
            .where(
                Attendance.meeting_id.in_(recorded),
                Attendance.present.is_(False),
                Attendance.user_id.in_(_participant_ids(cohort_id)),
            )
            .group_by(Attendance.user_id)
            .having(func.count() == 2)
        )
    )


def engagement(
    db: Session,
    cohort_id: int,
    months: list[Month],
    participants: list[ParticipantName] | None = None,
    absent: set[int] | None = None,
) -> Engagement:
    """Each participant's activity month by month, and whether they have missed the last two
    sessions (three queries, or one when the caller already knows who takes part and who has
    not been seen)."""
    if participants is None:
        participants = cohort_participants(db, cohort_id)
    if absent is None:
        absent = not_seen_lately(db, cohort_id)
    found = activity(db, cohort_id, months)
    entries = []
    for participant in participants:
        entry = ParticipantEngagement(participant, not_seen_lately=participant.id in absent)
        for number, month in enumerate(months):
            if (participant.id, number) in found:
                entry.months[month.key] = found[(participant.id, number)]
        entries.append(entry)
    return Engagement(months, entries)


# --- Planning the next session from the gaps ---------------------------------------------------


@dataclass(frozen=True)
class SuggestedItem:
    id: int
    slug: str
    kind: str
    title: str
    summary: str
    minutes: int | None


@dataclass
class GapToPlan:
    figures: CapabilityFigures
    items: list[SuggestedItem] = field(default_factory=list)


def gaps_to_plan(
    db: Session, cohort_id: int, figures: list[CapabilityFigures], limit: int = GAPS_TO_PLAN
) -> list[GapToPlan]:
    """The commonest gaps (up to five; none while fewer than 3 participants have shared), each
    with library items that develop it, are not archived and have not been used in any of the
    cohort's sessions (one query). An item that develops several of the gaps is offered once,
    under the commonest."""
    gaps = [
        GapToPlan(figure)
        for figure in commonest_first(figures)
        if not figure.mean_gap.suppressed and (figure.mean_gap.value or 0) > 0
    ][:limit]
    if not gaps:
        return gaps
    used = select(MeetingItem.content_item_id).join(Meeting).where(Meeting.cohort_id == cohort_id)
    rows = db.execute(
        select(content_item_capabilities.c.capability_id, ContentItem)
        .join(ContentItem, ContentItem.id == content_item_capabilities.c.content_item_id)
        .where(
            content_item_capabilities.c.capability_id.in_(
                [gap.figures.capability_id for gap in gaps]
            ),
            ContentItem.archived_at.is_(None),
            ContentItem.id.not_in(used),
        )
        .order_by(*library_order())
        .options(
            load_only(
                ContentItem.slug,
                ContentItem.kind,
                ContentItem.title,
                ContentItem.summary,
                ContentItem.minutes,
            )
        )
    )
    by_capability: dict[int, list[ContentItem]] = {}
    for capability_id, item in rows:
        by_capability.setdefault(capability_id, []).append(item)
    offered: set[int] = set()
    for gap in gaps:
        for item in by_capability.get(gap.figures.capability_id, []):
            if item.id in offered or len(gap.items) >= ITEMS_PER_GAP:
                continue
            offered.add(item.id)
            gap.items.append(
                SuggestedItem(item.id, item.slug, item.kind, item.title, item.summary, item.minutes)
            )
    return gaps


def next_draft_meeting(db: Session, cohort_id: int, now: datetime) -> Meeting | None:
    """The earliest session of the cohort still to start that is a draft (one query)."""
    return db.scalar(
        select(Meeting)
        .where(
            Meeting.cohort_id == cohort_id,
            Meeting.status == MeetingStatus.DRAFT,
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )
