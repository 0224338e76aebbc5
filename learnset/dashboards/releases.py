"""Cohort figures are released, not live (DESIGN §3).

Everything a cohort's figures say (the means, the spread of levels, who has a gap, growth month
by month, the programme view) is worked out once, at a release, stored as aggregates that are
already suppressed, and shown unchanged until the next release. A release is made when a
check-in round closes (the set's next session starts) or when a tutor asks, and only when at
least 3 participants have shared a check-in since the release before. So a participant who
checks in, changes their ratings, stops sharing or leaves moves nothing anyone else sees, and no
release differs from the one before by one person's ratings alone.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, Text, cast, func, select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.assessment.models import FigureRelease, SelfAssessment
from learnset.cohorts.models import Cohort
from learnset.dashboards.cohort_figures import (
    CapabilityFigures,
    DomainFigures,
    Growth,
    GrowthPoint,
    Sharing,
    capability_figures,
    domain_figures,
    growth,
    sharing,
)
from learnset.dashboards.figures import (
    MIN_RESPONSES,
    SUPPRESSED,
    Distribution,
    Figure,
    whole_or_hidden,
)
from learnset.dashboards.kept import Kept
from learnset.dashboards.months import Month, months_between
from learnset.dashboards.participants import ONE_COHORT
from learnset.dashboards.report_release import count_for_release
from learnset.db import COHORTS, plain_rows
from learnset.framework.queries import DomainCapabilities, NamedFramework
from learnset.meetings.models import Meeting, MeetingStatus

FORMAT = 1


class ReleaseReason(enum.StrEnum):
    ROUND_CLOSED = "round-closed"
    TUTOR = "tutor"


@dataclass(frozen=True)
class ReleasedFigures:
    """A cohort's figures as last released; all suppressed, with no date, before the first."""

    released_at: datetime | None
    sharing: Sharing
    domains: list[DomainFigures]
    capabilities: list[CapabilityFigures]
    growth: Growth
    # What they were read from (`latest_figures`), for keeping what pages make of them; None
    # when read for one request only. Not a figure.
    key: Any = field(default=None, compare=False, repr=False)


# --- Storing figures as JSON and reading them back -------------------------------------------


def _figure(figure: Figure) -> list[Any]:
    value = str(figure.value) if isinstance(figure.value, Decimal) else figure.value
    return [value, figure.responses]


def _read_figure(stored: Any) -> Figure:
    if not stored or stored[1] is None:
        return SUPPRESSED
    value, responses = stored
    return Figure(Decimal(value) if isinstance(value, str) else value, responses)


def _means(figures: CapabilityFigures | DomainFigures) -> dict[str, Any]:
    return {
        "baseline": _figure(figures.baseline),
        "latest": _figure(figures.latest),
        "change": _figure(figures.change),
    }


def _to_json(
    shared: Sharing,
    domains: list[DomainFigures],
    capabilities: list[CapabilityFigures],
    grown: Growth,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "sharing": {
            "participants": shared.participants,
            "months": [month.key for month in shared.months],
        },
        "domains": {str(domain.domain_id): _means(domain) for domain in domains},
        "capabilities": {
            str(figures.capability_id): {
                **_means(figures),
                "distribution": [figures.distribution.counts, figures.distribution.responses],
                "with_gap": _figure(figures.with_gap),
                "mean_gap": _figure(figures.mean_gap),
            }
            for figures in capabilities
        },
        "growth": {
            point.month.key: {
                str(domain_id): _figure(figure) for domain_id, figure in point.by_domain.items()
            }
            for point in grown.points
        },
    }


def _month(key: str) -> Month:
    year, month = key.split("-")
    return Month(date(int(year), int(month), 1))


def _read_sharing(stored: dict[str, Any]) -> Sharing:
    keys = stored.get("months") or []
    months = months_between(_month(keys[0]).first_day, _month(keys[-1]).first_day) if keys else []
    return Sharing(int(stored.get("participants") or 0), months)


def released_figures(release: FigureRelease | None, framework: NamedFramework) -> ReleasedFigures:
    """The figures of a release laid over today's framework: a capability or domain the release
    did not cover shows as suppressed."""
    if release is None:
        return _read_figures({}, None, framework)
    return _read_figures(release.figures, release.released_at, framework)


def _read_figures(
    stored: dict[str, Any], released_at: datetime | None, framework: NamedFramework
) -> ReleasedFigures:
    capabilities_stored = stored.get("capabilities", {})
    capabilities = []
    for entry in framework:
        for capability in entry.capabilities:
            found = capabilities_stored.get(str(capability.id), {})
            counts, responses = found.get("distribution") or (None, None)
            capabilities.append(
                CapabilityFigures(
                    capability.id,
                    capability.slug,
                    capability.name,
                    entry.domain.name,
                    _read_figure(found.get("baseline")),
                    _read_figure(found.get("latest")),
                    _read_figure(found.get("change")),
                    # Released before spreads were shown whole or not at all: read as now.
                    Distribution(
                        whole_or_hidden(counts) if counts is not None else None, responses
                    ),
                    _read_figure(found.get("with_gap")),
                    _read_figure(found.get("mean_gap")),
                )
            )
    shared = _read_sharing(stored.get("sharing", {}))
    growth_stored = stored.get("growth", {})
    points = [
        GrowthPoint(
            month,
            {
                entry.domain.id: _read_figure(
                    growth_stored.get(month.key, {}).get(str(entry.domain.id))
                )
                for entry in framework
            },
        )
        for month in shared.months
    ]
    return ReleasedFigures(
        released_at,
        shared,
        released_domains(stored.get("domains"), framework),
        capabilities,
        Growth([(entry.domain.id, entry.domain.name) for entry in framework], points),
    )


def released_domains(domains: Any, framework: NamedFramework) -> list[DomainFigures]:
    """The domains' part of a release's figures (as `released_figures` reads it) laid over
    today's framework: what the programme report shows of each set's growth."""
    domains = domains or {}
    found = []
    for entry in framework:
        means = domains.get(str(entry.domain.id), {})
        found.append(
            DomainFigures(
                entry.domain.id,
                entry.domain.name,
                _read_figure(means.get("baseline")),
                _read_figure(means.get("latest")),
                _read_figure(means.get("change")),
            )
        )
    return found


def released_changes(
    release: FigureRelease | None, framework: list[DomainCapabilities]
) -> dict[int, Figure]:
    """Only the change in each domain's mean, as `released_figures` reads it: what the
    programme view shows for every set, without reading each set's whole release."""
    stored: dict[str, Any] = release.figures if release is not None else {}
    return _domain_changes(stored.get("domains"), framework)


def _domain_changes(domains: Any, framework: list[DomainCapabilities]) -> dict[int, Figure]:
    domains = domains or {}
    return {
        entry.domain.id: _read_figure(domains.get(str(entry.domain.id), {}).get("change"))
        for entry in framework
    }


def _framework_key(framework: NamedFramework) -> tuple[Any, ...]:
    # What `released_figures` reads of the framework.
    return tuple(
        (
            entry.domain.id,
            entry.domain.name,
            tuple((found.id, found.slug, found.name) for found in entry.capabilities),
        )
        for entry in framework
    )


@cache
def _latest_figures_statement() -> Select[int, datetime, str]:
    # The figures as their JSON text: read back only when this worker has not read it before.
    return (
        select(FigureRelease.id, FigureRelease.released_at, cast(FigureRelease.figures, Text))
        .where(FigureRelease.cohort_id == ONE_COHORT)
        .order_by(FigureRelease.released_at.desc(), FigureRelease.id.desc())
        .limit(1)
    )


# Releases already read back, as `released_figures` lays them over the framework: only
# released, already suppressed aggregates, never a person's ratings. A release never changes
# once made, and the key holds the release's id, moment and stored text and the framework's
# names, so a new release or a renamed capability is read afresh in every worker at once.
_READ: Kept[ReleasedFigures] = Kept(256)


def latest_figures(db: Session, cohort_id: int, framework: NamedFramework) -> ReleasedFigures:
    """`released_figures` of the cohort's most recent release (one query); each release is read
    back once by each worker and kept (a few hundred: one a learning set), shared by the
    requests that show it, which never change it."""
    row = plain_rows(db, _latest_figures_statement(), {"cohort_id": cohort_id}).first()
    if row is None:
        return released_figures(None, framework)
    key = (*row, _framework_key(framework))
    _release_id, released_at, text = row
    return _READ.get(
        key, lambda: replace(_read_figures(json.loads(text), released_at, framework), key=key)
    )


@dataclass(frozen=True)
class ReleasedChanges:
    released_at: datetime
    # The change in each domain's mean, by domain id (see `released_changes`).
    by_domain: dict[int, Figure]


@cache
def _latest_changes_statement() -> Select[int, datetime, Any]:
    # Built once, bound to the cohorts by their parameter.
    return select(
        FigureRelease.cohort_id, FigureRelease.released_at, FigureRelease.figures["domains"]
    ).where(FigureRelease.id.in_(_newest(COHORTS)))


def latest_released_changes(
    db: Session, cohort_ids: list[int], framework: list[DomainCapabilities]
) -> dict[int, ReleasedChanges]:
    """`released_changes` of each cohort's most recent release, by cohort id (one query that
    reads only the domains' part of each release, not its capabilities and months)."""
    rows = plain_rows(db, _latest_changes_statement(), {"cohort_ids": cohort_ids})
    return {
        cohort_id: ReleasedChanges(released_at, _domain_changes(domains, framework))
        for cohort_id, released_at, domains in rows
    }


# --- Releasing ----------------------------------------------------------------------------------


@cache
def _latest_release_statement() -> Select[FigureRelease]:
    # Built once (every dashboard page asks), bound to a cohort by its parameter.
    return (
        select(FigureRelease)
        .where(FigureRelease.cohort_id == ONE_COHORT)
        .order_by(FigureRelease.released_at.desc(), FigureRelease.id.desc())
        .limit(1)
    )


def latest_release(db: Session, cohort_id: int) -> FigureRelease | None:
    """The cohort's most recent release, if it has had one (one query)."""
    return db.scalar(_latest_release_statement(), {"cohort_id": cohort_id})


def _newest(cohort_ids: Any) -> Any:
    return (
        select(func.max(FigureRelease.id))
        .where(FigureRelease.cohort_id.in_(cohort_ids))
        .group_by(FigureRelease.cohort_id)
    )


def new_contributors(db: Session, cohort_id: int, since: datetime | None) -> int:
    """How many participants have shared a check-in with tutors since `since` (ever, if None)."""
    query = select(func.count(func.distinct(SelfAssessment.participant_id))).where(
        SelfAssessment.cohort_id == cohort_id, authz.shared_with_tutors_clause()
    )
    if since is not None:
        query = query.where(SelfAssessment.submitted_at > since)
    return int(db.scalar(query) or 0)


def release(
    db: Session,
    cohort: Cohort,
    framework: list[DomainCapabilities],
    now: datetime,
    reason: ReleaseReason,
) -> FigureRelease | None:
    """Work out and store the cohort's figures as they are now, if at least 3 participants have
    shared a check-in since the last release; None, and nothing stored, if fewer have."""
    previous = latest_release(db, cohort.id)
    contributors = new_contributors(db, cohort.id, previous.released_at if previous else None)
    if contributors < MIN_RESPONSES:
        return None
    shared = sharing(db, cohort.id)
    figures = _to_json(
        shared,
        domain_figures(db, cohort.id, framework),
        capability_figures(db, cohort.id, framework),
        growth(db, cohort.id, framework, shared.months),
    )
    made = FigureRelease(
        cohort_id=cohort.id,
        released_at=now,
        contributors=contributors,
        reason=reason.value,
        figures=figures,
        report_cells=count_for_release(db, cohort.id),
    )
    db.add(made)
    db.flush()
    return made


def round_closed(db: Session, cohort_id: int, since: datetime | None, now: datetime) -> bool:
    """Whether a check-in round has closed since `since`: one of the set's published sessions
    has started after it (any, before the first release)."""
    query = select(func.count(Meeting.id)).where(
        Meeting.cohort_id == cohort_id,
        Meeting.status == MeetingStatus.PUBLISHED,
        Meeting.starts_at <= now,
    )
    if since is not None:
        query = query.where(Meeting.starts_at > since)
    return bool(db.scalar(query))


@dataclass(frozen=True)
class RoundResult:
    cohort: Cohort
    release: FigureRelease | None


def release_closed_rounds(
    db: Session, framework: list[DomainCapabilities], now: datetime
) -> list[RoundResult]:
    """For cron: release the figures of every cohort whose check-in round has closed since its
    last release; one with too few new check-ins waits for a later run."""
    results = []
    for cohort in db.scalars(select(Cohort).order_by(Cohort.id)):
        previous = latest_release(db, cohort.id)
        if round_closed(db, cohort.id, previous.released_at if previous else None, now):
            made = release(db, cohort, framework, now, ReleaseReason.ROUND_CLOSED)
            results.append(RoundResult(cohort, made))
    return results


def count_latest_releases(db: Session) -> int:
    """Once, after the upgrade that keeps the programme report's counts with each release: keep
    today's counts with each set's latest release made before it; how many were counted."""
    latest = db.scalars(
        select(FigureRelease).where(
            FigureRelease.id.in_(_newest(select(Cohort.id))),
            FigureRelease.report_cells.is_(None),
        )
    )
    counted = 0
    for found in latest:
        found.report_cells = count_for_release(db, found.cohort_id)
        counted += 1
    db.flush()
    return counted
