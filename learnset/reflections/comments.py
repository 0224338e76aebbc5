"""The conversation on a shared reflection: who may comment, the pages of it a reader sees,
and what is news to its author."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from learnset import authz
from learnset.accounts.models import User
from learnset.cohorts.models import Role
from learnset.notifications.models import NotificationKind
from learnset.notifications.services import notify
from learnset.pagination import PER_PAGE, Page, paginate
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
    _tell(db, reflection, author, now)
    return comment


def _tell(db: Session, reflection: Reflection, commenter: User, now: datetime) -> None:
    """The author's reply is news to the set's tutors who can read it; anyone else's comment is
    news to the author. Names only: never the comment or the reflection's words."""
    link = f"/reflections/{reflection.id}"
    if commenter.id == reflection.author_id:
        if reflection.cohort_id is None:
            return
        tutors = authz.people_in(db, reflection.cohort_id, Role.TUTOR)
        notify(
            db,
            [tutor for tutor in tutors if authz.can(tutor, "reflection:view", reflection)],
            NotificationKind.REPLY,
            actor=commenter,
            link=link,
            description=f"{commenter.name} replied on a reflection they shared",
            now=now,
        )
        return
    notify(
        db,
        [reflection.author],
        NotificationKind.COMMENT,
        actor=commenter,
        link=link,
        description=f"{commenter.name} commented on a reflection you shared",
        now=now,
    )


def hidden_comment_count(db: Session, reflection: Reflection) -> int:
    """How many comments withdrawing the share is hiding (shown to the author)."""
    if authz.is_shared_now(reflection):
        return 0
    return (
        db.scalar(select(func.count()).where(ReflectionComment.reflection_id == reflection.id)) or 0
    )


def mark_comments_seen(db: Session, reflection: Reflection, upto: datetime) -> None:
    """The author has read the conversation up to a moment: comments until then are no longer
    news. The mark never moves back, so an older page posting late unreads nothing."""
    seen = reflection.comments_seen_at
    if seen is None or upto > seen:
        reflection.comments_seen_at = upto
        db.flush()


def comments_page(
    db: Session, viewer: User, reflection: Reflection, number: int
) -> Page[ReflectionComment]:
    """One page of the conversation as the viewer may see it, oldest first, with its writers:
    two queries however long it grows."""
    query = authz.visible_comments(viewer, reflection).options(joinedload(ReflectionComment.author))
    return paginate(db, query, number)


def last_page(db: Session, viewer: User, reflection: Reflection) -> int:
    """The page the newest comment is on, for the viewer."""
    visible = authz.visible_comments(viewer, reflection).order_by(None).subquery()
    total = db.scalar(select(func.count()).select_from(visible)) or 0
    return max(1, -(-total // PER_PAGE))


@dataclass(frozen=True)
class CommentNews:
    """The comments from others the author has not marked as read."""

    author_id: int
    seen_at: datetime | None
    count: int
    latest: datetime | None

    def is_new(self, comment: ReflectionComment) -> bool:
        return comment.author_id != self.author_id and (
            self.seen_at is None or comment.created_at > self.seen_at
        )


def news_for_author(db: Session, author: User, reflection: Reflection) -> CommentNews:
    """What is new to the author in the conversation, in one query (as on their home page)."""
    query = (
        authz.visible_comments(author, reflection)
        .order_by(None)
        .where(
            or_(
                ReflectionComment.author_id.is_(None),
                ReflectionComment.author_id != reflection.author_id,
            )
        )
    )
    if reflection.comments_seen_at is not None:
        query = query.where(ReflectionComment.created_at > reflection.comments_seen_at)
    unseen = query.subquery()
    count, latest = db.execute(select(func.count(), func.max(unseen.c.created_at))).one()
    return CommentNews(reflection.author_id, reflection.comments_seen_at, count, latest)
