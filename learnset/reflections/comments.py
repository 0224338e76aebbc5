"""The conversation on a shared reflection: who may comment, the pages of it a reader sees,
and what is news to its author."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload

from learnset import authz
from learnset.accounts.models import User
from learnset.cohorts.models import Role
from learnset.db import PERSON, UTCDateTime, plain_rows
from learnset.notifications.models import NotificationKind
from learnset.notifications.services import notify
from learnset.pagination import PER_PAGE, Page, paginate
from learnset.reflections.models import Reflection, ReflectionComment
from learnset.reflections.services import ReflectionError

# What the statements built once have in place of the reflection's id.
_REFLECTION = bindparam("reflection_id", type_=Integer)


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
    return db.scalar(_comment_count(), {"reflection_id": reflection.id}) or 0


@cache
def _comment_count() -> Select[int]:
    """Built once: how many comments a reflection has, shown or not."""
    return select(func.count()).where(ReflectionComment.reflection_id == _REFLECTION)


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
    two queries however long it grows, none while the reflection is not shared."""
    conversation = authz.visible_comments(viewer, reflection)
    if conversation is None:
        return Page([], 1, PER_PAGE, 0)
    values = {"reflection_id": reflection.id}
    return paginate(db, _with_writers(conversation), number, values=values)


@cache
def _with_writers(conversation: Select[ReflectionComment]) -> Select[ReflectionComment]:
    """Made once for each of the (two) conversations authz builds."""
    return conversation.options(joinedload(ReflectionComment.author))


def last_page(db: Session, viewer: User, reflection: Reflection) -> int:
    """The page the newest comment is on, for the viewer."""
    conversation = authz.visible_comments(viewer, reflection)
    if conversation is None:
        return 1
    counted = select(func.count()).select_from(conversation.order_by(None).subquery())
    total = db.scalar(counted, {"reflection_id": reflection.id}) or 0
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


@cache
def _news(since_seen: bool) -> Select[int, datetime | None]:
    """Built once: the comments on a reflection by anyone but its author (an account since
    removed too), newer than the author's last look if they had one: how many, the latest."""
    news = select(func.count(), func.max(ReflectionComment.created_at)).where(
        ReflectionComment.reflection_id == _REFLECTION,
        or_(ReflectionComment.author_id.is_(None), ReflectionComment.author_id != PERSON),
    )
    if since_seen:
        news = news.where(ReflectionComment.created_at > bindparam("seen_at", type_=UTCDateTime))
    return news


def news_for_author(db: Session, author: User, reflection: Reflection) -> CommentNews:
    """What is new to the author in the conversation, in one query (as on their home page, the
    author sees every comment of a reflection while it is shared, and none while it is not)."""
    seen_at = reflection.comments_seen_at
    if not authz.can(author, "reflection:comment", reflection):
        return CommentNews(reflection.author_id, seen_at, 0, None)
    values: dict[str, Any] = {"reflection_id": reflection.id, "person_id": reflection.author_id}
    if seen_at is not None:
        values["seen_at"] = seen_at
    count, latest = plain_rows(db, _news(seen_at is not None), values).one()
    return CommentNews(reflection.author_id, seen_at, count, latest)
