"""Learning sets: who sees a cohort, manages it, invites to it, and removes its members."""

from __future__ import annotations

from sqlalchemy import Select, select

from learnset.accounts.models import User
from learnset.authz.roles import Rule, admin, is_member, is_tutor
from learnset.cohorts.models import Cohort, Invitation, Membership, Role


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


RULES: dict[str, Rule] = {
    "cohort:view": _cohort_view,
    "cohort:invite": cohort_manage,
    "invitation:view": _invitation_view,
    "invitation:manage": _invitation_manage,
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


def participating_cohorts(user: User) -> Select[Cohort]:
    """The cohorts the user takes part in as a participant (where they rate themselves)."""
    return _cohorts_as(user, Role.PARTICIPANT)


def tutor_only_cohorts(user: User) -> Select[Cohort]:
    """The cohorts the user tutors (as a member: being an admin gives no view of ratings)."""
    return _cohorts_as(user, Role.TUTOR)


def _cohorts_as(user: User, role: Role) -> Select[Cohort]:
    return _newest_first(
        select(Cohort)
        .join(Membership)
        .where(Membership.user_id == user.id, Membership.role == role)
    )
