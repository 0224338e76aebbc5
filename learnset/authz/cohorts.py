"""Learning sets: who sees a cohort, manages it, invites to it, and removes its members."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Select, event, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.authz.roles import Rule, admin, is_member, is_tutor, tutors_anything
from learnset.cohorts.models import Cohort, Invitation, InvitationImport, Membership, Role
from learnset.db import PERSON


def _cohort_view(user: User, cohort: Cohort) -> bool:
    return user.is_admin or is_member(user, cohort.id)


def cohort_manage(user: User, cohort: Cohort) -> bool:
    return user.is_admin or is_tutor(user, cohort.id)


def _invitation_view(user: User, invitation: Invitation) -> bool:
    return user.is_admin or is_tutor(user, invitation.cohort_id)


def _invitation_manage(user: User, invitation: Invitation) -> bool:
    """Admins resend or withdraw any invitation; tutors those of participants, since only
    admins grant the tutor role (resending a tutor's invitation would grant it again)."""
    if user.is_admin:
        return True
    return is_tutor(user, invitation.cohort_id) and invitation.role == Role.PARTICIPANT


def _membership_view(user: User, membership: Membership) -> bool:
    return user.is_admin or is_member(user, membership.cohort_id)


def _membership_remove(user: User, membership: Membership) -> bool:
    """Admins remove anyone; tutors remove participants (only admins assign tutors)."""
    if user.is_admin:
        return True
    return is_tutor(user, membership.cohort_id) and membership.role == Role.PARTICIPANT


def _import_invitations(user: User, _obj: object = None) -> bool:
    """Admins import for any set; tutors for the sets they tutor (bulk.py checks each row)."""
    return user.is_admin or tutors_anything(user)


def _invitation_import_view(user: User, kept: InvitationImport) -> bool:
    """An upload names people and addresses: only the person who uploaded it sees it."""
    return kept.uploaded_by_id == user.id


RULES: dict[str, Rule] = {
    "cohort:view": _cohort_view,
    "cohort:invite": cohort_manage,
    "invitation:view": _invitation_view,
    "invitation:manage": _invitation_manage,
    "invitation:import": _import_invitations,
    "invitation_import:view": _invitation_import_view,
    # Issue 3: cohorts, sessions, topics, attendance.
    "cohort:create": admin,
    "cohort:edit": cohort_manage,
    "cohort:members": cohort_manage,
    # Granting the tutor role, by assignment or by invitation: admins only.
    "cohort:tutors": admin,
    "cohort:schedule": cohort_manage,
    "membership:view": _membership_view,
    "membership:remove": _membership_remove,
}


# --- Scoped queries ---------------------------------------------------------------------------


def _newest_first(query: Select[Cohort]) -> Select[Cohort]:
    return query.order_by(Cohort.start_month.desc(), Cohort.name)


def visible_cohorts(user: User) -> Select[Cohort]:
    """The cohorts the user may see: all for an admin, else those they belong to."""
    query = _newest_first(select(Cohort))
    if user.is_admin:
        return query
    return query.join(Membership).where(Membership.user_id == user.id)


def tutored_cohorts(user: User) -> Select[Cohort]:
    """The cohorts whose invitations and members the user manages."""
    query = _newest_first(select(Cohort))
    if user.is_admin:
        return query
    return query.join(Membership).where(
        Membership.user_id == user.id, Membership.role == Role.TUTOR
    )


def people_in(db: Session, cohort_id: int, role: Role) -> list[User]:
    """A learning set's tutors, or its participants, by name."""
    return list(
        db.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort_id, Membership.role == role)
            .order_by(User.name, User.id)
        )
    )


@cache
def _memberships() -> Select[Cohort, str]:
    """Built once: nearly every page asks it."""
    return (
        select(Cohort, Membership.role)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == PERSON)
        .order_by(Cohort.start_month.desc(), Cohort.name)
    )


def cohorts_as(db: Session, user: User, role: Role) -> list[Cohort]:
    """The cohorts the user belongs to in `role`, latest start first. Several parts of a page
    ask (the home page's panels, a form's choices), so it is asked once a transaction, for
    every role at once."""
    return [cohort for cohort, member_role in _cohorts_and_roles(db, user) if member_role == role]


def member_cohorts(db: Session, user: User) -> list[Cohort]:
    """The cohorts the user belongs to in any role, latest start first (as cohorts_as)."""
    return [cohort for cohort, _role in _cohorts_and_roles(db, user)]


def _cohorts_and_roles(db: Session, user: User) -> list[tuple[Cohort, str]]:
    known: dict[int, list[tuple[Cohort, str]]] = db.info.setdefault(_COHORTS_AS, {})
    if user.id not in known:
        known[user.id] = [
            (cohort, member_role)
            for cohort, member_role in db.execute(_memberships(), {"person_id": user.id})
        ]
    return known[user.id]


def remember_cohorts(db: Session, user: User, memberships: list[tuple[Cohort, str]]) -> None:
    """Tell cohorts_as what a page has already read: every cohort the user belongs to with
    their role in it, latest start first (so the home page asks once, not twice)."""
    db.info.setdefault(_COHORTS_AS, {})[user.id] = list(memberships)


_COHORTS_AS = "learnset.cohorts_as"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_cohorts(db: Session, *_args: object) -> None:
    # Anything written may have changed who belongs where.
    db.info.pop(_COHORTS_AS, None)
