from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.cohorts.models import Cohort
from learnset.db import Base, UTCDateTime, utcnow
from learnset.library.models import ContentItem


class MeetingStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Meeting(Base):
    """A monthly session of a cohort ("session" on screen; in code that word is taken)."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200), default="")
    # Stored in UTC; shown and entered in UK time.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    items: Mapped[list[MeetingItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingItem.position"
    )

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED


class MeetingItem(Base):
    """A library item used in a session, in running order."""

    __tablename__ = "meeting_items"
    __table_args__ = (UniqueConstraint("meeting_id", "content_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    # Library items are archived, never deleted, so a session keeps its materials.
    content_item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    content_item: Mapped[ContentItem] = relationship()
