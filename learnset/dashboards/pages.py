"""What each dashboard page shows, put together from the latest release and the live queries.

Figures worked out from ratings come from the cohort's latest release (releases.py); the rest
(who takes part, attendance, gains from live challenges, the next draft session) is live: none
of it carries a rating.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from learnset.challenges import queries as challenge_queries
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.dashboards.cohort_figures import (
    HeatMap,
    heat_map,
)
from learnset.dashboards.engagement import participants_and_absent
from learnset.dashboards.figures import Figure
from learnset.dashboards.participants import ParticipantName
from learnset.dashboards.planning import GapToPlan, gaps_to_plan, next_draft_meeting
from learnset.dashboards.releases import (
    ReleasedFigures,
    latest_figures,
    latest_released_changes,
    released_changes,
)
from learnset.db import COHORTS, plain_rows
from learnset.framework.queries import DomainCapabilities, NamedFramework
from learnset.meetings.models import Attendance, Meeting
from learnset.meetings.queries import Rate
from learnset.pagination import Page, paginate


@dataclass(frozen=True)
class TutorDashboard:
    # The release's figures as read back (`latest_figures`): when, how many shared, the means
    # by domain and capability, and their growth.
    released: ReleasedFigures
    # Only for the cohort's tutors: each participant's ratings as of the release.
    heat_map: HeatMap | None
    participants: list[ParticipantName]
    not_seen_lately: list[ParticipantName]
    gaps_to_plan: list[GapToPlan]
    next_draft: Meeting | None
    gains: dict[str, int]

    @property
    def total_gains(self) -> int:
        return sum(self.gains.values())


def tutor_dashboard(
    db: Session,
    cohort: Cohort,
    framework: NamedFramework,
    now: datetime,
    with_individuals: bool,
    with_plan: bool = True,
) -> TutorDashboard:
    """Everything the tutor's dashboard shows, in a fixed number of queries (six at most);
    without `with_plan` (the exports), no gaps to plan nor next draft (two fewer)."""
    figures = latest_figures(db, cohort.id, framework)
    participants, absent = participants_and_absent(db, cohort.id)
    individuals = None
    if with_individuals and figures.released_at is not None:
        individuals = heat_map(
            db, cohort.id, figures.capabilities, figures.released_at, participants
        )
    return TutorDashboard(
        released=figures,
        heat_map=individuals,
        participants=participants,
        not_seen_lately=[person for person in participants if person.id in absent],
        gaps_to_plan=gaps_to_plan(db, cohort.id, figures.capabilities) if with_plan else [],
        next_draft=next_draft_meeting(db, cohort.id, now) if with_plan else None,
        gains=challenge_queries.set_gain_counts(db, cohort.id),
    )


def set_growth(db: Session, cohort: Cohort, framework: list[DomainCapabilities]) -> ReleasedFigures:
    """The cohort's own view of its growth: released aggregates only (one query)."""
    return latest_figures(db, cohort.id, framework)


# --- The programme across cohorts (admins) --------------------------------------------------------


@dataclass(frozen=True)
class CohortRow:
    cohort_id: int
    name: str
    status: str
    start_month: date | None
    participants: int
    attendance: Rate
    # Mean change since the baseline per domain, by domain id, as last released.
    growth: dict[int, Figure]
    released_at: datetime | None


# Sets a page of the programme view: its rows are wide, and a national programme has hundreds.
SETS_PER_PAGE = 25


@cache
def _programme_statement() -> Select[int, str, str, date | None, int]:
    # Each set's participants counted for the page's rows only, not grouped over every set.
    participants = (
        select(func.count(Membership.id))
        .where(Membership.cohort_id == Cohort.id, Membership.role == Role.PARTICIPANT)
        .correlate(Cohort)
        .scalar_subquery()
    )
    return select(Cohort.id, Cohort.name, Cohort.status, Cohort.start_month, participants).order_by(
        Cohort.start_month.desc(), Cohort.name, Cohort.id
    )


@cache
def _attendance_statement() -> Select[int, int, int]:
    # Places present and places recorded in each of some sets, bound to them by the parameter.
    return (
        select(Meeting.cohort_id, func.count().filter(Attendance.present.is_(True)), func.count())
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Meeting.cohort_id.in_(COHORTS))
        .group_by(Meeting.cohort_id)
    )


def programme(db: Session, framework: list[DomainCapabilities], page: int = 1) -> Page[CohortRow]:
    """One page of cohorts with their size, attendance and released mean growth per domain
    (four queries, whatever the number of cohorts)."""
    cohorts = paginate(db, _programme_statement(), page, per_page=SETS_PER_PAGE, rows=True)
    shown = [row[0] for row in cohorts.items]
    attendance = {
        cohort_id: Rate(int(present or 0), int(recorded))
        for cohort_id, present, recorded in plain_rows(
            db, _attendance_statement(), {"cohort_ids": shown}
        )
    }
    releases = latest_released_changes(db, shown, framework)
    rows = []
    for cohort_id, name, status, start_month, participants in cohorts.items:
        release = releases.get(cohort_id)
        rows.append(
            CohortRow(
                cohort_id,
                name,
                status,
                start_month,
                int(participants or 0),
                attendance.get(cohort_id, Rate(0, 0)),
                release.by_domain if release is not None else released_changes(None, framework),
                release.released_at if release is not None else None,
            )
        )
    return replace(cohorts, items=rows)
