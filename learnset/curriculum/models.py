"""Programmes of sessions (the year's curriculum, a short course), loaded from content/programme/.

A programme's months and their running orders are rebuilt from the files whenever they change;
nothing points at them but the record of which learning sets a programme was applied to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort
from learnset.db import Model, Timestamped, utcnow
from learnset.library.models import ContentItem


class Programme(Timestamped, Model):
    """A sequence of sessions a learning set can follow, such as the Unlocking Commissioning
    year."""

    __tablename__ = "programmes"
    __table_args__ = (CheckConstraint("session_minutes > 0", name="session_minutes"),)

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    session_minutes: Mapped[int] = mapped_column(Integer)
    # The programme's aims, in order: [{"slug": ..., "text": ...}].
    aims: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    source_path: Mapped[str] = mapped_column(String(300), default="")
    # One hash over all of the programme's files, to tell whether any of them changed.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    archived_at: Mapped[datetime | None]

    sessions: Mapped[list[ProgrammeSession]] = relationship(
        back_populates="programme",
        cascade="all, delete-orphan",
        order_by="ProgrammeSession.number",
    )

    def aim_text(self, slug: str) -> str:
        return next((aim["text"] for aim in self.aims if aim["slug"] == slug), slug)


class ProgrammeSession(Model):
    """One month of a programme: its aims, running order, facilitator notes and preparation.
    Matched to its file by number, so it keeps its id (and its versions) across syncs."""

    __tablename__ = "programme_sessions"
    __table_args__ = (
        UniqueConstraint("programme_id", "number"),
        CheckConstraint("minutes > 0", name="minutes"),
    )

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer)
    # [{"text": ..., "aim": <aim slug>, "capabilities": [<capability slug>, ...]}]
    aims: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    preparation: Mapped[str] = mapped_column(Text, default="")
    # For tutors and admins only (learnset/authz/curriculum.py).
    facilitator_notes: Mapped[str] = mapped_column(Text, default="")
    source_path: Mapped[str] = mapped_column(String(300), default="")
    # Set when someone saves it in the app; cleared when a sync finds the file agrees or takes
    # the file's version. While set, a sync will not overwrite it unless told to.
    edited_in_app_at: Mapped[datetime | None]

    programme: Mapped[Programme] = relationship(back_populates="sessions")
    steps: Mapped[list[ProgrammeStep]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="ProgrammeStep.position"
    )


class ProgrammeStep(Model):
    """One line of a session's running order, with its minutes and any library item it uses."""

    __tablename__ = "programme_steps"
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("programme_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(300))
    # Library items are archived, never deleted.
    content_item_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"), index=True)

    session: Mapped[ProgrammeSession] = relationship(back_populates="steps")
    content_item: Mapped[ContentItem | None] = relationship()


class ProgrammeUse(Model):
    """A programme applied to a learning set: its sessions were made from it, once."""

    __tablename__ = "programme_uses"
    __table_args__ = (UniqueConstraint("cohort_id", "programme_id"),)

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    cohort: Mapped[Cohort] = relationship()
    programme: Mapped[Programme] = relationship()
    applied_by: Mapped[User | None] = relationship()
