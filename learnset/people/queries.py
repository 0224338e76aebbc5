"""Everyone with an account, for the programme's admins: who they are and which sets they are in.
Nothing here reads what people wrote: reflections, ratings and challenges stay where they are."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Membership
from learnset.pagination import Page, paginate

STATUSES = {
    "": "Everyone",
    "active": "Can sign in",
    "deactivated": "Deactivated",
    "admins": "Admins",
    "no-set": "In no learning set",
}


class SetJoined(NamedTuple):
    """A learning set a person is in, and their role in it."""

    cohort_name: str
    role: str


class PersonRow(NamedTuple):
    """What the list of people shows of an account (never its password's hash)."""

    id: int
    name: str
    email: str
    organisation: str
    is_active: bool
    is_admin: bool
    last_signed_in_at: datetime | None
    memberships: list[SetJoined]


PeopleQuery = Select[int, str, str, str, bool, bool, datetime | None]


def people_page(db: Session, search: str, status: str, number: int) -> Page[PersonRow]:
    """A page of accounts by name, each with the sets they are in (one statement more)."""
    words = search.split()
    query = people(search, status) if words else _everyone(status if status in STATUSES else "")
    found = paginate(db, query, number, rows=True, built_once=not words)
    sets: dict[int, list[SetJoined]] = {row.id: [] for row in found.items}
    if sets:
        for user_id, cohort_name, role in db.execute(_sets_of(), {"user_ids": list(sets)}):
            sets[user_id].append(SetJoined(cohort_name, role))
    return replace(found, items=[PersonRow._make((*row, sets[row.id])) for row in found.items])


def people(search: str = "", status: str = "") -> PeopleQuery:
    """Accounts by name: the columns the list shows."""
    query = select(
        User.id,
        User.name,
        User.email,
        User.organisation,
        User.is_active,
        User.is_admin,
        User.last_signed_in_at,
    )
    for word in search.split():
        query = query.where(
            or_(
                User.name.icontains(word, autoescape=True),
                User.email.icontains(word, autoescape=True),
            )
        )
    return query.where(*_status_clause(status)).order_by(User.name, User.id)


@cache
def _everyone(status: str) -> PeopleQuery:
    """Built once for each status (a key of STATUSES): the list without a search."""
    return people("", status)


@cache
def _sets_of() -> Select[int, str, str]:
    """Built once: the sets some people are in, and their role in each."""
    return (
        select(Membership.user_id, Cohort.name, Membership.role)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.user_id.in_(bindparam("user_ids", type_=Integer, expanding=True)))
        .order_by(Membership.user_id, Membership.cohort_id)
    )


def _status_clause(status: str) -> list[Any]:
    if status == "active":
        return [User.is_active.is_(True)]
    if status == "deactivated":
        return [User.is_active.is_(False)]
    if status == "admins":
        return [User.is_admin.is_(True)]
    if status == "no-set":
        return [~select(Membership.id).where(Membership.user_id == User.id).exists()]
    return []
