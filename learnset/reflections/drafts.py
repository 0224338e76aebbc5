"""Drafts: unsaved writing kept exactly as typed, for a new reflection (by the key in its
address) or for a saved one."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.db import PERSON
from learnset.reflections.models import Reflection, ReflectionDraft
from learnset.reflections.services import ReflectionError

# Drafts and new-reflection keys come from the URL: random, URL-safe, bounded.
DRAFT_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def valid_draft_key(key: str) -> bool:
    return bool(DRAFT_KEY.match(key))


def reflection_from_key(db: Session, author: User, key: str) -> Reflection | None:
    """The reflection already saved from this new-reflection key, if any."""
    return db.scalar(
        select(Reflection).where(Reflection.author_id == author.id, Reflection.draft_key == key)
    )


def draft_for_key(db: Session, author: User, key: str) -> ReflectionDraft | None:
    return db.scalar(
        select(ReflectionDraft).where(
            ReflectionDraft.author_id == author.id, ReflectionDraft.key == key
        )
    )


@cache
def _reflection_draft() -> Select[ReflectionDraft]:
    """Built once (the reflection's page and its editor run it): a reflection's draft."""
    return select(ReflectionDraft).where(
        ReflectionDraft.reflection_id == bindparam("reflection_id", type_=Integer)
    )


def draft_for_reflection(db: Session, reflection: Reflection) -> ReflectionDraft | None:
    return db.scalar(_reflection_draft(), {"reflection_id": reflection.id})


def save_draft(
    db: Session,
    author: User,
    data: dict[str, list[str]],
    now: datetime,
    *,
    key: str | None = None,
    reflection: Reflection | None = None,
) -> ReflectionDraft:
    """Keep unsaved writing exactly as typed, for a new reflection (by key) or a saved one."""
    if (key is None) == (reflection is None):
        raise ValueError("a draft is for a new reflection or a saved one")
    if reflection is not None and reflection.author_id != author.id:
        raise ReflectionError("You can only keep drafts of your own reflections")

    def find() -> ReflectionDraft | None:
        if key is not None:
            return draft_for_key(db, author, key)
        assert reflection is not None
        return draft_for_reflection(db, reflection)

    draft = find()
    if draft is None:
        try:
            # Two autosaves can race to create the same draft: the loser updates instead.
            with db.begin_nested():
                draft = ReflectionDraft(
                    author_id=author.id,
                    key=key,
                    reflection_id=reflection.id if reflection else None,
                    data=data,
                    created_at=now,
                    updated_at=now,
                )
                db.add(draft)
        except IntegrityError:
            draft = find()
            assert draft is not None
    draft.data = data
    draft.updated_at = now
    db.flush()
    return draft


def discard_draft(db: Session, draft: ReflectionDraft) -> None:
    """Throw away unsaved writing (the saved reflection, if any, is untouched)."""
    db.delete(draft)
    db.flush()


@cache
def _unfinished() -> Select[ReflectionDraft]:
    """Built once: the log asks it on every visit."""
    return (
        select(ReflectionDraft)
        .where(
            ReflectionDraft.author_id == PERSON,
            ReflectionDraft.key.is_not(None),
        )
        .order_by(ReflectionDraft.updated_at.desc())
    )


def unfinished_drafts(db: Session, author: User) -> list[ReflectionDraft]:
    """Drafts of reflections not saved yet, most recently touched first."""
    return list(db.scalars(_unfinished(), {"person_id": author.id}))
