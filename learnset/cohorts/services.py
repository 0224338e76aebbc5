"""Invitations to a cohort: invite, resend, revoke, accept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User, normalise_email
from learnset.cohorts.models import Cohort, Invitation, Membership, Role


class InvitationError(ValueError):
    """A rule about invitations was broken; the message says which, for the person acting."""


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    # The only copy of the secret in the link; the database keeps a hash.
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(invitation: Invitation, now: datetime, days: int) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=days)
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
) -> IssuedInvitation:
    """Invite an address to a cohort, unless it is already a member or has a live invitation."""
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
    invitation = Invitation(cohort=cohort, email=email, role=role.value, invited_by=invited_by)
    token = _new_token(invitation, now, days)
    db.add(invitation)
    db.flush()
    return IssuedInvitation(invitation, token)


def resend(db: Session, invitation: Invitation, now: datetime, days: int) -> IssuedInvitation:
    """A fresh link and expiry for an invitation not yet accepted or revoked; the old link dies."""
    if invitation.accepted_at or invitation.revoked_at:
        raise InvitationError("Only invitations that are waiting or expired can be resent")
    token = _new_token(invitation, now, days)
    db.flush()
    return IssuedInvitation(invitation, token)


def revoke(db: Session, invitation: Invitation, now: datetime) -> None:
    """Withdraw an invitation that has not been accepted; its link stops working."""
    if invitation.accepted_at:
        raise InvitationError("This invitation has already been accepted")
    if invitation.revoked_at is None:
        invitation.revoked_at = now
    db.flush()


def find_by_token(db: Session, token: str) -> Invitation | None:
    return db.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


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
    return membership


def invitations_for(db: Session, cohort: Cohort) -> list[Invitation]:
    """Every invitation to a cohort, newest first."""
    return list(
        db.scalars(
            select(Invitation)
            .where(Invitation.cohort_id == cohort.id)
            .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
        )
    )
