"""What a writer may link a reflection or a note to: their sets, those sets' sessions, library
items and the framework's capabilities. The statements are built once: the editor and the log's
filter ask them on every request."""

from __future__ import annotations

from functools import cache

from sqlalchemy import ColumnElement, Integer, Select, bindparam, select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Membership, Role
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
        Membership.user_id == bindparam("person_id", type_=Integer),
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


def linkable_items(db: Session, keep: int | None = None) -> list[ContentItem]:
    """Library items in use (not archived), by kind and title, plus one already linked."""
    condition: ColumnElement[bool] = ContentItem.archived_at.is_(None)
    if keep is not None:
        condition = condition | (ContentItem.id == keep)
    query = select(ContentItem).where(condition).order_by(ContentItem.kind, ContentItem.title)
    return list(db.scalars(query))


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
