"""Feedback on the service: kept for the admins to read, and purged after a year."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User, normalise_email
from learnset.accounts.personal_data import Read
from learnset.db import delete_where
from learnset.errors import DomainError
from learnset.feedback.models import FeedbackMessage

KEEP_FEEDBACK = timedelta(days=365)
MAX_MESSAGE = 1200


class FeedbackError(DomainError):
    """Feedback that cannot be kept as sent; the message says why."""


def leave(
    db: Session, *, message: str, page: str, user: User | None, reply_to: str, now: datetime
) -> FeedbackMessage:
    """Keep a message for the admins. A signed-in person is known by their account, so no reply
    address is kept for them."""
    text = message.strip()
    if not text:
        raise FeedbackError("Enter your feedback", "message")
    feedback = FeedbackMessage(
        created_at=now,
        user_id=user.id if user is not None else None,
        reply_to="" if user is not None or not reply_to else normalise_email(reply_to),
        page=page,
        message=text[:MAX_MESSAGE],
    )
    db.add(feedback)
    db.flush()
    return feedback


def messages() -> Select[FeedbackMessage, User | None]:
    """Every message, newest first, with its sender's account when signed in (one query)."""
    return (
        select(FeedbackMessage, User)
        .outerjoin(User, User.id == FeedbackMessage.user_id)
        .order_by(FeedbackMessage.created_at.desc(), FeedbackMessage.id.desc())
    )


def purge(db: Session, now: datetime) -> int:
    """Delete feedback left more than a year ago."""
    return delete_where(db, FeedbackMessage, FeedbackMessage.created_at < now - KEEP_FEEDBACK)


def personal_data_reads(person: ColumnElement[int]) -> dict[str, Read]:
    """The feedback someone sent while signed in, for "download your data"."""
    return {
        "messages": select(FeedbackMessage.created_at, FeedbackMessage.message)
        .where(FeedbackMessage.user_id == person)
        .order_by(FeedbackMessage.created_at)
    }


def build_personal_data(user: User, rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        {"sent_at": row["created_at"].isoformat(timespec="seconds"), "message": row["message"]}
        for row in rows["messages"]
    ]


def erase_personal_data(db: Session, user: User) -> None:
    """Their feedback goes with their account."""
    db.execute(delete(FeedbackMessage).where(FeedbackMessage.user_id == user.id))
