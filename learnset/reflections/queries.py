"""Read-only queries for the log, the "Shared with you" list and the home page, scoped in SQL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Date, Integer, Select, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from learnset import authz
from learnset.accounts.models import User
from learnset.cohorts.models import Cohort
from learnset.db import PERSON, plain_rows
from learnset.framework.models import Capability
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting
from learnset.pagination import Page, paginate
from learnset.reflections.models import (
    Reflection,
    ReflectionComment,
    ReflectionDraft,
    ReflectionPart,
    reflection_capabilities,
)


@dataclass(frozen=True)
class LogFilters:
    text: str = ""
    cohort_id: int | None = None
    meeting_id: int | None = None
    capability_id: int | None = None
    visibility: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return any(value not in (None, "") for value in vars(self).values())


LogQuery = TypeVar("LogQuery", bound="Select[*tuple[Any, ...]]")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching_text(text: str) -> Any:
    """Reflections whose title or any part contains the text, ignoring case."""
    pattern = _like(text.strip())
    return or_(
        Reflection.title.ilike(pattern, escape="\\"),
        exists().where(
            ReflectionPart.reflection_id == Reflection.id,
            ReflectionPart.body.ilike(pattern, escape="\\"),
        ),
    )


def filtered(query: LogQuery, filters: LogFilters) -> LogQuery:
    """Narrow a scoped query of reflections (or of their columns) by the log's filters."""
    if filters.text.strip():
        query = query.where(matching_text(filters.text))
    if filters.cohort_id is not None:
        query = query.where(Reflection.cohort_id == filters.cohort_id)
    if filters.meeting_id is not None:
        query = query.where(Reflection.meeting_id == filters.meeting_id)
    if filters.capability_id is not None:
        query = query.where(
            exists().where(
                reflection_capabilities.c.reflection_id == Reflection.id,
                reflection_capabilities.c.capability_id == filters.capability_id,
            )
        )
    if filters.visibility:
        query = query.where(Reflection.visibility == filters.visibility)
    if filters.date_from is not None:
        query = query.where(Reflection.experienced_on >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Reflection.experienced_on <= filters.date_to)
    return query


NEWEST_FIRST = (
    Reflection.experienced_on.desc(),
    Reflection.created_at.desc(),
    Reflection.id.desc(),
)


class LogEntry(NamedTuple):
    """A reflection as the log lists it: no text, and its capabilities counted."""

    id: int
    title: str
    experienced_on: date
    cpd_minutes: int
    visibility: str
    meeting_number: int | None
    content_item_title: str | None
    capabilities: int


@cache
def _own_log() -> Select[int, str, date, int, str, int | None, str | None, int]:
    """Built once: the person's log with what each entry shows, newest experience first; the
    filters are added to it."""
    capabilities = (
        select(func.count())
        .where(reflection_capabilities.c.reflection_id == Reflection.id)
        .scalar_subquery()
    )
    return (
        authz.own_reflections(PERSON)
        .with_only_columns(
            Reflection.id,
            Reflection.title,
            Reflection.experienced_on,
            Reflection.cpd_minutes,
            Reflection.visibility,
            Meeting.number,
            ContentItem.title,
            capabilities,
        )
        .outerjoin(Meeting, Meeting.id == Reflection.meeting_id)
        .outerjoin(ContentItem, ContentItem.id == Reflection.content_item_id)
        .order_by(*NEWEST_FIRST)
    )


def log_page(db: Session, user: User, filters: LogFilters, page: int) -> Page[LogEntry]:
    """A page of the user's own log, newest experience first, in a fixed number of queries."""
    query = filtered(_own_log(), filters)
    found = paginate(db, query, page, rows=True, values={"person_id": user.id})
    return replace(found, items=[LogEntry(*row) for row in found.items])


class SharedEntry(NamedTuple):
    """A row of "Shared with you": what the list shows of a reflection, no text."""

    id: int
    title: str
    shared_at: datetime | None
    visibility: str
    author_name: str
    cohort_name: str


@cache
def _shared_with(in_one_set: bool) -> Select[int, str, datetime | None, str, str, str]:
    """Built once (with and without the set's filter): reflections shared with the person, with
    their authors' and sets' names in the row."""
    query = (
        authz.reflections_shared_with(PERSON)
        .with_only_columns(
            Reflection.id,
            Reflection.title,
            Reflection.shared_at,
            Reflection.visibility,
            User.name,
            Cohort.name,
        )
        .join(User, User.id == Reflection.author_id)
        .join(Cohort, Cohort.id == Reflection.cohort_id)
        .order_by(Reflection.shared_at.desc(), Reflection.id.desc())
    )
    if in_one_set:
        query = query.where(Reflection.cohort_id == bindparam("cohort_id", type_=Integer))
    return query


def shared_page(db: Session, user: User, cohort_id: int | None, page: int) -> Page[SharedEntry]:
    """Reflections others have shared with the user, most recently shared first."""
    found = paginate(
        db,
        _shared_with(cohort_id is not None),
        page,
        rows=True,
        values={"person_id": user.id}
        if cohort_id is None
        else {"person_id": user.id, "cohort_id": cohort_id},
        built_once=True,
    )
    return replace(found, items=[SharedEntry(*row) for row in found.items])


def bin_page(db: Session, user: User, page: int) -> Page[Reflection]:
    """One page of the user's bin, the latest deleted first."""
    query = authz.binned_reflections(user).order_by(
        Reflection.deleted_at.desc(), Reflection.id.desc()
    )
    return paginate(db, query, page)


@dataclass(frozen=True)
class NewComments:
    reflection_id: int
    title: str
    count: int
    latest: datetime


@cache
def _new_comments() -> Select[int, str, int, datetime]:
    """Built once: the person's shared reflections with comments from others not yet seen."""
    return (
        select(
            Reflection.id,
            Reflection.title,
            func.count(ReflectionComment.id),
            func.max(ReflectionComment.created_at),
        )
        .join(ReflectionComment, ReflectionComment.reflection_id == Reflection.id)
        .where(
            Reflection.author_id == PERSON,
            authz.shared_now_clause(),
            or_(ReflectionComment.author_id.is_(None), ReflectionComment.author_id != PERSON),
            or_(
                Reflection.comments_seen_at.is_(None),
                ReflectionComment.created_at > Reflection.comments_seen_at,
            ),
        )
        .group_by(Reflection.id, Reflection.title)
        .order_by(func.max(ReflectionComment.created_at).desc())
    )


def new_comments(db: Session, user: User) -> list[NewComments]:
    """The user's shared reflections with comments from others they have not seen yet."""
    rows = plain_rows(db, _new_comments(), {"person_id": user.id}).all()
    return [NewComments(id_, title, count, latest) for id_, title, count, latest in rows]


class SharedReflection(NamedTuple):
    """A reflection shared with the reader, as the home page lists it: no text."""

    id: int
    title: str
    author_name: str
    cohort_name: str


@cache
def _recently_shared(limit: int) -> Select[int, str, str, str]:
    """Built once: the latest reflections shared with the person, with who wrote them and for
    which set (a reflection reaches nobody without a set)."""
    return (
        authz.reflections_shared_with(PERSON)
        .with_only_columns(Reflection.id, Reflection.title, User.name, Cohort.name)
        .join(User, User.id == Reflection.author_id)
        .join(Cohort, Cohort.id == Reflection.cohort_id)
        .order_by(Reflection.shared_at.desc(), Reflection.id.desc())
        .limit(limit)
    )


def recently_shared(db: Session, user: User, limit: int = 3) -> list[SharedReflection]:
    rows = plain_rows(db, _recently_shared(limit), {"person_id": user.id})
    return [SharedReflection(*row) for row in rows]


@dataclass(frozen=True)
class LogSummary:
    reflections: int
    minutes_since: int
    drafts: int


@cache
def _log_summary() -> Select[int, int, int]:
    """Built once: the person's reflections, CPD minutes since a date, and unfinished drafts."""
    own = authz.own_reflections(PERSON).subquery()
    since = bindparam("since", type_=Date)
    unfinished = (
        select(func.count())
        .where(ReflectionDraft.author_id == PERSON, ReflectionDraft.key.is_not(None))
        .scalar_subquery()
    )
    return select(
        func.count(own.c.id),
        func.coalesce(func.sum(own.c.cpd_minutes).filter(own.c.experienced_on >= since), 0),
        unfinished,
    )


def log_summary(db: Session, user: User, since: date) -> LogSummary:
    """Counts for the home page: reflections, CPD minutes since a date, unfinished drafts."""
    count, minutes, drafts = plain_rows(
        db, _log_summary(), {"person_id": user.id, "since": since}
    ).one()
    return LogSummary(count, int(minutes), drafts or 0)


@cache
def _capabilities_of() -> Select[Capability]:
    """Built once: a reflection's capabilities, as its relationship orders them."""
    return (
        select(Capability)
        .where(
            reflection_capabilities.c.reflection_id == bindparam("reflection_id", type_=Integer),
            Capability.id == reflection_capabilities.c.capability_id,
        )
        .order_by(Capability.position)
    )


def load_capabilities(db: Session, reflection: Reflection) -> None:
    """Load `reflection.capabilities` by a statement built once: the relationship's own lazy
    load, on first use, costs the reflection's page and its editor about 0.3 ms a request,
    three times as much."""
    found = list(db.scalars(_capabilities_of(), {"reflection_id": reflection.id}))
    set_committed_value(reflection, "capabilities", found)
