"""Certificates of attendance and CPD: each one issued is kept with its figures frozen."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.accounts.models import User
from learnset.db import Model, utcnow


class Certificate(Model):
    """A certificate as issued: what it said then stays what it says, whatever changes later
    (attendance corrected, a reflection deleted, the signatory replaced). The reference is
    random, so knowing one certificate tells nobody another's."""

    __tablename__ = "certificates"
    __table_args__ = (CheckConstraint("date_from <= date_to", name="dates_in_order"),)

    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Twenty base32 characters in groups of four (100 random bits), as printed.
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    programme_name: Mapped[str] = mapped_column(String(200))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    sessions_attended: Mapped[int] = mapped_column(Integer)
    minutes_attended: Mapped[int] = mapped_column(Integer)
    cpd_minutes: Mapped[int] = mapped_column(Integer)
    # Each session attended: {"date": ISO date, "set", "number", "title", "minutes"}.
    sessions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_role: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    holder: Mapped[User] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def session_list(self) -> list[dict[str, Any]]:
        """The sessions attended, each with its date as a date."""
        return [
            {**session, "date": date.fromisoformat(session["date"])} for session in self.sessions
        ]
