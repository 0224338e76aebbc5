"""How a participant's capabilities have moved: gaps, history and the summaries that show them.

Every page here reads a participant's ratings with one query (plus one for the framework), so
the page costs the same after a year of check-ins as after the baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, and_, bindparam, func, select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.assessment.models import (
    AssessmentKind,
    AssessmentStatus,
    HasAssessmentKind,
    LearningFocus,
    Rating,
    SelfAssessment,
)
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.db import COHORTS, PERSON, plain_rows, shared_alias
from learnset.framework.models import Capability, CapabilityDomain, Levels
from learnset.framework.queries import (
    DomainCapabilities,
    DomainNames,
    NamedCapability,
    NamedDomain,
)
from learnset.library.models import ContentItem


class RatingPoint(NamedTuple):
    """One capability's rating in one submitted assessment (a tuple: a page makes hundreds)."""

    assessment_id: int
    kind: str
    submitted_at: datetime
    current: int
    target: int
    carried_forward: bool
    evidence: str
    change_reason: str


@dataclass
class CapabilityProgress:
    # The capability, or only its names where the page shows no more (`framework_names`).
    capability: Capability | NamedCapability
    # Every rating, oldest first; or none, where a page needs only where the capability
    # stands, and the first, the latest and when it was last rated afresh (`standing`).
    history: list[RatingPoint] = field(default_factory=list)
    first_point: RatingPoint | None = None
    latest_point: RatingPoint | None = None
    rated_at: datetime | None = None

    @property
    def first(self) -> RatingPoint | None:
        return self.history[0] if self.history else self.first_point

    @property
    def latest(self) -> RatingPoint | None:
        return self.history[-1] if self.history else self.latest_point

    @property
    def current(self) -> int | None:
        latest = self.latest
        return latest.current if latest else None

    @property
    def target(self) -> int | None:
        latest = self.latest
        return latest.target if latest else None

    @property
    def gap(self) -> int | None:
        """How far the target is from where the participant is now (negative: beyond it)."""
        latest = self.latest
        return latest.target - latest.current if latest else None

    @property
    def movement(self) -> int | None:
        """How far the current level has moved since the first assessment shown."""
        first, latest = self.first, self.latest
        if first is None or latest is None:
            return None
        return latest.current - first.current

    @property
    def last_rated_at(self) -> datetime | None:
        """When the participant last rated it afresh, not counting carried-forward copies."""
        if not self.history:
            return self.rated_at
        rated = [point.submitted_at for point in self.history if not point.carried_forward]
        return rated[-1] if rated else None


@dataclass
class DomainProgress:
    domain: CapabilityDomain | NamedDomain
    capabilities: list[CapabilityProgress] = field(default_factory=list)


@dataclass(frozen=True)
class AssessmentSummary(HasAssessmentKind):
    id: int
    kind: str
    submitted_at: datetime
    shared_with_tutors: bool
    rated: int


@dataclass
class Progress:
    """A participant's submitted assessments in a cohort and each capability's path through them."""

    domains: list[DomainProgress]
    # Oldest first.
    assessments: list[AssessmentSummary]

    @property
    def capabilities(self) -> list[CapabilityProgress]:
        return [entry for domain in self.domains for entry in domain.capabilities]

    @property
    def first(self) -> AssessmentSummary | None:
        return self.assessments[0] if self.assessments else None

    @property
    def latest(self) -> AssessmentSummary | None:
        return self.assessments[-1] if self.assessments else None

    def by_gap(self) -> list[CapabilityProgress]:
        """Rated capabilities, largest gap first (framework order among equals), then unrated."""
        gaps = [(entry.gap, entry) for entry in self.capabilities]
        rated = [(gap, entry) for gap, entry in gaps if gap is not None]
        unrated = [entry for gap, entry in gaps if gap is None]
        return [entry for _, entry in sorted(rated, key=lambda pair: -pair[0])] + unrated

    def top_gaps(self, limit: int = 3) -> list[CapabilityProgress]:
        """The capabilities furthest from their targets: what to work on next."""
        return [entry for entry in self.by_gap() if (entry.gap or 0) > 0][:limit]

    def capability(self, slug: str) -> CapabilityProgress | None:
        return next((e for e in self.capabilities if e.capability.slug == slug), None)


# A rating with its assessment, as `RatingPoint` takes them (after the id and capability).
RATING_COLUMNS = (
    SelfAssessment.id,
    SelfAssessment.kind,
    SelfAssessment.submitted_at,
    SelfAssessment.shared_with_tutors,
    Rating.capability_id,
    Rating.current_level,
    Rating.target_level,
    Rating.carried_forward,
    Rating.evidence,
    Rating.change_reason,
)


@cache
def _ratings(as_tutors_see_it: bool) -> Select[*tuple[Any, ...]]:
    """Built once for each view: a participant's submitted ratings in a cohort, oldest first."""
    query = (
        select(*RATING_COLUMNS)
        .join(Rating, Rating.assessment_id == SelfAssessment.id)
        .where(
            SelfAssessment.participant_id == PERSON,
            SelfAssessment.cohort_id == bindparam("cohort_id", type_=Integer),
            SelfAssessment.status == AssessmentStatus.SUBMITTED,
        )
        .order_by(SelfAssessment.submitted_at, SelfAssessment.id)
    )
    if as_tutors_see_it:
        query = query.where(authz.shared_with_tutors_clause())
    return query


def empty_domains(framework: Sequence[DomainCapabilities | DomainNames]) -> list[DomainProgress]:
    """Each domain of the framework with its capabilities, none rated yet."""
    return [
        DomainProgress(entry.domain, [CapabilityProgress(c) for c in entry.capabilities])
        for entry in framework
    ]


@cache
def _one_capability() -> Select[*tuple[Any, ...]]:
    """Built once: one capability's ratings in a participant's submitted assessments."""
    return _ratings(False).where(Rating.capability_id == bindparam("capability_id", type_=Integer))


def capability_history(
    db: Session, participant_id: int, cohort_id: int, capability: Capability
) -> CapabilityProgress:
    """One capability's path through a participant's submitted assessments in a cohort: the
    capability's own page reads its few ratings rather than the whole framework's."""
    values = {"person_id": participant_id, "cohort_id": cohort_id, "capability_id": capability.id}
    entry = CapabilityProgress(capability)
    for row in db.execute(_one_capability(), values):
        assessment_id, kind, submitted_at, _shared, _capability_id, *rating = row
        entry.history.append(RatingPoint(assessment_id, kind, submitted_at, *rating))
    return entry


def progress(
    db: Session,
    participant_id: int,
    cohort_id: int,
    framework: list[DomainCapabilities],
    as_tutors_see_it: bool = False,
) -> Progress:
    """A participant's progress in a cohort; as tutors see it, only what is shared with them."""
    domains = empty_domains(framework)
    histories = {
        entry.capability.id: entry.history for domain in domains for entry in domain.capabilities
    }
    assessments: dict[int, tuple[str, datetime, bool]] = {}
    rated: dict[int, int] = {}
    rows = db.execute(
        _ratings(as_tutors_see_it), {"person_id": participant_id, "cohort_id": cohort_id}
    )
    # A year of monthly check-ins over the framework is hundreds of rows: plain tuples, read
    # by position, and no attribute lookups in the loop.
    for (
        assessment_id,
        kind,
        submitted_at,
        shared,
        capability_id,
        current,
        target,
        carried_forward,
        evidence,
        change_reason,
    ) in rows:
        if assessment_id not in assessments:
            assessments[assessment_id] = (kind, submitted_at, shared)
            rated[assessment_id] = 0
        if not carried_forward:
            rated[assessment_id] += 1
        history = histories.get(capability_id)
        if history is not None:
            history.append(
                RatingPoint(
                    assessment_id,
                    kind,
                    submitted_at,
                    current,
                    target,
                    carried_forward,
                    evidence,
                    change_reason,
                )
            )
    summaries = [
        AssessmentSummary(id_, kind, submitted_at, shared, rated[id_])
        for id_, (kind, submitted_at, shared) in assessments.items()
    ]
    return Progress(domains, summaries)


# --- The home page ------------------------------------------------------------------------------


class CapabilityName(NamedTuple):
    """What a line about a capability shows and links by: no need for the whole capability."""

    slug: str
    name: str


@dataclass(frozen=True)
class GapLine(Levels):
    capability: CapabilityName


class DraftAssessment(NamedTuple):
    """A self-assessment in progress, as the pages that invite its writer back show it."""

    id: int
    kind: str
    started_at: datetime

    @property
    def label(self) -> str:
        return AssessmentKind(self.kind).label


class ItemName(NamedTuple):
    slug: str
    title: str


class Focus(NamedTuple):
    """A participant's learning focus as the pages show it: the item's and capability's names."""

    content_item_id: int
    chosen_at: datetime
    content_item: ItemName
    capability: CapabilityName | None


@dataclass
class CohortCapabilities:
    """What the home page says about one cohort's self-assessment, for one participant."""

    cohort: Cohort
    draft: DraftAssessment | None = None
    latest_at: datetime | None = None
    gaps: list[GapLine] = field(default_factory=list)
    focus: Focus | None = None

    def top_gaps(self, limit: int = 3) -> list[GapLine]:
        positive = [line for line in self.gaps if line.gap > 0]
        return sorted(positive, key=lambda line: -line.gap)[:limit]


# Made once: a new alias costs about half a millisecond per request on first use.
_DRAFT, _FOCUS = shared_alias(SelfAssessment), shared_alias(LearningFocus)


@cache
def _drafts_and_focus() -> Select[*tuple[Any, ...]]:
    """Built once: the person's draft assessment and learning focus in each of the cohorts, as
    the columns the pages show (a cohort's row has NULLs where there is neither)."""
    draft, focus = _DRAFT, _FOCUS
    return (
        select(
            Cohort.id,
            draft.id,
            draft.kind,
            draft.started_at,
            focus.content_item_id,
            focus.chosen_at,
            ContentItem.slug,
            ContentItem.title,
            Capability.slug,
            Capability.name,
        )
        .outerjoin(
            draft,
            and_(
                draft.cohort_id == Cohort.id,
                draft.participant_id == PERSON,
                draft.status == AssessmentStatus.DRAFT,
            ),
        )
        .outerjoin(focus, and_(focus.cohort_id == Cohort.id, focus.participant_id == PERSON))
        .outerjoin(ContentItem, ContentItem.id == focus.content_item_id)
        .outerjoin(Capability, Capability.id == focus.capability_id)
        .where(Cohort.id.in_(COHORTS))
    )


def _draft_and_focus_of(row: Any) -> tuple[DraftAssessment | None, Focus | None]:
    """The draft and focus in a row of _drafts_and_focus (its columns after the cohort's id)."""
    draft_id, kind, started_at, item_id, chosen_at, slug, title, capability_slug, name = row[1:10]
    draft = DraftAssessment(draft_id, kind, started_at) if draft_id is not None else None
    if item_id is None:
        return draft, None
    capability = CapabilityName(capability_slug, name) if capability_slug is not None else None
    return draft, Focus(item_id, chosen_at, ItemName(slug, title), capability)


def draft_and_focus(
    db: Session, participant_id: int, cohort_id: int
) -> tuple[DraftAssessment | None, Focus | None]:
    """The participant's draft assessment and learning focus in a cohort (one statement)."""
    values = {"person_id": participant_id, "cohort_ids": [cohort_id]}
    row = plain_rows(db, _drafts_and_focus(), values).first()
    return _draft_and_focus_of(row) if row else (None, None)


@cache
def _home_capabilities() -> Select[*tuple[Any, ...]]:
    """Built once (every participant's home page runs it): for each of the cohorts, the draft
    and the focus, then the ratings of the person's latest submitted assessment, a row each
    (or one row with NULLs where there are none)."""
    newest_first = (
        func.row_number()
        .over(
            partition_by=SelfAssessment.cohort_id,
            order_by=(SelfAssessment.submitted_at.desc(), SelfAssessment.id.desc()),
        )
        .label("newest_first")
    )
    latest = (
        select(
            SelfAssessment.id, SelfAssessment.cohort_id, SelfAssessment.submitted_at, newest_first
        )
        .where(
            SelfAssessment.participant_id == PERSON,
            SelfAssessment.cohort_id.in_(COHORTS),
            SelfAssessment.status == AssessmentStatus.SUBMITTED,
        )
        .subquery()
    )
    rated = (
        select(
            latest.c.cohort_id,
            latest.c.submitted_at,
            Capability.slug,
            Capability.name,
            Rating.current_level,
            Rating.target_level,
            CapabilityDomain.position.label("domain_position"),
            Capability.position,
            Capability.id,
        )
        .join(Rating, Rating.assessment_id == latest.c.id)
        .join(
            Capability,
            and_(Capability.id == Rating.capability_id, Capability.archived_at.is_(None)),
        )
        .join(CapabilityDomain, CapabilityDomain.id == Capability.domain_id)
        .where(latest.c.newest_first == 1)
        .subquery()
    )
    return (
        _drafts_and_focus()
        .add_columns(
            rated.c.submitted_at,
            rated.c.slug,
            rated.c.name,
            rated.c.current_level,
            rated.c.target_level,
        )
        .outerjoin(rated, rated.c.cohort_id == Cohort.id)
        .order_by(Cohort.id, rated.c.domain_position, rated.c.position, rated.c.id)
    )


def home_summaries(db: Session, user: User) -> list[CohortCapabilities]:
    """For each cohort the user takes part in: a draft, the latest gaps, the focus (one
    statement, whatever the number of cohorts)."""
    cohorts = authz.cohorts_as(db, user, Role.PARTICIPANT)
    if not cohorts:
        return []
    summaries = {cohort.id: CohortCapabilities(cohort) for cohort in cohorts}
    values = {"person_id": user.id, "cohort_ids": list(summaries)}
    read: set[int] = set()
    for row in plain_rows(db, _home_capabilities(), values):
        summary = summaries[row[0]]
        if row[0] not in read:  # the draft and the focus repeat on each of a cohort's rows
            read.add(row[0])
            summary.draft, summary.focus = _draft_and_focus_of(row)
        submitted_at, slug, name, current, target = row[10:]
        if slug is not None:
            summary.latest_at = submitted_at
            summary.gaps.append(GapLine(current, target, CapabilityName(slug, name)))
    return list(summaries.values())


# --- What tutors see ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantSharing:
    participant: User
    shared: int
    last_shared_at: datetime | None


def sharing_by_participant(db: Session, cohort: Cohort) -> list[ParticipantSharing]:
    """Each participant of a cohort with how many assessments they shared with tutors, and when.

    Only shared assessments count: one a participant kept to themselves leaves no trace here.
    """
    shared = and_(
        SelfAssessment.participant_id == User.id,
        SelfAssessment.cohort_id == cohort.id,
        authz.shared_with_tutors_clause(),
    )
    rows = db.execute(
        select(User, func.count(SelfAssessment.id), func.max(SelfAssessment.submitted_at))
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(SelfAssessment, shared)
        .where(Membership.cohort_id == cohort.id, Membership.role == Role.PARTICIPANT)
        .group_by(User.id)
        .order_by(User.name, User.id)
    )
    return [ParticipantSharing(user, count, last) for user, count, last in rows]
