from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from learnset.db import Model, utcnow


class FeedbackMessage(Model):
    """What someone told the programme team about the service, from the feedback page.

    The account is kept while it exists (to reply, or to see feedback from one person as one
    voice); a reply address is kept only when someone not signed in chose to give one."""

    __tablename__ = "feedback_messages"

    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    # The kind of page it was sent from (an endpoint name such as "reflections.show"): never
    # its address, which could name an object or carry a token.
    page: Mapped[str] = mapped_column(String(100), default="")
    message: Mapped[str] = mapped_column(Text)
