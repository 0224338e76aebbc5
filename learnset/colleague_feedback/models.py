"""Feedback from colleagues (360°): a participant's round of questions about chosen
capabilities, the colleagues asked (raters, who have no account), and their answers until the
round closes and its report is worked out once, for good."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort
from learnset.db import Model, owned, utcnow
from learnset.enums import Labelled, Term


class RaterRelationship(Labelled):
    """How a colleague knows the participant: the groups a report may show, three or more."""

    CLINICIAN = Term("clinician", "Clinician", hint="A GP, consultant, nurse or other clinician")
    PROVIDER = Term("provider", "Provider", hint="Someone who works for a service you commission")
    MANAGER = Term("manager", "Manager", hint="Someone you report to")
    PEER = Term("peer", "Peer", hint="A colleague at a similar level, in your team or elsewhere")
    SERVICE_USER = Term(
        "service-user",
        "Person who uses services",
        hint="A patient, carer or member of the public you work with",
    )
    OTHER = Term("other", "Other")


class FeedbackRound(Model):
    """One request for feedback: what is asked, of whom, until when.

    `report` is empty until the round closes (its closing date passes, or the participant
    closes it early); then the report is worked out from the answers in at that moment and
    kept, the answers themselves are deleted, and nothing a rater does later can change it."""

    __tablename__ = "feedback_rounds"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # The capability ids asked about, in framework order.
    capability_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(index=True)
    # Set when the participant closed it before its closing date.
    closed_early_at: Mapped[datetime | None]
    # Set when the report was worked out (at close, or by the next `flask purge` after it).
    released_at: Mapped[datetime | None]
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reminded_at: Mapped[datetime | None]
    shared_with_tutors: Mapped[bool] = mapped_column(Boolean, default=False)
    in_appraisal: Mapped[bool] = mapped_column(Boolean, default=True)

    participant: Mapped[User] = relationship()
    cohort: Mapped[Cohort] = relationship()
    raters: Mapped[list[FeedbackRater]] = owned("round", order_by="FeedbackRater.id")

    def ends_at(self) -> datetime:
        """When the round stopped (or will stop) taking answers."""
        return self.closed_early_at or self.closes_at

    def is_open(self, now: datetime) -> bool:
        return self.released_at is None and self.closed_early_at is None and self.closes_at > now


class FeedbackRater(Model):
    """A colleague asked for feedback. Their address is kept only until they answer, decline
    or the round closes, and a digest of it until the round closes (so nobody is asked twice,
    and asking again says nothing of who has answered); their link's secret only as a hash.
    Their answers, once sent, are a `FeedbackResponse` with nothing pointing back here."""

    __tablename__ = "feedback_raters"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(254))
    email_digest: Mapped[str | None] = mapped_column(String(64))
    relation: Mapped[str] = mapped_column("relationship", String(20))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]
    # Answers saved so far, before sending: {"ratings": {capability id: level or 0}, ...}.
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    round: Mapped[FeedbackRound] = relationship(back_populates="raters")

    @property
    def has_answered(self) -> bool:
        return self.responded_at is not None or self.declined_at is not None


class FeedbackResponse(Model):
    """One colleague's answers, sent and waiting for the round to close. It keeps only the
    relationship, not who sent it, and is deleted once the report is worked out."""

    __tablename__ = "feedback_responses"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE"), index=True
    )
    relation: Mapped[str] = mapped_column("relationship", String(20))
    # {capability id as a string: level 1 to 5}; a "can't say" is left out.
    ratings: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    keep_doing: Mapped[str] = mapped_column(Text, default="")
    start_doing: Mapped[str] = mapped_column(Text, default="")
    change: Mapped[str] = mapped_column(Text, default="")
