"""Taking the log away: Markdown files in a zip and the appraisal portfolio (the person's
whole data is `personal_data`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting
from learnset.reflections.models import (
    Reflection,
    reflection_capabilities,
)
from learnset.reflections.structures import joined


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


def _as_exported(query: Any) -> Any:
    # What the exports read: not a library item's text, a session's agenda or a capability's
    # levels, which made most of the work of loading a log (JSON read a capability a reflection).
    return query.options(
        selectinload(Reflection.parts),
        selectinload(Reflection.capabilities).load_only(Capability.name, Capability.position),
        joinedload(Reflection.cohort).load_only(Cohort.name),
        joinedload(Reflection.meeting).load_only(Meeting.number, Meeting.title),
        joinedload(Reflection.content_item).load_only(ContentItem.kind, ContentItem.title),
        joinedload(Reflection.challenge).load_only(Challenge.title),
        selectinload(Reflection.attachments),
    )


def own_log(
    db: Session, user: User, date_from: date | None = None, date_to: date | None = None
) -> list[Reflection]:
    """The user's own reflections (never anyone else's), oldest first, with what the exports
    read of their parts, links, capabilities and files."""
    query = authz.own_reflections(user)
    if date_from is not None:
        query = query.where(Reflection.experienced_on >= date_from)
    if date_to is not None:
        query = query.where(Reflection.experienced_on <= date_to)
    query = query.order_by(Reflection.experienced_on, Reflection.created_at, Reflection.id)
    return list(db.scalars(_as_exported(query)).unique())


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


def linked(reflection: Reflection) -> dict[str, Any]:
    """What a reflection points at, by name, as both downloads give it."""
    return {
        "learning_set": reflection.cohort.name if reflection.cohort else None,
        "session": activity_of(reflection) if reflection.meeting else None,
        "library_item": reflection.content_item.title if reflection.content_item else None,
        "live_challenge": reflection.challenge.title if reflection.challenge else None,
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
    reflections: list[Reflection]
    total_minutes: int
    by_month: list[MonthTotal]
    by_capability: list[CapabilityTotal]


def _in_range(date_from: date, date_to: date, user: User) -> Any:
    return (
        Reflection.author_id == user.id,
        Reflection.deleted_at.is_(None),
        Reflection.experienced_on >= date_from,
        Reflection.experienced_on <= date_to,
    )


def portfolio(db: Session, user: User, date_from: date, date_to: date) -> Portfolio:
    """The user's reflections in a period, with CPD minutes by month and by capability."""
    year = extract("year", Reflection.experienced_on)
    month = extract("month", Reflection.experienced_on)
    month_rows = db.execute(
        select(year, month, func.count(Reflection.id), func.sum(Reflection.cpd_minutes))
        .where(*_in_range(date_from, date_to, user))
        .group_by(year, month)
        .order_by(year, month)
    ).all()
    per_capability = (
        select(
            reflection_capabilities.c.capability_id,
            func.count(Reflection.id).label("reflections"),
            func.sum(Reflection.cpd_minutes).label("minutes"),
        )
        .join(Reflection, Reflection.id == reflection_capabilities.c.reflection_id)
        .where(*_in_range(date_from, date_to, user))
        .group_by(reflection_capabilities.c.capability_id)
        .subquery()
    )
    capability_rows = db.execute(
        select(Capability, CapabilityDomain, per_capability.c.reflections, per_capability.c.minutes)
        .join(per_capability, per_capability.c.capability_id == Capability.id)
        .join(CapabilityDomain, CapabilityDomain.id == Capability.domain_id)
        .order_by(CapabilityDomain.position, CapabilityDomain.id, Capability.position)
    ).all()
    reflections = own_log(db, user, date_from, date_to)
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
