"""What a writer may link a reflection or a note to: their sets, those sets' sessions, library
items, their own live challenges and the framework's capabilities. The statements are built
once: the editor and the log's filter ask them on every request."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import ColumnElement, Integer, Select, bindparam, select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.db import PERSON, plain_rows
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting, MeetingStatus


def participant_cohorts(db: Session, user: User) -> list[Cohort]:
    """The cohorts the user takes part in: the only ones a reflection can belong to."""
    return authz.cohorts_as(db, user, Role.PARTICIPANT)


@cache
def _participant_cohort_names() -> Select[int, str]:
    """Built once: the ids and names of the sets the person takes part in, in cohorts_as's
    order (latest start first)."""
    return (
        select(Cohort.id, Cohort.name)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == PERSON, Membership.role == Role.PARTICIPANT)
        .order_by(Cohort.start_month.desc(), Cohort.name)
    )


def participant_cohort_names(db: Session, user: User) -> dict[int, str]:
    """participant_cohorts' ids and names, read as rows: all the editor needs of them, and
    cheaper than loading the cohorts."""
    return dict(plain_rows(db, _participant_cohort_names(), {"person_id": user.id}).all())


class LinkableMeeting(NamedTuple):
    """What a choice of session needs: not its agenda."""

    id: int
    cohort_id: int
    cohort_name: str
    number: int
    title: str
    starts_at: datetime


@cache
def _linkable_meetings(keeping: bool) -> Select[int, int, str, int, str, datetime]:
    """Built once for each case: published sessions of the person's cohorts, newest first,
    and with `keeping`, the session already linked."""
    cohort_ids = select(Membership.cohort_id).where(
        Membership.user_id == PERSON,
        Membership.role == Role.PARTICIPANT,
    )
    linkable = Meeting.cohort_id.in_(cohort_ids) & (Meeting.status == MeetingStatus.PUBLISHED)
    if keeping:
        linkable = (Meeting.id == bindparam("keep", type_=Integer)) | linkable
    return (
        select(
            Meeting.id,
            Meeting.cohort_id,
            Cohort.name,
            Meeting.number,
            Meeting.title,
            Meeting.starts_at,
        )
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .where(linkable)
        .order_by(Meeting.starts_at.desc())
    )


def linkable_meetings(db: Session, user: User, keep: int | None = None) -> list[LinkableMeeting]:
    """Published sessions of the user's cohorts, newest first, plus one already linked."""
    statement = _linkable_meetings(keep is not None)
    rows = plain_rows(db, statement, {"person_id": user.id, "keep": keep})
    return [LinkableMeeting(*row) for row in rows]


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
    rows = plain_rows(db, _linkable_items(keep is not None), {"keep": keep})
    return [LinkableItem(id_, kind, title) for id_, kind, title in rows]


class Named(NamedTuple):
    """A domain or a capability as the editor shows it: not its levels or descriptions."""

    id: int
    name: str


@cache
def _framework_capabilities(keeping: bool) -> Select[int, str, int, str]:
    """Built once for each case: the current capabilities by domain, and with `keeping`,
    those already claimed."""
    condition: ColumnElement[bool] = Capability.archived_at.is_(None)
    if keeping:
        condition = condition | Capability.id.in_(bindparam("keep", expanding=True))
    return (
        select(CapabilityDomain.id, CapabilityDomain.name, Capability.id, Capability.name)
        .join(Capability.domain)
        .where(condition)
        .order_by(CapabilityDomain.position, CapabilityDomain.id, Capability.position)
    )


def capability_groups(
    db: Session, keep: list[int] | None = None
) -> list[tuple[Named, list[Named]]]:
    """The framework's current capabilities by domain, plus any already claimed."""
    rows = plain_rows(db, _framework_capabilities(bool(keep)), {"keep": keep or []})
    groups: dict[int, tuple[Named, list[Named]]] = {}
    for domain_id, domain_name, capability_id, capability_name in rows:
        group = groups.get(domain_id) or groups.setdefault(
            domain_id, (Named(domain_id, domain_name), [])
        )
        group[1].append(Named(capability_id, capability_name))
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


class LinkableChallenge(NamedTuple):
    """What the editor's choice of challenge needs: not the challenge's story."""

    id: int
    title: str
    cohort_id: int
    cohort_name: str


@cache
def _linkable_challenges(keeping: bool) -> Select[int, str, int, str]:
    """Built once for each case: the person's challenges in the sets they take part in, and
    with `keeping`, the one already linked."""
    cohort_ids = select(Membership.cohort_id).where(
        Membership.user_id == PERSON, Membership.role == Role.PARTICIPANT
    )
    condition: ColumnElement[bool] = Challenge.cohort_id.in_(cohort_ids)
    if keeping:
        condition = condition | (Challenge.id == bindparam("keep", type_=Integer))
    return (
        select(Challenge.id, Challenge.title, Challenge.cohort_id, Cohort.name)
        .join(Cohort, Cohort.id == Challenge.cohort_id)
        .where(Challenge.owner_id == PERSON, condition)
        .order_by(Challenge.status == "closed", Challenge.title, Challenge.id)
    )


def linkable_challenges(
    db: Session, user: User, keep: int | None = None
) -> list[LinkableChallenge]:
    """The author's own live challenges in the sets they take part in, plus one already linked:
    a reflection can only point at its author's own challenge."""
    values = {"person_id": user.id, "keep": keep}
    rows = plain_rows(db, _linkable_challenges(keep is not None), values)
    return [LinkableChallenge(*row) for row in rows]
