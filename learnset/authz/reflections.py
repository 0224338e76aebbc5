"""The reflective log.

A private reflection is its author's alone: no tutor, admin or fellow participant reads it.
A shared one reaches its cohort's tutors ("tutors") or every member ("set") for as long as
its author is still a participant of that cohort: someone who leaves keeps their log, but
the set and its tutors stop seeing what they had shared. Admins have no special right here.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, exists, or_, select

from learnset.accounts.models import User
from learnset.authz.roles import (
    Rule,
    id_of,
    is_member,
    is_participant,
    is_tutor,
    takes_part_clause,
)
from learnset.cohorts.models import Membership, Role
from learnset.db import shared_alias
from learnset.reflections.models import (
    Note,
    Reflection,
    ReflectionAttachment,
    ReflectionComment,
    Visibility,
)


def is_shared_now(reflection: Reflection) -> bool:
    """Shared, not in the bin, and its author still takes part in its cohort."""
    return (
        reflection.visibility != Visibility.PRIVATE
        and reflection.deleted_at is None
        and reflection.cohort_id is not None
        and is_participant(reflection.author, reflection.cohort_id)
    )


def _reaches(user: User, reflection: Reflection) -> bool:
    """The user is in the audience the reflection is shared with (not counting its author)."""
    if not is_shared_now(reflection):
        return False
    assert reflection.cohort_id is not None
    if reflection.visibility == Visibility.SET:
        return is_member(user, reflection.cohort_id)
    return is_tutor(user, reflection.cohort_id)


def _reflection_view(user: User, reflection: Reflection) -> bool:
    return reflection.author_id == user.id or _reaches(user, reflection)


def _reflection_edit(user: User, reflection: Reflection) -> bool:
    return reflection.author_id == user.id and reflection.deleted_at is None


def _reflection_comment(user: User, reflection: Reflection) -> bool:
    return is_shared_now(reflection) and _reflection_view(user, reflection)


def _reflection_in_bin(user: User, reflection: Reflection) -> bool:
    return reflection.author_id == user.id and reflection.deleted_at is not None


def _note_own(user: User, note: Note) -> bool:
    # Quick notes are their writer's alone: no tutor, admin or fellow ever sees one.
    return note.author_id == user.id


def _attachment_view(user: User, attachment: ReflectionAttachment) -> bool:
    # Exactly the reflection's own rule: a file never reaches anyone its reflection does not.
    return _reflection_view(user, attachment.reflection)


def _attachment_remove(user: User, attachment: ReflectionAttachment) -> bool:
    return _reflection_edit(user, attachment.reflection)


RULES: dict[str, Rule] = {
    "note:view": _note_own,
    "reflection:view": _reflection_view,
    "reflection:edit": _reflection_edit,
    "reflection:comment": _reflection_comment,
    "reflection:restore": _reflection_in_bin,
    "reflection:destroy": _reflection_in_bin,
    "attachment:view": _attachment_view,
    "attachment:remove": _attachment_remove,
}


# --- Scoped queries ---------------------------------------------------------------------------


def shared_now_clause() -> ColumnElement[bool]:
    """SQL for "shared, not binned, author still a participant of its cohort"."""
    return and_(
        Reflection.visibility != Visibility.PRIVATE,
        Reflection.deleted_at.is_(None),
        takes_part_clause(Reflection.author_id, Reflection.cohort_id),
    )


# Made once: a new alias costs about half a millisecond per request on first use.
_VIEWER_MEMBERSHIP = shared_alias(Membership)


def _reaches_clause(user: User | ColumnElement[int]) -> ColumnElement[bool]:
    user_id = id_of(user)
    viewer_membership = _VIEWER_MEMBERSHIP
    return and_(
        shared_now_clause(),
        Reflection.author_id != user_id,
        # Implied by the EXISTS below, but lets the database start from the user's own sets
        # (an index) rather than from every shared reflection in the programme.
        Reflection.cohort_id.in_(select(Membership.cohort_id).where(Membership.user_id == user_id)),
        exists().where(
            viewer_membership.user_id == user_id,
            viewer_membership.cohort_id == Reflection.cohort_id,
            or_(
                Reflection.visibility == Visibility.SET,
                viewer_membership.role == Role.TUTOR,
            ),
        ),
    )


def visible_reflections(user: User | ColumnElement[int]) -> Select[Reflection]:
    """Every reflection the user may read: their own (not binned) and those shared with them
    (`user` may be a parameter standing for their id)."""
    return select(Reflection).where(
        or_(
            and_(Reflection.author_id == id_of(user), Reflection.deleted_at.is_(None)),
            _reaches_clause(user),
        )
    )


def own_reflections(user: User | ColumnElement[int]) -> Select[Reflection]:
    """The user's own log, without the bin (`user` may be a parameter standing for their id)."""
    return select(Reflection).where(
        Reflection.author_id == id_of(user), Reflection.deleted_at.is_(None)
    )


def binned_reflections(user: User) -> Select[Reflection]:
    """The user's own reflections in the bin."""
    return select(Reflection).where(
        Reflection.author_id == user.id, Reflection.deleted_at.is_not(None)
    )


def reflections_shared_with(user: User | ColumnElement[int]) -> Select[Reflection]:
    """Other people's reflections shared with the user as a tutor or set member (`user` may be
    a parameter standing for their id)."""
    return select(Reflection).where(_reaches_clause(user))


def visible_comments(user: User, reflection: Reflection) -> Select[ReflectionComment] | None:
    """The conversation on a reflection as this user may see it, oldest first: a statement
    built once, run with `{"reflection_id": reflection.id}`.

    None while the reflection is not shared (withdrawn comments are kept, not shown). A
    comment written when only the tutors could read the reflection stays between the author
    and the tutors.
    """
    if not _reflection_comment(user, reflection):
        return None
    assert reflection.cohort_id is not None
    return _conversation(reflection.author_id == user.id or is_tutor(user, reflection.cohort_id))


@cache
def _conversation(tutors_too: bool) -> Select[ReflectionComment]:
    """Built once: a reflection's comments, oldest first, with or without those written while
    only its tutors could read it."""
    query = select(ReflectionComment).where(
        ReflectionComment.reflection_id == bindparam("reflection_id", type_=Integer)
    )
    if not tutors_too:
        query = query.where(ReflectionComment.audience == Visibility.SET)
    return query.order_by(ReflectionComment.created_at, ReflectionComment.id)
