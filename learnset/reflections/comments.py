"""The conversation on a shared reflection: who may comment, and what is news to its author."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.reflections.models import Reflection, ReflectionComment
from learnset.reflections.services import ReflectionError


def add_comment(
    db: Session, reflection: Reflection, author: User, body: str, now: datetime
) -> ReflectionComment:
    """A comment on a reflection shared with the writer; it belongs to that audience."""
    if not authz.can(author, "reflection:comment", reflection):
        raise ReflectionError("You can only comment on a reflection shared with you")
    comment = ReflectionComment(
        reflection_id=reflection.id,
        author=author,
        audience=reflection.visibility,
        body=body.strip(),
        created_at=now,
    )
    db.add(comment)
    if author.id == reflection.author_id:
        # Writing in the conversation means the author has read it.
        reflection.comments_seen_at = now
    db.flush()
    return comment


def hidden_comment_count(db: Session, reflection: Reflection) -> int:
    """How many comments withdrawing the share is hiding (shown to the author)."""
    if authz.is_shared_now(reflection):
        return 0
    return (
        db.scalar(select(func.count()).where(ReflectionComment.reflection_id == reflection.id)) or 0
    )


def mark_comments_seen(db: Session, reflection: Reflection, now: datetime) -> None:
    """The author has seen the conversation: its comments are no longer news."""
    reflection.comments_seen_at = now
    db.flush()
