"""What people are told about: a notification in the app, and each person's choice of how
often to be emailed about each kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.accounts.models import User
from learnset.db import Base, Model, one_of, utcnow
from learnset.enums import Labelled, Term


class NotificationKind(Labelled):
    SHARED = Term(
        "shared",
        "A reflection shared with you",
        hint="For tutors: a participant shares a reflection with you or with the set",
    )
    REPLY = Term(
        "reply",
        "A reply on a reflection shared with you",
        hint="For tutors: a participant replies on a reflection they shared",
    )
    COMMENT = Term(
        "comment",
        "A comment on your reflection",
        hint="Someone comments on a reflection you shared",
    )
    SESSION = Term(
        "session",
        "A session published or changed",
        hint="A session of your learning set is published, or its time or place changes",
    )
    CHECK_IN = Term(
        "check-in", "Time to check in", hint="After a session, a reminder to rate yourself again"
    )
    TOPIC = Term(
        "topic",
        "A topic taken up",
        hint="A topic proposed in your learning set is taken up for a session",
    )


class Frequency(Labelled):
    AT_ONCE = Term("at-once", "Email me at once")
    DAILY = Term("daily", "Email me a daily summary")
    WEEKLY = Term("weekly", "Email me a weekly summary")
    OFF = Term("off", "Do not tell me", hint="Nothing in the app and no email")


# What each person gets until they choose otherwise: what someone is waiting for at once,
# what can wait for the morning in a daily summary.
DEFAULT_FREQUENCY: dict[NotificationKind, Frequency] = {
    NotificationKind.SHARED: Frequency.AT_ONCE,
    NotificationKind.REPLY: Frequency.AT_ONCE,
    NotificationKind.COMMENT: Frequency.AT_ONCE,
    NotificationKind.SESSION: Frequency.DAILY,
    NotificationKind.CHECK_IN: Frequency.AT_ONCE,
    NotificationKind.TOPIC: Frequency.DAILY,
}


class Notification(Model):
    """Something that happened that one person should know of: its kind, who did it, and where
    to look. The description is written by the code from names and dates, never from what
    anyone wrote, so a notification (and its email) never carries a reflection's words."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(one_of("kind", NotificationKind), name="kind"),
        # The header's count: unread ones of one person.
        Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),
    )

    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    # A path in this site (/reflections/42); followed through the usual checks.
    link: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
    # Waiting to go out in the recipient's next daily or weekly summary.
    digest_due: Mapped[bool] = mapped_column(default=False)
    emailed_at: Mapped[datetime | None]

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    @property
    def kind_label(self) -> str:
        return NotificationKind(self.kind).label


class NotificationPreference(Base):
    """How often one person is emailed about one kind of notification, once they have chosen;
    until then `DEFAULT_FREQUENCY` holds."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        CheckConstraint(one_of("kind", NotificationKind), name="kind"),
        CheckConstraint(one_of("frequency", Frequency), name="frequency"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(20))
