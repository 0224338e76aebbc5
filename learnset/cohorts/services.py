"""Cohorts: invitations (invite, resend, revoke, accept), tutors and members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from learnset import audit, authz
from learnset.accounts import services as accounts
from learnset.accounts.models import User, normalise_email
from learnset.cohorts.models import Cohort, CohortStatus, Invitation, Membership, Role
from learnset.db import delete_where
from learnset.errors import DomainError
from learnset.meetings import services as meeting_services
from learnset.meetings.models import EmergentTopic, Meeting, PresenterSlot, TopicStatus, TopicVote
from learnset.tokens import hash_token, new_token


class InvitationError(DomainError):
    """A rule about invitations was broken; the message says which, for the person acting."""


# An invitation is kept this long after it was accepted, withdrawn or expired: the address of
# someone who never joined is not kept beyond that.
KEEP_SETTLED_INVITATIONS = timedelta(days=30)
TUTORS_BY_ADMINS = "Only programme admins can invite tutors. Invite them as a participant"


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    # The secret made with the invitation (the database keeps a hash). The email carries a
    # fresh one, made when it is written (emails.py), so no working link waits in the queue.
    token: str


def _new_token(invitation: Invitation, now: datetime, days: int) -> str:
    token, invitation.token_hash = new_token()
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=days)
    return token


def new_link(db: Session, invitation: Invitation) -> str:
    """A fresh secret for the invitation's link, made when its email is written: the link
    sent before it stops working, and the database only ever holds a hash."""
    token, invitation.token_hash = new_token()
    db.flush()
    return token


def membership_of(db: Session, user_id: int, cohort_id: int) -> Membership | None:
    return db.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.cohort_id == cohort_id)
    )


def invite(
    db: Session,
    *,
    cohort: Cohort,
    email: str,
    role: Role,
    invited_by: User,
    now: datetime,
    days: int,
    name: str = "",
) -> IssuedInvitation:
    """Invite an address to a cohort, unless it is already a member or has a live invitation.
    Only those who may grant the tutor role (admins) invite tutors."""
    if role == Role.TUTOR and not authz.can(invited_by, "cohort:tutors", cohort):
        raise InvitationError(TUTORS_BY_ADMINS)
    email = normalise_email(email)
    existing_user = db.scalar(select(User).where(User.email == email))
    if existing_user and membership_of(db, existing_user.id, cohort.id):
        raise InvitationError(f"{email} is already a member of {cohort.name}")
    live = db.scalar(
        select(Invitation).where(
            Invitation.cohort_id == cohort.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
    )
    if live is not None:
        raise InvitationError(
            f"{email} already has an invitation waiting. Resend it from the list instead"
        )
    invitation = Invitation(
        cohort=cohort, email=email, name=name.strip(), role=role.value, invited_by=invited_by
    )
    token = _new_token(invitation, now, days)
    db.add(invitation)
    db.flush()
    audit.record(
        db,
        audit.AuditKind.INVITATION_SENT,
        actor_id=invited_by.id,
        subject_id=existing_user.id if existing_user else None,
        detail=invitation_detail(invitation, cohort),
        now=now,
    )
    return IssuedInvitation(invitation, token)


def invitation_detail(invitation: Invitation, cohort: Cohort) -> str:
    """How the audit log names an invitation: its number, set and role, not the address."""
    return f"Invitation {invitation.id} to {cohort.name} as {invitation.role}"


def resend(
    db: Session, invitation: Invitation, now: datetime, days: int, *, resent_by: User
) -> IssuedInvitation:
    """A fresh link and expiry for an invitation not yet accepted or revoked; the old link dies."""
    if invitation.accepted_at or invitation.revoked_at:
        raise InvitationError("Only invitations that are waiting or expired can be resent")
    token = _new_token(invitation, now, days)
    db.flush()
    _record(db, audit.AuditKind.INVITATION_RESENT, invitation, resent_by, now)
    return IssuedInvitation(invitation, token)


def revoke(db: Session, invitation: Invitation, now: datetime, *, revoked_by: User) -> None:
    """Withdraw an invitation that has not been accepted; its link stops working."""
    if invitation.accepted_at:
        raise InvitationError("This invitation has already been accepted")
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        db.flush()
        _record(db, audit.AuditKind.INVITATION_WITHDRAWN, invitation, revoked_by, now)


def _record(
    db: Session, kind: audit.AuditKind, invitation: Invitation, actor: User, now: datetime
) -> None:
    detail = invitation_detail(invitation, invitation.cohort)
    audit.record(db, kind, actor_id=actor.id, detail=detail, now=now)


def find_by_token(db: Session, token: str, *, to_use: bool = False) -> Invitation | None:
    """The invitation a link's token names. `to_use` (its form posted) holds it until the
    transaction ends, so two posts at once (a double click) take it up one after the other and
    the second finds it used, instead of both making the account and the second failing."""
    query = select(Invitation).where(Invitation.token_hash == hash_token(token))
    return db.scalar(query.with_for_update() if to_use else query)


def usable(invitation: Invitation | None, now: datetime) -> bool:
    return invitation is not None and invitation.status(now) == "pending"


def accept(db: Session, invitation: Invitation, user: User, now: datetime) -> Membership:
    """Join the invitation's cohort as the invited user; the link cannot be used again."""
    if invitation.status(now) != "pending":
        raise InvitationError("This invitation can no longer be used")
    if normalise_email(user.email) != invitation.email:
        raise InvitationError("This invitation was sent to a different email address")
    membership = membership_of(db, user.id, invitation.cohort_id)
    if membership is None:
        membership = Membership(user=user, cohort_id=invitation.cohort_id, role=invitation.role)
        db.add(membership)
    invitation.accepted_at = now
    invitation.accepted_by_id = user.id
    db.flush()
    audit.record(
        db,
        audit.AuditKind.INVITATION_ACCEPTED,
        actor_id=user.id,
        detail=invitation_detail(invitation, invitation.cohort),
        now=now,
    )
    return membership


def single_sign_on_mismatch(invitation: Invitation, verified_email: str) -> str | None:
    """Why an address single sign-on verified cannot take up this invitation: it is another."""
    if normalise_email(verified_email) == invitation.email:
        return None
    return (
        f"Your organisation's account is {normalise_email(verified_email)}, but this invitation "
        f"was sent to {invitation.email}. Sign in to your organisation's account with that "
        "address, or ask the tutor to invite the address you use."
    )


def join_by_single_sign_on(
    db: Session,
    invitation: Invitation,
    verified_email: str,
    *,
    name: str,
    job_title: str,
    organisation: str,
    now: datetime,
) -> User:
    """A new account, with no password, for an invitee whose address single sign-on has just
    verified: it must be the invitation's own address. The account signs in by single sign-on."""
    problem = single_sign_on_mismatch(invitation, verified_email)
    if problem:
        raise InvitationError(problem)
    user = accounts.create_user(
        db,
        email=invitation.email,
        name=name,
        job_title=job_title,
        organisation=organisation,
        password=None,
        method="",
    )
    accept(db, invitation, user, now)
    user.last_signed_in_at = now
    audit.record(db, audit.AuditKind.SIGNED_IN, actor_id=user.id, detail="Single sign-on", now=now)
    return user


def invitations_for(db: Session, cohort: Cohort) -> list[Invitation]:
    """Every invitation to a cohort, newest first."""
    return list(
        db.scalars(
            select(Invitation)
            .where(Invitation.cohort_id == cohort.id)
            .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
        )
    )


# --- Cohorts, tutors and members (issue 3) -----------------------------------------------


@dataclass(frozen=True)
class CohortDetails:
    name: str
    description: str
    start_month: date | None
    status: CohortStatus


def create_cohort(db: Session, details: CohortDetails, now: datetime) -> Cohort:
    """A new learning set; tutors are assigned next."""
    cohort = Cohort(created_at=now)
    update_cohort(db, cohort, details)
    db.add(cohort)
    db.flush()
    return cohort


def update_cohort(db: Session, cohort: Cohort, details: CohortDetails) -> None:
    """Change a learning set's name, description, start month or status."""
    cohort.name = details.name.strip()
    cohort.description = details.description.strip()
    cohort.start_month = details.start_month.replace(day=1) if details.start_month else None
    cohort.status = details.status.value
    db.flush()


@dataclass(frozen=True)
class TutorAssigned:
    """Either an existing account became a tutor, or an invitation went out to the address."""

    membership: Membership | None = None
    issued: IssuedInvitation | None = None


def assign_tutor(
    db: Session, *, cohort: Cohort, email: str, assigned_by: User, now: datetime, days: int
) -> TutorAssigned:
    """An existing account becomes a tutor at once; an unknown address is invited as a tutor."""
    email = normalise_email(email)
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        return TutorAssigned(
            issued=invite(
                db,
                cohort=cohort,
                email=email,
                role=Role.TUTOR,
                invited_by=assigned_by,
                now=now,
                days=days,
            )
        )
    existing = membership_of(db, user.id, cohort.id)
    if existing is not None and existing.role == Role.TUTOR:
        raise InvitationError(f"{user.name} is already a tutor of {cohort.name}")
    if existing is not None:
        raise InvitationError(
            f"{user.name} is a participant of {cohort.name}. Remove them as a participant "
            "first if they are to tutor this set"
        )
    if not user.is_active:
        raise InvitationError(
            f"The account for {email} has been deactivated. An admin can reactivate it under People"
        )
    membership = Membership(user=user, cohort=cohort, role=Role.TUTOR.value, joined_at=now)
    db.add(membership)
    db.flush()
    _record_membership(db, audit.AuditKind.TUTOR_ASSIGNED, membership, assigned_by, now)
    return TutorAssigned(membership=membership)


def _record_membership(
    db: Session, kind: audit.AuditKind, membership: Membership, actor: User, now: datetime
) -> None:
    """The audit log names who changed whose place in a set, and which place: "Tutor of ..."."""
    audit.record(
        db,
        kind,
        actor_id=actor.id,
        subject_id=membership.user_id,
        detail=f"{membership.role.capitalize()} of {membership.cohort.name}",
        now=now,
    )


def remove_member(db: Session, membership: Membership, now: datetime, *, removed_by: User) -> None:
    """Take someone out of a learning set. What they wrote stays theirs; their presenter slots
    in sessions still to come and their votes on open topics go, since they will not be there."""
    _record_membership(db, audit.AuditKind.MEMBER_REMOVED, membership, removed_by, now)
    _drop_upcoming_slots(db, membership, now)
    open_topics = select(EmergentTopic.id).where(
        EmergentTopic.cohort_id == membership.cohort_id,
        EmergentTopic.status == TopicStatus.OPEN,
    )
    db.execute(
        delete(TopicVote).where(
            TopicVote.user_id == membership.user_id, TopicVote.topic_id.in_(open_topics)
        )
    )
    db.delete(membership)
    db.flush()


def _drop_upcoming_slots(db: Session, membership: Membership, now: datetime) -> None:
    """Their slots in sessions still to come go; the presenters after them move up."""
    theirs = db.scalars(
        select(PresenterSlot)
        .join(Meeting, Meeting.id == PresenterSlot.meeting_id)
        .where(
            PresenterSlot.user_id == membership.user_id,
            Meeting.cohort_id == membership.cohort_id,
            Meeting.starts_at > now,
        )
    ).all()
    for slot in theirs:
        meeting = slot.meeting
        meeting.presenter_slots.remove(slot)
        meeting_services.renumber_slots(meeting)


def pending_invitations(db: Session, cohort: Cohort, now: datetime) -> list[Invitation]:
    """Invitations to the cohort still waiting for an answer."""
    return list(
        db.scalars(
            select(Invitation)
            .where(
                Invitation.cohort_id == cohort.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .order_by(Invitation.email)
        )
    )


def head_counts(db: Session, cohort_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Participants and tutors in each cohort, by cohort id."""
    if not cohort_ids:
        return {}
    rows = db.execute(
        select(
            Membership.cohort_id,
            func.count().filter(Membership.role == Role.PARTICIPANT),
            func.count().filter(Membership.role == Role.TUTOR),
        )
        .where(Membership.cohort_id.in_(cohort_ids))
        .group_by(Membership.cohort_id)
    )
    return {cohort_id: (participants, tutors) for cohort_id, participants, tutors in rows}


def purge_invitations(db: Session, now: datetime) -> int:
    """Delete invitations accepted, withdrawn or expired more than 30 days ago."""
    cutoff = now - KEEP_SETTLED_INVITATIONS
    return delete_where(
        db,
        Invitation,
        or_(
            Invitation.accepted_at < cutoff,
            Invitation.revoked_at < cutoff,
            and_(Invitation.accepted_at.is_(None), Invitation.expires_at < cutoff),
        ),
    )
