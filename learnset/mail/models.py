from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from learnset.db import Model, utcnow


class OutgoingMail(Model):
    """An email waiting to go, sent, or given up on: written in the transaction of the action
    that causes it, delivered later by `flask mail send`.

    A message whose text is known at once keeps its subject and body here. One that carries a
    secret link (a password reset, an invitation) keeps only what is needed to build it, and
    the sender makes the link at delivery time, so no working link is ever stored.
    """

    __tablename__ = "outgoing_mail"

    # "message" (subject and body stored) or a kind a feature builds at delivery time.
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the sender may next try; empty once sent or given up on.
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} {self.kind}>"
