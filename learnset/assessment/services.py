"""Self-assessments and a participant's focus for the month."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, or_, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, load_only, selectinload

from learnset import authz
from learnset.accounts.models import User
from learnset.assessment.models import (
    AssessmentKind,
    AssessmentStatus,
    LearningFocus,
    Rating,
    SelfAssessment,
    rating_reflections,
)
from learnset.cohorts.models import Cohort
from learnset.errors import DomainError
from learnset.framework.models import LEVELS, Capability
from learnset.framework.queries import DomainCapabilities
from learnset.ids import id_in
from learnset.library.models import ContentItem
from learnset.reflections.models import Reflection, reflection_capabilities

# --- Self-assessment ----------------------------------------------------------------------------


class AssessmentError(DomainError):
    """A rule about self-assessment was broken; the message is for the participant."""


class RatingErrors(AssessmentError):
    """Some answers cannot be stored: a message per form field, nothing written."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())))
        self.errors = errors

    def messages(self) -> dict[str | None, str]:
        return dict(self.errors.items())


@dataclass(frozen=True)
class Answer:
    """What the participant said about one capability; levels as given, checked on saving."""

    current: Any
    target: Any
    evidence: str = ""
    change_reason: str = ""
    # Ids of the participant's own reflections offered as evidence, as given.
    reflection_ids: tuple[Any, ...] = ()


MAX_EVIDENCE = 2000
MAX_CHANGE_REASON = 1000
# Said by the form and, for an answer that reached the service another way, by the service.
EVIDENCE_TOO_LONG = f"Evidence must be {MAX_EVIDENCE} characters or fewer"
REASON_TOO_LONG = f"What changed must be {MAX_CHANGE_REASON} characters or fewer"


def in_scope(
    assessment: SelfAssessment, framework: list[DomainCapabilities]
) -> list[DomainCapabilities]:
    """The domains an assessment asks about, each with only the capabilities it rates."""
    parts = []
    for entry in framework:
        chosen = [c for c in entry.capabilities if assessment.covers(c.id)]
        if chosen:
            parts.append(DomainCapabilities(entry.domain, chosen))
    return parts


def _submitted(participant_id: int, cohort_id: int) -> Select[SelfAssessment]:
    return select(SelfAssessment).where(
        SelfAssessment.participant_id == participant_id,
        SelfAssessment.cohort_id == cohort_id,
        SelfAssessment.status == AssessmentStatus.SUBMITTED,
    )


def latest_submitted(db: Session, participant_id: int, cohort_id: int) -> SelfAssessment | None:
    """The participant's most recent submitted assessment in the cohort, with its ratings."""
    return db.scalar(
        _submitted(participant_id, cohort_id)
        .order_by(SelfAssessment.submitted_at.desc(), SelfAssessment.id.desc())
        .limit(1)
        .options(selectinload(SelfAssessment.ratings))
    )


def current_draft(db: Session, participant_id: int, cohort_id: int) -> SelfAssessment | None:
    """The assessment the participant has in progress in the cohort, if any."""
    return db.scalar(
        select(SelfAssessment).where(
            SelfAssessment.participant_id == participant_id,
            SelfAssessment.cohort_id == cohort_id,
            SelfAssessment.status == AssessmentStatus.DRAFT,
        )
    )


def has_baseline(db: Session, participant_id: int, cohort_id: int) -> bool:
    return db.scalar(select(_submitted(participant_id, cohort_id).exists())) or False


def start(
    db: Session,
    participant: User,
    cohort: Cohort,
    now: datetime,
    capability_slugs: list[str] | None = None,
) -> SelfAssessment:
    """Open a draft: the baseline (every capability) first, then check-ins on all or a chosen few.

    A draft already in progress is returned as it is, so starting twice never makes two.
    """
    draft = current_draft(db, participant.id, cohort.id)
    if draft is not None:
        return draft
    baseline_done = has_baseline(db, participant.id, cohort.id)
    scope: list[int] | None = None
    if capability_slugs is not None:
        if not baseline_done:
            raise AssessmentError("Your baseline rates every capability", field="scope")
        scope = _chosen_capabilities(db, capability_slugs)
    draft = SelfAssessment(
        participant_id=participant.id,
        cohort_id=cohort.id,
        kind=AssessmentKind.CHECK_IN if baseline_done else AssessmentKind.BASELINE,
        scope=scope,
        started_at=now,
        updated_at=now,
    )
    try:
        # Two tabs starting at once: the partial unique index lets only one draft through.
        with db.begin_nested():
            db.add(draft)
            db.flush()
    except IntegrityError:
        existing = current_draft(db, participant.id, cohort.id)
        if existing is None:
            raise
        return existing
    return draft


def _chosen_capabilities(db: Session, slugs: list[str]) -> list[int]:
    if not slugs:
        raise AssessmentError("Choose at least one capability to rate", field="capabilities")
    found = dict(
        db.execute(
            select(Capability.slug, Capability.id).where(
                Capability.slug.in_(slugs), Capability.archived_at.is_(None)
            )
        ).all()
    )
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise AssessmentError("Choose capabilities from the list", field="capabilities")
    return sorted(set(found.values()))


def _level(value: Any) -> int | None:
    try:
        level = int(value)
    except (TypeError, ValueError):
        return None
    return level if level in LEVELS and str(value).strip() == str(level) else None


def _require_draft(assessment: SelfAssessment) -> None:
    if not assessment.is_draft:
        raise AssessmentError("This has already been submitted and can no longer be changed")


def save_answers(
    db: Session, assessment: SelfAssessment, answers: dict[str, Answer], now: datetime
) -> None:
    """Store a draft's answers: each for a capability it rates, levels 1 to 5, evidence from the
    participant's own log; all or nothing."""
    _require_draft(assessment)
    capabilities = {
        capability.slug: capability
        for capability in db.scalars(
            select(Capability).where(
                Capability.slug.in_(list(answers)), Capability.archived_at.is_(None)
            )
        )
    }
    reflections = _own_reflections(db, assessment.participant, answers.values())
    errors: dict[str, str] = {}
    checked: dict[int, tuple[int, int, Answer, list[Reflection]]] = {}
    for slug, answer in answers.items():
        capability = capabilities.get(slug)
        if capability is None or not assessment.covers(capability.id):
            errors[f"{slug}-current"] = "Choose capabilities from the framework"
            continue
        current, target = _level(answer.current), _level(answer.target)
        if current is None:
            errors[f"{slug}-current"] = (
                f"Choose where you are now, from 1 to 5, for {capability.name}"
            )
        if target is None:
            errors[f"{slug}-target"] = (
                f"Choose where you want to be, from 1 to 5, for {capability.name}"
            )
        if len(answer.evidence) > MAX_EVIDENCE:
            errors[f"{slug}-evidence"] = EVIDENCE_TOO_LONG
        if len(answer.change_reason) > MAX_CHANGE_REASON:
            errors[f"{slug}-reason"] = REASON_TOO_LONG
        linked = [reflections.get(str(given).strip()) for given in answer.reflection_ids]
        if None in linked:
            errors[f"{slug}-reflections"] = "Choose reflections from your own log"
        if current is not None and target is not None:
            checked[capability.id] = (current, target, answer, [r for r in linked if r])
    if errors:
        raise RatingErrors(errors)
    existing = {rating.capability_id: rating for rating in assessment.ratings}
    for capability_id, (current, target, answer, chosen) in checked.items():
        rating = existing.get(capability_id)
        if rating is None:
            rating = Rating(capability_id=capability_id)
            assessment.ratings.append(rating)
        rating.current_level, rating.target_level = current, target
        rating.evidence = answer.evidence.strip()
        rating.change_reason = answer.change_reason.strip()
        rating.reflections = chosen
        rating.carried_forward = False
    assessment.updated_at = now
    db.flush()


def _own_reflections(
    db: Session, participant: User, answers: Iterable[Answer]
) -> dict[str, Reflection]:
    """The participant's own reflections (not in the bin) among those the answers name, by id."""
    named = (id_in(str(given).strip()) for answer in answers for given in answer.reflection_ids)
    ids = {given for given in named if given is not None}
    if not ids:
        return {}
    found = db.scalars(authz.own_reflections(participant).where(Reflection.id.in_(ids)))
    return {str(reflection.id): reflection for reflection in found}


def evidence_options(
    db: Session, assessment: SelfAssessment, capabilities: list[Capability]
) -> dict[int, list[Reflection]]:
    """For each capability, the participant's reflections in this cohort tagged with it, and any
    already linked to its rating, newest first (one query)."""
    ids = [capability.id for capability in capabilities]
    tagged = select(
        reflection_capabilities.c.capability_id, reflection_capabilities.c.reflection_id
    ).where(reflection_capabilities.c.capability_id.in_(ids))
    already_linked = (
        select(Rating.capability_id, rating_reflections.c.reflection_id)
        .join(rating_reflections, rating_reflections.c.rating_id == Rating.id)
        .where(Rating.assessment_id == assessment.id, Rating.capability_id.in_(ids))
    )
    pairs = union(tagged, already_linked).subquery()
    own = authz.own_reflections(assessment.participant).with_only_columns(Reflection.id)
    rows = db.execute(
        select(pairs.c.capability_id, Reflection)
        .join(Reflection, Reflection.id == pairs.c.reflection_id)
        .where(
            Reflection.id.in_(own),
            or_(Reflection.cohort_id == assessment.cohort_id, Reflection.cohort_id.is_(None)),
        )
        .order_by(Reflection.experienced_on.desc(), Reflection.id.desc())
        .options(load_only(Reflection.id, Reflection.title, Reflection.experienced_on))
    )
    options: dict[int, list[Reflection]] = {capability_id: [] for capability_id in ids}
    for capability_id, reflection in rows:
        options[capability_id].append(reflection)
    return options


def linked_reflections(
    db: Session, assessment: SelfAssessment, viewer: User
) -> dict[int, list[Reflection]]:
    """The reflections linked to each rating (by capability id) that the viewer may read: the
    participant sees their own; a tutor only those shared with them (one query)."""
    rows = db.execute(
        select(Rating.capability_id, Reflection)
        .join(rating_reflections, rating_reflections.c.rating_id == Rating.id)
        .join(Reflection, Reflection.id == rating_reflections.c.reflection_id)
        .where(
            Rating.assessment_id == assessment.id,
            Reflection.id.in_(authz.visible_reflections(viewer).with_only_columns(Reflection.id)),
        )
        .order_by(Reflection.experienced_on.desc(), Reflection.id.desc())
        .options(load_only(Reflection.id, Reflection.title, Reflection.experienced_on))
    )
    linked: dict[int, list[Reflection]] = {}
    for capability_id, reflection in rows:
        linked.setdefault(capability_id, []).append(reflection)
    return linked


def draft_ratings(db: Session, assessment: SelfAssessment) -> dict[int, Rating]:
    """A draft's answers so far, by capability id, with the reflections linked to each."""
    ratings = db.scalars(
        select(Rating)
        .where(Rating.assessment_id == assessment.id)
        .options(selectinload(Rating.reflections).load_only(Reflection.id))
    )
    return {rating.capability_id: rating for rating in ratings}


def unanswered(assessment: SelfAssessment, framework: list[DomainCapabilities]) -> list[Capability]:
    """The capabilities the draft still has to rate before it can be submitted."""
    answered = {rating.capability_id for rating in assessment.ratings}
    return [
        capability
        for entry in in_scope(assessment, framework)
        for capability in entry.capabilities
        if capability.id not in answered
    ]


def submit(
    db: Session,
    assessment: SelfAssessment,
    shared_with_tutors: bool,
    framework: list[DomainCapabilities],
    now: datetime,
) -> SelfAssessment:
    """Submit a draft with every capability it asks about rated; the rest carry forward."""
    _require_draft(assessment)
    missing = unanswered(assessment, framework)
    if missing:
        raise AssessmentError(f"Rate {missing[0].name} before you submit")
    previous = latest_submitted(db, assessment.participant_id, assessment.cohort_id)
    rated = {rating.capability_id for rating in assessment.ratings}
    for earlier in previous.ratings if previous else []:
        if earlier.capability_id in rated:
            continue
        assessment.ratings.append(
            Rating(
                capability_id=earlier.capability_id,
                current_level=earlier.current_level,
                target_level=earlier.target_level,
                carried_forward=True,
            )
        )
    assessment.shared_with_tutors = shared_with_tutors
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.updated_at = now
    db.flush()
    return assessment


def discard(db: Session, assessment: SelfAssessment) -> None:
    """Throw away a draft and its answers; submitted assessments stay."""
    _require_draft(assessment)
    db.delete(assessment)
    db.flush()


def set_sharing(db: Session, assessment: SelfAssessment, shared_with_tutors: bool) -> None:
    """Share a submitted assessment with the cohort's tutors, or stop sharing it, at any time."""
    if assessment.is_draft:
        raise AssessmentError("Submit this before you share it")
    assessment.shared_with_tutors = shared_with_tutors
    db.flush()


def previous_ratings(
    db: Session, assessment: SelfAssessment, as_tutors_see_it: bool = False
) -> dict[int, Rating]:
    """The ratings of the last assessment submitted before this one, by capability id; as tutors
    see it, the last one shared with them, so nothing kept private shows through a comparison."""
    query = _submitted(assessment.participant_id, assessment.cohort_id).where(
        SelfAssessment.id != assessment.id
    )
    if assessment.submitted_at is not None:
        query = query.where(SelfAssessment.submitted_at < assessment.submitted_at)
    if as_tutors_see_it:
        query = query.where(authz.shared_with_tutors_clause())
    earlier = db.scalar(
        query.order_by(SelfAssessment.submitted_at.desc(), SelfAssessment.id.desc())
        .limit(1)
        .options(selectinload(SelfAssessment.ratings))
    )
    return {rating.capability_id: rating for rating in earlier.ratings} if earlier else {}


# --- A personal focus for the month -------------------------------------------------------------


def current_focus(db: Session, participant_id: int, cohort_id: int) -> LearningFocus | None:
    return db.scalar(
        select(LearningFocus)
        .where(LearningFocus.participant_id == participant_id, LearningFocus.cohort_id == cohort_id)
        .options(joinedload(LearningFocus.content_item), joinedload(LearningFocus.capability))
    )


def pin_focus(
    db: Session,
    participant: User,
    cohort: Cohort,
    item_slug: str,
    capability_slug: str | None,
    now: datetime,
) -> LearningFocus:
    """Pin a library item as this month's focus; one per participant and cohort, so it replaces."""
    item = db.scalar(
        select(ContentItem).where(ContentItem.slug == item_slug, ContentItem.archived_at.is_(None))
    )
    if item is None:
        raise AssessmentError("Choose something from the library to focus on")
    capability = None
    if capability_slug:
        capability = db.scalar(
            select(Capability).where(
                Capability.slug == capability_slug, Capability.archived_at.is_(None)
            )
        )
        if capability is None or capability not in item.capabilities:
            raise AssessmentError(f"{item.title} does not develop that capability")
    focus = current_focus(db, participant.id, cohort.id)
    if focus is None:
        focus = LearningFocus(participant_id=participant.id, cohort_id=cohort.id)
        db.add(focus)
    focus.content_item = item
    focus.capability = capability
    focus.chosen_at = now
    db.flush()
    return focus


def clear_focus(db: Session, participant: User, cohort: Cohort) -> None:
    """Unpin the participant's focus in the cohort, if they have one."""
    db.execute(
        delete(LearningFocus).where(
            LearningFocus.participant_id == participant.id, LearningFocus.cohort_id == cohort.id
        )
    )
    db.flush()
