"""Who may see and do what: every rule, under one entry point, can(user, action, obj).

Load, then check: an object the user may not see answers 404; a visible object the
user may not change answers 403. Lists are scoped in SQL with the query helpers here.
The rules are written by feature in the modules of this package and gathered in RULES.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from flask import abort
from sqlalchemy import Select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from learnset.authz import (
    assessment,
    certificates,
    challenges,
    cohorts,
    colleague_feedback,
    curriculum,
    meetings,
    notifications,
    programme,
    reflections,
    session_feedback,
)
from learnset.authz.assessment import shared_with_tutors_clause
from learnset.authz.challenges import (
    own_updates,
    owner_takes_part_clause,
    published_stories,
    visible_challenges,
)
from learnset.authz.cohorts import (
    cohorts_as,
    member_cohorts,
    people_in,
    remember_cohorts,
    tutored_cohorts,
    visible_cohorts,
)
from learnset.authz.meetings import calendar_meetings, visible_meetings
from learnset.authz.reflections import (
    binned_reflections,
    is_shared_now,
    own_reflections,
    reflections_shared_with,
    shared_now_clause,
    visible_comments,
    visible_reflections,
)
from learnset.authz.roles import (
    Rule,
    cohort_roles,
    is_member,
    is_participant,
    is_tutor,
    takes_part_anywhere,
    tutors_anything,
)

__all__ = [
    "RULES",
    "Rule",
    "binned_reflections",
    "calendar_meetings",
    "can",
    "checked_or_404",
    "cohort_roles",
    "cohorts_as",
    "get_or_404",
    "is_member",
    "is_participant",
    "is_shared_now",
    "is_tutor",
    "member_cohorts",
    "own_reflections",
    "own_updates",
    "owner_takes_part_clause",
    "people_in",
    "published_stories",
    "reflections_shared_with",
    "remember_cohorts",
    "require",
    "shared_now_clause",
    "shared_with_tutors_clause",
    "takes_part_anywhere",
    "tutored_cohorts",
    "tutors_anything",
    "visible_challenges",
    "visible_cohorts",
    "visible_comments",
    "visible_meetings",
    "visible_reflections",
]

T = TypeVar("T")


def _gather(*feature_rules: dict[str, Rule]) -> dict[str, Rule]:
    """One table of every rule; an action named twice is a mistake, not an override."""
    rules: dict[str, Rule] = {}
    for part in feature_rules:
        named_twice = rules.keys() & part.keys()
        assert not named_twice, f"rules named twice: {sorted(named_twice)}"
        rules.update(part)
    return rules


RULES: dict[str, Rule] = _gather(
    programme.RULES,
    cohorts.RULES,
    meetings.RULES,
    reflections.RULES,
    assessment.RULES,
    challenges.RULES,
    colleague_feedback.RULES,
    curriculum.RULES,
    session_feedback.RULES,
    certificates.RULES,
    notifications.RULES,
)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True when the signed-in user may perform the action on the object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return RULES[action](user, obj)


def require(user: Any, action: str, obj: Any = None) -> None:
    """Refuse with 403 unless the user may perform the action."""
    if not can(user, action, obj):
        abort(403)


def get_or_404(
    db: Session,
    model: type[T],
    object_id: int,
    user: Any,
    view: str,
    action: str | None = None,
    *,
    options: Sequence[ORMOption] = (),
    statement: Select[T] | None = None,
) -> T:
    """Load an object the user may see (else 404), then check the action (else 403). The id
    comes from an <id:...> route segment, so it is one the database can hold (learnset/ids.py).
    `options` load what the page and the rule read with it, in the same statement; or
    `statement`, built once, loads the object whose id is its `object_id` parameter."""
    obj = (
        db.execute(statement, {"object_id": object_id}).unique().scalar_one_or_none()
        if statement is not None
        else db.get(model, object_id, options=options)
    )
    return checked_or_404(obj, user, view, action)


def checked_or_404(obj: T | None, user: Any, view: str, action: str | None = None) -> T:
    """An object the caller has loaded some other way (by its slug, by two ids), or None:
    get_or_404's checks, in the same order (404 unless seen, then 403 unless allowed)."""
    if obj is None or not can(user, view, obj):
        abort(404)
    if action is not None:
        require(user, action, obj)
    return obj
