from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.accounts.models import User
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort
from learnset.db import Model, Timestamped, utcnow
from learnset.enums import Labelled, Term
from learnset.library.models import ContentItem


class MeetingStatus(Labelled):
    DRAFT = Term("draft", "Draft", colour="grey")
    PUBLISHED = Term("published", "Published", colour="green")


class TopicStatus(enum.StrEnum):
    OPEN = "open"
    TAKEN_UP = "taken_up"
    CLOSED = "closed"


def display_title(title: str | None, number: int) -> str:
    """What a session is called on screen: its title, or its number in the programme."""
    return title or f"Session {number}"


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """A session read as a plain row rather than a Meeting, with what every such row names and
    dates it by; the home page's and the recommendations' rows add the columns they show."""

    id: int
    number: int
    title: str
    starts_at: datetime

    @property
    def display_title(self) -> str:
        return display_title(self.title, self.number)


class Meeting(Timestamped, Model):
    """A monthly session of a cohort ("session" on screen; in code that word is taken)."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # A set's sessions in time order: engagement by month, the last two with attendance.
        Index("ix_meetings_cohort_id_starts_at", "cohort_id", "starts_at"),
    )

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200), default="")
    # Stored in UTC; shown and entered in UK time.
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.DRAFT.value)
    published_at: Mapped[datetime | None]
    # iCalendar SEQUENCE: raised when the time or place changes, so calendars replace their copy.
    sequence: Mapped[int] = mapped_column(Integer, default=0)

    cohort: Mapped[Cohort] = relationship()
    items: Mapped[list[MeetingItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingItem.position"
    )
    topics: Mapped[list[EmergentTopic]] = relationship(
        back_populates="meeting", order_by="EmergentTopic.id"
    )
    presenter_slots: Mapped[list[PresenterSlot]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="PresenterSlot.position, PresenterSlot.id",
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED

    @property
    def display_title(self) -> str:
        """What the session is called on screen: its title, or its number in the programme."""
        return display_title(self.title, self.number)


class MeetingItem(Model):
    """A library item used in a session, in running order."""

    __tablename__ = "meeting_items"
    __table_args__ = (UniqueConstraint("meeting_id", "content_item_id"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    # Library items are archived, never deleted, so a session keeps its materials.
    content_item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    content_item: Mapped[ContentItem] = relationship()


class PresenterSlot(Model):
    """A participant's turn to bring one of their live challenges to a session.

    Slots made before challenges existed name a free-text topic instead, and keep it. A slot
    whose challenge is later deleted keeps its presenter and says only that they presented.
    """

    __tablename__ = "presenter_slots"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # --- Live challenges (issue 7) ---
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="SET NULL"), index=True
    )
    topic: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="presenter_slots")
    presenter: Mapped[User] = relationship()
    challenge: Mapped[Challenge | None] = relationship()


class EmergentTopic(Model):
    """A topic a member proposes for an upcoming session; the tutor takes it up or closes it."""

    __tablename__ = "emergent_topics"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'taken_up', 'closed')", name="status"),
        CheckConstraint("status <> 'taken_up' OR meeting_id IS NOT NULL", name="taken_up_by"),
    )

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=TopicStatus.OPEN.value)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    closed_reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When its proposer last reworded it: votes cast before then were for other words.
    edited_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    cohort: Mapped[Cohort] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    meeting: Mapped[Meeting | None] = relationship(back_populates="topics")
    votes: Mapped[list[TopicVote]] = relationship(
        back_populates="topic", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status == TopicStatus.OPEN


class TopicVote(Model):
    """One member's vote for one topic: the unique constraint is the rule, not just the form."""

    __tablename__ = "topic_votes"
    __table_args__ = (UniqueConstraint("topic_id", "user_id"),)

    topic_id: Mapped[int] = mapped_column(ForeignKey("emergent_topics.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    topic: Mapped[EmergentTopic] = relationship(back_populates="votes")


class Attendance(Model):
    """Whether a participant attended a session; no row means not recorded."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        # Places present and recorded in some sets' sessions (the programme view), counted from
        # the index alone: without it PostgreSQL read every set's attendance to count 25 sets'.
        Index("ix_attendances_meeting_id_present", "meeting_id", "present"),
    )

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CalendarFeed(Model):
    """A user's personal calendar subscription.

    The key is half of the secret address; the other half is an HMAC of it with SECRET_KEY,
    so the address can be shown again whenever the user needs it, yet a copy of the database
    alone cannot be turned into working addresses. Deleting the row revokes the address.
    """

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
