"""What a writer may link a reflection or a note to: their sets, those sets' sessions, library
items, their own live challenges and the framework's capabilities. The statements are built
once: the editor and the log's filter ask them on every request."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from sqlalchemy import ColumnElement, Integer, Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.db import PERSON
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting, MeetingStatus


def participant_cohorts(db: Session, user: User) -> list[Cohort]:
    """The cohorts the user takes part in: the only ones a reflection can belong to."""
    return authz.cohorts_as(db, user, Role.PARTICIPANT)


@cache
def _linkable_meetings(keeping: bool) -> Select[Meeting]:
    """Built once for each case: published sessions of the person's cohorts, newest first,
    and with `keeping`, the session already linked."""
    cohort_ids = select(Membership.cohort_id).where(
        Membership.user_id == PERSON,
        Membership.role == Role.PARTICIPANT,
    )
    linkable = Meeting.cohort_id.in_(cohort_ids) & (Meeting.status == MeetingStatus.PUBLISHED)
    if keeping:
        linkable = (Meeting.id == bindparam("keep", type_=Integer)) | linkable
    return select(Meeting).where(linkable).order_by(Meeting.starts_at.desc())


def linkable_meetings(db: Session, user: User, keep: int | None = None) -> list[Meeting]:
    """Published sessions of the user's cohorts, newest first, plus one already linked."""
    statement = _linkable_meetings(keep is not None)
    return list(db.scalars(statement, {"person_id": user.id, "keep": keep}))


class LinkableItem(NamedTuple):
    """What the editor's choice of library item needs: not the item's text."""

    id: int
    kind: str
    title: str


@cache
def _linkable_items(keeping: bool) -> Select[int, str, str]:
    condition: ColumnElement[bool] = ContentItem.archived_at.is_(None)
    if keeping:
        condition = condition | (ContentItem.id == bindparam("keep", type_=Integer))
    return (
        select(ContentItem.id, ContentItem.kind, ContentItem.title)
        .where(condition)
        .order_by(ContentItem.kind, ContentItem.title)
    )


def linkable_items(db: Session, keep: int | None = None) -> list[LinkableItem]:
    """Library items in use (not archived), by kind and title, plus one already linked."""
    rows = db.execute(_linkable_items(keep is not None), {"keep": keep})
    return [LinkableItem(id_, kind, title) for id_, kind, title in rows]


@cache
def _framework_capabilities(keeping: bool) -> Select[CapabilityDomain, Capability]:
    """Built once for each case: the current capabilities by domain, and with `keeping`,
    those already claimed."""
    condition: ColumnElement[bool] = Capability.archived_at.is_(None)
    if keeping:
        condition = condition | Capability.id.in_(bindparam("keep", expanding=True))
    return (
        select(CapabilityDomain, Capability)
        .join(Capability.domain)
        .where(condition)
        .order_by(CapabilityDomain.position, CapabilityDomain.id, Capability.position)
    )


def capability_groups(
    db: Session, keep: list[int] | None = None
) -> list[tuple[CapabilityDomain, list[Capability]]]:
    """The framework's current capabilities by domain, plus any already claimed."""
    rows = db.execute(_framework_capabilities(bool(keep)), {"keep": keep or []}).all()
    groups: dict[int, tuple[CapabilityDomain, list[Capability]]] = {}
    for domain, capability in rows:
        groups.setdefault(domain.id, (domain, []))[1].append(capability)
    return list(groups.values())


@cache
def _capability_names() -> Select[int, str]:
    return (
        select(Capability.id, Capability.name)
        .join(Capability.domain)
        .where(Capability.archived_at.is_(None))
        .order_by(CapabilityDomain.position, CapabilityDomain.id, Capability.position)
    )


def capability_names(db: Session) -> list[tuple[int, str]]:
    """The framework's current capabilities' ids and names, in the order of capability_groups:
    a filter's choices."""
    return [(id_, name) for id_, name in db.execute(_capability_names())]


@cache
def _linkable_challenges(keeping: bool) -> Select[Challenge]:
    """Built once for each case: the person's challenges in the sets they take part in, and
    with `keeping`, the one already linked."""
    cohort_ids = select(Membership.cohort_id).where(
        Membership.user_id == PERSON, Membership.role == Role.PARTICIPANT
    )
    condition: ColumnElement[bool] = Challenge.cohort_id.in_(cohort_ids)
    if keeping:
        condition = condition | (Challenge.id == bindparam("keep", type_=Integer))
    return (
        select(Challenge)
        .where(Challenge.owner_id == PERSON, condition)
        .options(joinedload(Challenge.cohort))
        .order_by(Challenge.status == "closed", Challenge.title, Challenge.id)
    )


def linkable_challenges(db: Session, user: User, keep: int | None = None) -> list[Challenge]:
    """The author's own live challenges in the sets they take part in, plus one already linked:
    a reflection can only point at its author's own challenge."""
    values = {"person_id": user.id, "keep": keep}
    return list(db.scalars(_linkable_challenges(keep is not None), values))
