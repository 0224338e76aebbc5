"""A user's place in each cohort, which most rules turn on, and the rules that need nothing more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, exists
from sqlalchemy.orm import InstrumentedAttribute

from learnset.accounts.models import User
from learnset.cohorts.models import Membership, Role
from learnset.db import shared_alias

Rule = Callable[[User, Any], bool]


def id_of(user: User | ColumnElement[int]) -> int | ColumnElement[int]:
    """The user's id, or the parameter that stands for it in a statement built once."""
    return user.id if isinstance(user, User) else user


def cohort_roles(user: User) -> dict[int, str]:
    """The user's role in each cohort they belong to, by cohort id."""
    return {membership.cohort_id: membership.role for membership in user.memberships}


def is_member(user: User, cohort_id: int) -> bool:
    return cohort_id in cohort_roles(user)


def is_tutor(user: User, cohort_id: int) -> bool:
    return cohort_roles(user).get(cohort_id) == Role.TUTOR


def is_participant(user: User, cohort_id: int) -> bool:
    return cohort_roles(user).get(cohort_id) == Role.PARTICIPANT


def tutors_anything(user: User) -> bool:
    return Role.TUTOR in cohort_roles(user).values()


def takes_part_anywhere(user: User) -> bool:
    """A participant of some set: what the home page's panels about one's own log, sessions
    and comments need before they ask anything."""
    return Role.PARTICIPANT in cohort_roles(user).values()


def admin(user: User, _obj: Any = None) -> bool:
    return user.is_admin


def signed_in(_user: User, _obj: Any = None) -> bool:
    return True


# Aliases are made once: a new one costs about half a millisecond per request on first use.
_PARTICIPATION = shared_alias(Membership)


def takes_part_clause(
    user_id: InstrumentedAttribute[int], cohort_id: InstrumentedAttribute[int | None]
) -> ColumnElement[bool]:
    """SQL for "the user in this column is still a participant of the cohort in that one": what
    a shared reflection, a shared self-assessment and a challenge each need to be seen."""
    return exists().where(
        _PARTICIPATION.user_id == user_id,
        _PARTICIPATION.cohort_id == cohort_id,
        _PARTICIPATION.role == Role.PARTICIPANT,
    )
