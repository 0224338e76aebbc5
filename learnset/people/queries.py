"""Everyone with an account, for the programme's admins: who they are and which sets they are in.
Nothing here reads what people wrote: reflections, ratings and challenges stay where they are."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from learnset.accounts.models import User
from learnset.cohorts.models import Membership

STATUSES = {
    "": "Everyone",
    "active": "Can sign in",
    "deactivated": "Deactivated",
    "admins": "Admins",
    "no-set": "In no learning set",
}


def people(search: str = "", status: str = "") -> Select[User]:
    """Accounts by name, with their memberships and sets loaded alongside (one query more)."""
    query = select(User).options(selectinload(User.memberships).joinedload(Membership.cohort))
    for word in search.split():
        query = query.where(
            or_(
                User.name.icontains(word, autoescape=True),
                User.email.icontains(word, autoescape=True),
            )
        )
    return query.where(*_status_clause(status)).order_by(User.name, User.id)


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
