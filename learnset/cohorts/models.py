from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from learnset.accounts.models import User, normalise_email
from learnset.db import Model, one_of, utcnow
from learnset.enums import Labelled, Term


class Role(Labelled):
    PARTICIPANT = Term(
        "participant", "Participant", hint="A commissioner taking part in the learning set"
    )
    TUTOR = Term(
        "tutor",
        "Tutor",
        hint="A set adviser who runs the sessions and can see what participants share",
    )


class CohortStatus(Labelled):
    PLANNED = Term("planned", "Planned", hint="Members are being invited and the sessions planned")
    RUNNING = Term("running", "Running", hint="The set is meeting")
    FINISHED = Term(
        "finished", "Finished", hint="The year is over. Members can still read what was shared"
    )


class InvitationStatus(Labelled):
    PENDING = Term("pending", "Waiting", colour="blue")
    ACCEPTED = Term("accepted", "Accepted", colour="green")
    EXPIRED = Term("expired", "Expired", colour="grey")
    REVOKED = Term("revoked", "Withdrawn", colour="red")


class Cohort(Model):
    """A learning set: a small group meeting monthly for a year."""

    __tablename__ = "cohorts"
    __table_args__ = (CheckConstraint(one_of("status", CohortStatus), name="status"),)

    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    start_month: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=CohortStatus.PLANNED.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


class Membership(Model):
    """A user's role in one cohort; roles are per cohort, admin is per account."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "cohort_id"),
        CheckConstraint(one_of("role", Role), name="role"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    cohort: Mapped[Cohort] = relationship(back_populates="memberships")


class Invitation(Model):
    """An emailed, single-use, expiring offer to join a cohort in a role."""

    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint(one_of("role", Role), name="role"),)

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    # The name the inviter gave (a CSV import has one), offered when they make their account.
    name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    role: Mapped[str] = mapped_column(String(20))
    # Only a hash of the token is stored, so a database leak does not leak working links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return normalise_email(value)

    def status(self, now: datetime) -> InvitationStatus:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING


class InvitationImport(Model):
    """A CSV of people to invite, kept between its upload and its sending (cohorts/bulk.py).

    Only the cells as read from the file are kept: what each row will become is worked out
    afresh for the preview and again when the invitations are sent, never taken from a form."""

    __tablename__ = "invitation_imports"

    uploaded_by_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200), default="")
    # [[line number, name, email, role, learning set], ...] as read from the file.
    rows: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An import not sent by then can no longer be sent; the purge deletes it.
    expires_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # The invitations made when it was sent, for the summary page.
    invitation_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
