"""Taking the log away: Markdown files in a zip and the appraisal portfolio (the person's
whole data is `personal_data`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, Select, bindparam, extract, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort
from learnset.db import PERSON
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting
from learnset.reflections.models import (
    Reflection,
    ReflectionAttachment,
    ReflectionPart,
    reflection_capabilities,
)
from learnset.reflections.structures import STRUCTURES, Structure, joined


def _with_everything(query: Any) -> Any:
    return query.options(
        selectinload(Reflection.parts),
        selectinload(Reflection.capabilities).joinedload(Capability.domain),
        joinedload(Reflection.cohort),
        joinedload(Reflection.meeting),
        joinedload(Reflection.content_item),
        joinedload(Reflection.challenge),
        selectinload(Reflection.attachments),
    )


@dataclass(frozen=True)
class Exported:
    """A reflection as both exports of the log read it, from plain rows: loading the log as
    ORM objects with their parts, links and capabilities made most of the exports' work."""

    id: int
    title: str
    structure: str
    experienced_on: date
    cpd_minutes: int
    visibility: str
    created_at: datetime
    updated_at: datetime
    learning_set: str | None
    meeting: tuple[int, str | None] | None  # its number and title
    item: tuple[str, str] | None  # the library item's kind and title
    challenge: str | None
    text_by_part: dict[str, str]
    capabilities: list[str]  # their names, in the framework's order
    attachments: list[ReflectionAttachment]

    @property
    def structure_spec(self) -> Structure:
        return STRUCTURES[self.structure]

    @property
    def activity(self) -> str:
        return activity_named(self.title, self.learning_set, self.meeting, self.item)

    @property
    def learned(self) -> str:
        return joined(self.text_by_part, self.structure_spec.learned)

    @property
    def will_change(self) -> str:
        return joined(self.text_by_part, self.structure_spec.change)


def with_links(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """A read of reflections joined to what each may point at: its learning set, session,
    library item and live challenge."""
    return (
        query.outerjoin(Cohort, Cohort.id == Reflection.cohort_id)
        .outerjoin(Meeting, Meeting.id == Reflection.meeting_id)
        .outerjoin(ContentItem, ContentItem.id == Reflection.content_item_id)
        .outerjoin(Challenge, Challenge.id == Reflection.challenge_id)
    )


# A period's first and last days, in statements built once.
_FROM = bindparam("date_from", type_=Date)
_TO = bindparam("date_to", type_=Date)


@cache
def _own_log(dated: bool) -> Select[*tuple[Any, ...]]:
    """Built once: the person's reflections outside the bin, with what they point at by name,
    oldest first; `dated`, between `date_from` and `date_to`."""
    query: Select[*tuple[Any, ...]] = authz.own_reflections(PERSON).with_only_columns(
        Reflection.id,
        Reflection.title,
        Reflection.structure,
        Reflection.experienced_on,
        Reflection.cpd_minutes,
        Reflection.visibility,
        Reflection.created_at,
        Reflection.updated_at,
        Cohort.name.label("learning_set"),
        Meeting.id.label("meeting_id"),
        Meeting.number,
        Meeting.title.label("meeting_title"),
        ContentItem.id.label("item_id"),
        ContentItem.kind,
        ContentItem.title.label("item_title"),
        Challenge.title.label("challenge"),
    )
    query = with_links(query).order_by(
        Reflection.experienced_on, Reflection.created_at, Reflection.id
    )
    if dated:
        query = query.where(Reflection.experienced_on >= _FROM, Reflection.experienced_on <= _TO)
    return query


_REFLECTIONS = bindparam("reflection_ids", type_=Integer, expanding=True)


@cache
def _parts() -> Select[int, str, str]:
    return (
        select(ReflectionPart.reflection_id, ReflectionPart.key, ReflectionPart.body)
        .where(ReflectionPart.reflection_id.in_(_REFLECTIONS))
        .order_by(ReflectionPart.position)
    )


@cache
def _capabilities() -> Select[*tuple[Any, ...]]:
    return (
        select(reflection_capabilities.c.reflection_id, Capability.name)
        .select_from(reflection_capabilities)
        .join(Capability, Capability.id == reflection_capabilities.c.capability_id)
        .where(reflection_capabilities.c.reflection_id.in_(_REFLECTIONS))
        .order_by(Capability.position)
    )


@cache
def _attachments() -> Select[ReflectionAttachment]:
    return (
        select(ReflectionAttachment)
        .where(ReflectionAttachment.reflection_id.in_(_REFLECTIONS))
        .order_by(ReflectionAttachment.created_at, ReflectionAttachment.id)
    )


def own_log(db: Session, user: User, period: tuple[date, date] | None = None) -> list[Exported]:
    """The user's own reflections (never anyone else's), oldest first, with their parts'
    text, what they point at, their capabilities and files, in four statements; only those
    dated in `period` (first and last day) if given."""
    date_from, date_to = period or (None, None)
    rows = db.execute(
        _own_log(period is not None),
        {"person_id": user.id, "date_from": date_from, "date_to": date_to},
    ).all()
    if not rows:
        return []
    ids = {"reflection_ids": [row[0] for row in rows]}
    text: dict[int, dict[str, str]] = {}
    for reflection_id, key, body in db.execute(_parts(), ids):
        text.setdefault(reflection_id, {})[key] = body
    names: dict[int, list[str]] = {}
    for reflection_id, name in db.execute(_capabilities(), ids):
        names.setdefault(reflection_id, []).append(name)
    files: dict[int, list[ReflectionAttachment]] = {}
    for attachment in db.scalars(_attachments(), ids):
        files.setdefault(attachment.reflection_id, []).append(attachment)
    return [
        Exported(
            id=row.id,
            title=row.title,
            structure=row.structure,
            experienced_on=row.experienced_on,
            cpd_minutes=row.cpd_minutes,
            visibility=row.visibility,
            created_at=row.created_at,
            updated_at=row.updated_at,
            learning_set=row.learning_set,
            meeting=None if row.meeting_id is None else (row.number, row.meeting_title),
            item=None if row.item_id is None else (row.kind, row.item_title),
            challenge=row.challenge,
            text_by_part=text.get(row.id, {}),
            capabilities=names.get(row.id, []),
            attachments=files.get(row.id, []),
        )
        for row in rows
    ]


def activity_of(reflection: Reflection) -> str:
    """What the reflection was about, as an appraiser would want it named."""
    meeting, item = reflection.meeting, reflection.content_item
    return activity_named(
        reflection.title,
        reflection.cohort.name if reflection.cohort else None,
        (meeting.number, meeting.title) if meeting is not None else None,
        (item.kind, item.title) if item is not None else None,
    )


def activity_named(
    title: str,
    cohort: str | None,
    meeting: tuple[int, str | None] | None,
    item: tuple[str, str] | None,
) -> str:
    pieces = []
    if meeting is not None:
        number, meeting_title = meeting
        pieces.append(
            f"{cohort or 'Learning set'}, session {number}"
            + (f": {meeting_title}" if meeting_title else "")
        )
    if item is not None:
        kind, item_title = item
        pieces.append(f"Library {kind}: {item_title}")
    return "; ".join(pieces) or title


def learned(reflection: Reflection) -> str:
    return joined(reflection.text_by_part, reflection.structure_spec.learned)


def will_change(reflection: Reflection) -> str:
    return joined(reflection.text_by_part, reflection.structure_spec.change)


# --- What both downloads share ---------------------------------------------------------------


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "reflection"


def linked(reflection: Exported) -> dict[str, Any]:
    """What a reflection points at, by name, as both downloads give it."""
    return {
        "learning_set": reflection.learning_set,
        "session": reflection.activity if reflection.meeting else None,
        "library_item": reflection.item[1] if reflection.item else None,
        "live_challenge": reflection.challenge,
    }


# --- The appraisal portfolio -----------------------------------------------------------------


@dataclass(frozen=True)
class MonthTotal:
    month: date
    reflections: int
    minutes: int


@dataclass(frozen=True)
class CapabilityTotal:
    capability: Capability
    domain: CapabilityDomain
    reflections: int
    minutes: int


@dataclass(frozen=True)
class Portfolio:
    date_from: date
    date_to: date
    reflections: list[Exported]
    total_minutes: int
    by_month: list[MonthTotal]
    by_capability: list[CapabilityTotal]


def _in_period() -> tuple[ColumnElement[bool], ...]:
    # The person's reflections outside the bin between `date_from` and `date_to`.
    return (
        Reflection.author_id == PERSON,
        Reflection.deleted_at.is_(None),
        Reflection.experienced_on >= _FROM,
        Reflection.experienced_on <= _TO,
    )


_YEAR = extract("year", Reflection.experienced_on)
_MONTH = extract("month", Reflection.experienced_on)


@cache
def _by_month() -> Select[Any, Any, int, int | None]:
    """Built once: reflections and minutes in each month of the period."""
    return (
        select(_YEAR, _MONTH, func.count(Reflection.id), func.sum(Reflection.cpd_minutes))
        .where(*_in_period())
        .group_by(_YEAR, _MONTH)
        .order_by(_YEAR, _MONTH)
    )


@cache
def _by_capability() -> Select[Capability, CapabilityDomain, int, int | None]:
    """Built once: reflections and minutes for each capability they name, in the framework's
    order."""
    per_capability = (
        select(
            reflection_capabilities.c.capability_id,
            func.count(Reflection.id).label("reflections"),
            func.sum(Reflection.cpd_minutes).label("minutes"),
        )
        .join(Reflection, Reflection.id == reflection_capabilities.c.reflection_id)
        .where(*_in_period())
        .group_by(reflection_capabilities.c.capability_id)
        .subquery()
    )
    return (
        select(Capability, CapabilityDomain, per_capability.c.reflections, per_capability.c.minutes)
        .join(per_capability, per_capability.c.capability_id == Capability.id)
        .join(CapabilityDomain, CapabilityDomain.id == Capability.domain_id)
        .order_by(CapabilityDomain.position, CapabilityDomain.id, Capability.position)
    )


def portfolio(db: Session, user: User, date_from: date, date_to: date) -> Portfolio:
    """The user's reflections in a period, with CPD minutes by month and by capability."""
    period = {"person_id": user.id, "date_from": date_from, "date_to": date_to}
    month_rows = db.execute(_by_month(), period).all()
    capability_rows = db.execute(_by_capability(), period).all()
    reflections = own_log(db, user, (date_from, date_to))
    by_month = [
        MonthTotal(date(int(y), int(m), 1), count, int(minutes or 0))
        for y, m, count, minutes in month_rows
    ]
    return Portfolio(
        date_from=date_from,
        date_to=date_to,
        reflections=reflections,
        total_minutes=sum(row.minutes for row in by_month),
        by_month=by_month,
        by_capability=[
            CapabilityTotal(capability, domain, count, int(minutes or 0))
            for capability, domain, count, minutes in capability_rows
        ],
    )


# Sections other features add to the portfolio (a report of feedback from colleagues): each
# gives its template and what the template needs, or None when it has nothing for the period.
PortfolioSection = Callable[[Session, User, date, date], tuple[str, dict[str, Any]] | None]
_SECTIONS: list[PortfolioSection] = []


def portfolio_section(section: PortfolioSection) -> PortfolioSection:
    """Add a section to the appraisal portfolio (a feature's init_app does this)."""
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def extra_sections(
    db: Session, user: User, date_from: date, date_to: date
) -> list[tuple[str, dict[str, Any]]]:
    """The other features' sections for this person and period, in the order added."""
    return [found for section in _SECTIONS if (found := section(db, user, date_from, date_to))]


def appraisal_year(today: date) -> tuple[date, date]:
    """The twelve months up to and including today."""
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28)
    return date.fromordinal(start.toordinal() + 1), today
