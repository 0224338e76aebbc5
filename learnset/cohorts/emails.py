"""Invitation emails, written by the mail sender at delivery time (see learnset/mail)."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from sqlalchemy.orm import Session

from learnset import mail
from learnset.cohorts import services
from learnset.cohorts.models import Invitation
from learnset.mail.models import OutgoingMail

INVITATION = "invitation"


def queue_invitation(db: Session, invitation: Invitation) -> None:
    """Queue the email for an invitation just made or resent, in the same transaction."""
    mail.queue_built(db, INVITATION, invitation.email, invitation_id=invitation.id)


@mail.builder(INVITATION)
def invitation_email(db: Session, outgoing: OutgoingMail, now: datetime) -> mail.Composed | None:
    """The invitation with a link made now (no working link is ever stored), or nothing if
    the invitation has since been accepted, withdrawn or has expired."""
    invitation_id = outgoing.data.get("invitation_id")
    invitation = db.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None or invitation.status(now) != "pending":
        return None
    token = services.new_link(db, invitation)
    body = render_template(
        "email/invitation.txt",
        invitation=invitation,
        link=mail.absolute_url("cohorts.accept_invitation", token=token),
    )
    return mail.Composed(f"You are invited to join {invitation.cohort.name} on Learnset", body)
