"""Keeping text posted after the sign-in expired or the form went stale, until its writer is back.

The browser's Flask session carries only a random key; the text waits in `reflection_rescues`
under a hash of it. Only that browser can claim it, and only as the person it belongs to when
that is known (the signed-in user, or the author of the reflection being edited). Claiming
turns it into the reflection's draft, which the editor then shows with a message.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.reflections import services
from learnset.reflections.forms import has_writing
from learnset.reflections.models import Reflection, ReflectionDraft, ReflectionRescue

SESSION_KEY = "reflection_rescue"
# A ceiling on rescues kept in an hour, so anonymous posts cannot fill the database.
HOURLY_CEILING = 500


@dataclass(frozen=True)
class Target:
    """The editor the text was posted from: a saved reflection, or a new one by its key."""

    reflection_id: int | None = None
    draft_key: str | None = None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _owner(db: Session, user: User | None, target: Target) -> int | None:
    if user is not None:
        return user.id
    if target.reflection_id is not None:
        reflection = db.get(Reflection, target.reflection_id)
        return reflection.author_id if reflection else None
    draft = db.scalar(select(ReflectionDraft).where(ReflectionDraft.key == target.draft_key))
    return draft.author_id if draft else None


def keep(
    db: Session,
    cookie: MutableMapping[str, Any],
    user: User | None,
    target: Target,
    data: dict[str, list[str]],
    now: datetime,
) -> bool:
    """Keep posted text for this browser to claim after signing in; False if nothing was kept."""
    if not has_writing(data):
        return False
    if target.reflection_id is not None and db.get(Reflection, target.reflection_id) is None:
        return False
    if target.draft_key is not None and not services.valid_draft_key(target.draft_key):
        return False
    recent = db.scalar(
        select(func.count()).where(ReflectionRescue.created_at > now - timedelta(hours=1))
    )
    if (recent or 0) >= HOURLY_CEILING:
        return False
    key = cookie.get(SESSION_KEY)
    if not isinstance(key, str) or len(key) < 32:
        key = secrets.token_urlsafe(32)
        cookie[SESSION_KEY] = key
    owner = _owner(db, user, target)
    rescue = db.scalar(_rows(key, target))
    if rescue is None:
        rescue = ReflectionRescue(
            key_hash=_hash(key), reflection_id=target.reflection_id, draft_key=target.draft_key
        )
        db.add(rescue)
    rescue.user_id, rescue.data, rescue.created_at = owner, data, now
    db.flush()
    return True


def _rows(key: str, target: Target | None = None) -> Any:
    query = select(ReflectionRescue).where(ReflectionRescue.key_hash == _hash(key))
    if target is not None:
        query = query.where(
            ReflectionRescue.reflection_id.is_(None)
            if target.reflection_id is None
            else ReflectionRescue.reflection_id == target.reflection_id,
            ReflectionRescue.draft_key.is_(None)
            if target.draft_key is None
            else ReflectionRescue.draft_key == target.draft_key,
        )
    return query.order_by(ReflectionRescue.created_at.desc())


def claim(
    db: Session,
    cookie: MutableMapping[str, Any],
    user: User,
    target: Target,
    now: datetime,
    reflection: Reflection | None = None,
) -> bool:
    """Turn this browser's kept text for the editor into the user's draft. True if it did."""
    key = cookie.get(SESSION_KEY)
    if not isinstance(key, str):
        return False
    rescue = db.scalar(_rows(key, target))
    if rescue is None or rescue.user_id not in (None, user.id):
        return False
    if reflection is not None:
        services.save_draft(db, user, rescue.data, now, reflection=reflection)
    else:
        services.save_draft(db, user, rescue.data, now, key=target.draft_key)
    db.delete(rescue)
    db.flush()
    if db.scalar(select(func.count()).where(ReflectionRescue.key_hash == _hash(key))) == 0:
        cookie.pop(SESSION_KEY, None)
    return True


def waiting(db: Session, cookie: MutableMapping[str, Any], user: User) -> list[ReflectionRescue]:
    """Text this browser kept for the user that has not been claimed yet."""
    key = cookie.get(SESSION_KEY)
    if not isinstance(key, str):
        return []
    rows = db.scalars(_rows(key)).all()
    return [row for row in rows if row.user_id in (None, user.id)]
