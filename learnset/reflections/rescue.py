"""Keeping text posted after the sign-in expired or the form went stale, until its writer is back.

The rules, exactly (issue 12, item 2; DESIGN.md section 8 "Nothing is lost"):

1. What may be kept. Only writing posted to a reflection editor or its autosave with a CSRF
   token issued to this browser: the signature holds, it matches the raw token in this
   browser's Flask session, and it is at most KEEP_DAYS old. (Flask-WTF refuses a token after
   8 hours; the rescue accepts the same token for up to 7 days, and only when the signature
   and the session binding hold.) The view checks the token; this module is told the result.
   A post with no token, another browser's token or a forged one is refused with 400: nothing
   is stored and the browser's cookies are left as they were, so the victim of a cross-site
   form is neither signed out nor handed someone else's text.
2. Whose it is. Every kept text has exactly one owner, decided when it is kept:
   - posted while signed in (the token had gone stale): that account, and only for an editor
     it may use (its own saved reflection, not in the bin, or a new-reflection key);
   - posted with no account (the sign-in had expired): the account the editor page was opened
     for, read from the page's signed `writer` field (user id, editor and time, signed with the
     app's secret, at most KEEP_DAYS old); for a saved reflection only if that account is still
     its author. Without a valid `writer` field nothing is kept: nobody could tell whose it is.
   The database is consulted about a reflection only after the signature holds, so a post by
   anyone else learns nothing about which reflections exist.
3. Who gets it back. Kept text is shown only in the browser that posted it (its Flask session
   holds a random key, the table a hash of it) AND only to its owner, signed in there. On a
   shared computer, when A's sign-in expires and A's text is kept, B signing in on that browser
   sees nothing of it, and B's sign-in neither claims nor deletes it: A signing in again on that
   browser still gets it back. A in another browser does not (the text never left this one).
   And if a page A opened is posted while B is signed in on the browser, the `writer` field
   says so: the writing is kept for A as above and never saved into B's account.
4. How it comes back. Never silently: the editor shows it under "Text you typed before you were
   signed out" beside the text in the form, and its owner chooses "Use this text" (it becomes
   the editor's draft; a saved reflection changes only when they save) or "Discard it".
5. Limits. At most MAX_PER_BROWSER kept texts a browser, PER_CLIENT_PER_HOUR new ones an hour
   from one IP address (stored as a keyed hash, never the address), OVERALL_PER_HOUR new ones
   and OVERALL_BYTES_PER_HOUR bytes an hour overall, and MAX_BYTES each. Writing refused by a
   limit is not kept; the person is told why and shown their text to copy.
6. How long. KEEP_DAYS after it was last written; then it is never shown and `flask purge`
   deletes it.
"""

from __future__ import annotations

import enum
import hashlib
import json
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ColumnElement, Select, UnaryExpression, delete, func, or_, select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.db import delete_where
from learnset.reflections import drafts, services
from learnset.reflections.forms import has_writing, same_fields, saved_fields
from learnset.reflections.models import RESCUE_DAYS, Reflection, ReflectionRescue

SESSION_KEY = "reflection_rescue"
KEEP_DAYS = RESCUE_DAYS
KEEP_FOR = timedelta(days=KEEP_DAYS)
MAX_BYTES = 256 * 1024
MAX_PER_BROWSER = 5
PER_CLIENT_PER_HOUR = 20
OVERALL_PER_HOUR = 500
OVERALL_BYTES_PER_HOUR = 32 * 1024 * 1024
WRITER_FIELD = "writer"
_WRITER_SALT = "learnset.reflections.writer"
_COPY = "Copy your text from this page and keep it somewhere safe, then paste it back in later."


class Refusal(enum.Enum):
    """Why writing was not kept, with what the person is told."""

    NOTHING_TYPED = "There was no writing to keep."
    UNKNOWN_WRITER = (
        "We could not tell whose writing this is (the page was opened too long ago, or by "
        "an older version of this service), so it has not been kept."
    )
    NOT_YOURS = "This reflection cannot be edited from this page, so the writing has not been kept."
    TOO_BIG = (
        f"What you wrote is too long for us to keep (more than {MAX_BYTES // 1024} KB), so it "
        "has not been kept."
    )
    BROWSER_FULL = (
        f"This browser already holds {MAX_PER_BROWSER} pieces of writing kept while signed "
        "out, so this one has not been kept. Sign in and use or discard them first."
    )
    NETWORK_BUSY = (
        "Too much writing has been kept for your network in the last hour, so this has not "
        "been kept."
    )
    SERVICE_BUSY = (
        "We are keeping too much writing for everyone just now, so this has not been kept."
    )

    @property
    def message(self) -> str:
        return self.value if self is Refusal.NOTHING_TYPED else f"{self.value} {_COPY}"


@dataclass(frozen=True)
class Target:
    """The editor the text was posted from: a saved reflection, or a new one by its key."""

    reflection_id: int | None = None
    draft_key: str | None = None

    @property
    def label(self) -> list[Any]:
        """The editor, as the signed `writer` field names it."""
        if self.reflection_id is not None:
            return ["r", self.reflection_id]
        return ["k", self.draft_key]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _browser_key(cookie: MutableMapping[str, Any]) -> str | None:
    key = cookie.get(SESSION_KEY)
    return key if isinstance(key, str) and len(key) >= 32 else None


def size_of(data: dict[str, list[str]]) -> int:
    """The bytes a kept text takes, as stored."""
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


# --- The editor page's signed writer --------------------------------------------------------


def writer_token(secret: str, user: User, target: Target, now: datetime) -> str:
    """The `writer` field of an editor page: who it was opened for, which editor, and when."""
    return URLSafeSerializer(secret, salt=_WRITER_SALT).dumps(
        [user.id, *target.label, int(now.timestamp())]
    )


def writer_in(secret: str, token: Any, target: Target, now: datetime) -> int | None:
    """The user id a `writer` field names, if it is genuine, for this editor and fresh."""
    if not isinstance(token, str) or not token or len(token) > 500:
        return None
    try:
        payload = URLSafeSerializer(secret, salt=_WRITER_SALT).loads(token)
    except BadData:
        return None
    if not (isinstance(payload, list) and len(payload) == 4 and payload[1:3] == target.label):
        return None
    user_id, issued = payload[0], payload[3]
    if not isinstance(user_id, int) or not isinstance(issued, int):
        return None
    age = now.timestamp() - issued
    return user_id if -300 <= age <= KEEP_FOR.total_seconds() else None


# --- Keeping -------------------------------------------------------------------------------


def _owner(db: Session, user: User | None, writer_id: int | None, target: Target) -> int | Refusal:
    """Whose the text is (rule 2), or why nobody can be named."""
    if user is None:
        if writer_id is None:
            return Refusal.UNKNOWN_WRITER
        # The signature holds, so looking the writer up reveals nothing to anyone else.
        user = db.get(User, writer_id)
        if user is None or not user.is_active:
            return Refusal.UNKNOWN_WRITER
    if target.reflection_id is not None:
        reflection = db.get(Reflection, target.reflection_id)
        if reflection is None or not authz.can(user, "reflection:edit", reflection):
            return Refusal.NOT_YOURS
    elif target.draft_key is None or not drafts.valid_draft_key(target.draft_key):
        return Refusal.NOT_YOURS
    return user.id


def _same_editor(target: Target) -> ColumnElement[bool]:
    return (
        ReflectionRescue.reflection_id == target.reflection_id
        if target.reflection_id is not None
        else ReflectionRescue.draft_key == target.draft_key
    )


def _limit(db: Session, key_hash: str, client: str, size: int, now: datetime) -> Refusal | None:
    """The first limit (rule 5) a new kept text would break, if any."""
    hour_ago = now - timedelta(hours=1)
    in_browser = db.scalar(
        select(func.count()).where(
            ReflectionRescue.key_hash == key_hash, ReflectionRescue.created_at > now - KEEP_FOR
        )
    )
    if (in_browser or 0) >= MAX_PER_BROWSER:
        return Refusal.BROWSER_FULL
    from_client = db.scalar(
        select(func.count()).where(
            ReflectionRescue.client_hash == client, ReflectionRescue.created_at > hour_ago
        )
    )
    if (from_client or 0) >= PER_CLIENT_PER_HOUR:
        return Refusal.NETWORK_BUSY
    count, total = db.execute(
        select(func.count(), func.coalesce(func.sum(ReflectionRescue.size), 0)).where(
            ReflectionRescue.created_at > hour_ago
        )
    ).one()
    if count >= OVERALL_PER_HOUR or total + size > OVERALL_BYTES_PER_HOUR:
        return Refusal.SERVICE_BUSY
    return None


def keep(
    db: Session,
    cookie: MutableMapping[str, Any],
    client: str,
    user: User | None,
    writer_id: int | None,
    target: Target,
    data: dict[str, list[str]],
    now: datetime,
) -> ReflectionRescue | Refusal:
    """Keep writing posted with this browser's token for its owner to choose to use later.

    `user` is the account signed in, if any; `writer_id` the user the page's signed `writer`
    field names; `client` an opaque tag for the IP address. The browser's key is created only
    when something is kept.
    """
    if not has_writing(data):
        return Refusal.NOTHING_TYPED
    owner = _owner(db, user, writer_id, target)
    if isinstance(owner, Refusal):
        return owner
    size = size_of(data)
    if size > MAX_BYTES:
        return Refusal.TOO_BIG
    key = _browser_key(cookie)
    existing = None
    if key is not None:
        # The same person posting from the same editor again (autosave keeps posting):
        # the newer writing replaces the older, which was never shown to anyone.
        existing = db.scalar(
            _mine(key, owner, now).where(_same_editor(target)).order_by(*_newest_first())
        )
    if existing is None:
        refusal = _limit(db, _hash(key) if key else "", client, size, now)
        if refusal is not None:
            return refusal
        if key is None:
            key = secrets.token_urlsafe(32)
            cookie[SESSION_KEY] = key
        existing = ReflectionRescue(
            key_hash=_hash(key),
            user_id=owner,
            reflection_id=target.reflection_id,
            draft_key=target.draft_key,
        )
        db.add(existing)
    existing.client_hash, existing.data, existing.size = client, data, size
    existing.created_at = now
    db.flush()
    return existing


# --- Getting it back -----------------------------------------------------------------------


def _newest_first() -> tuple[UnaryExpression[datetime], UnaryExpression[int]]:
    return (ReflectionRescue.created_at.desc(), ReflectionRescue.id.desc())


def _mine(key: str, owner_id: int, now: datetime) -> Select[ReflectionRescue]:
    """Kept text of this browser for this person, not yet expired (rule 3 and 6)."""
    return select(ReflectionRescue).where(
        ReflectionRescue.key_hash == _hash(key),
        ReflectionRescue.user_id == owner_id,
        ReflectionRescue.created_at > now - KEEP_FOR,
    )


def waiting(
    db: Session, cookie: MutableMapping[str, Any], user: User, now: datetime
) -> list[ReflectionRescue]:
    """Text this browser kept for this person that they have not used or discarded yet."""
    key = _browser_key(cookie)
    if key is None:
        return []
    return list(db.scalars(_mine(key, user.id, now).order_by(*_newest_first())))


def kept_for_editor(
    db: Session,
    cookie: MutableMapping[str, Any],
    user: User,
    target: Target,
    now: datetime,
    reflection: Reflection | None = None,
) -> ReflectionRescue | None:
    """The newest text this browser kept for this person from this editor, to offer back.

    A saved reflection's editor also offers what was kept from the new-reflection page it
    was first saved from.
    """
    key = _browser_key(cookie)
    if key is None:
        return None
    editor = _same_editor(target)
    if reflection is not None and reflection.draft_key:
        editor = or_(editor, ReflectionRescue.draft_key == reflection.draft_key)
    return db.scalar(_mine(key, user.id, now).where(editor).order_by(*_newest_first()))


def kept_text(
    db: Session, cookie: MutableMapping[str, Any], user: User, rescue_id: int, now: datetime
) -> ReflectionRescue | None:
    """One kept text, only for its owner in the browser that kept it; None for anyone else."""
    key = _browser_key(cookie)
    if key is None:
        return None
    return db.scalar(_mine(key, user.id, now).where(ReflectionRescue.id == rescue_id))


def _editor_of(db: Session, user: User, rescue: ReflectionRescue) -> Reflection | None:
    if rescue.reflection_id is not None:
        return db.get(Reflection, rescue.reflection_id)
    assert rescue.draft_key is not None
    return drafts.reflection_from_key(db, user, rescue.draft_key)


def destination(db: Session, user: User, rescue: ReflectionRescue) -> Target:
    """The editor where this kept text belongs now (a new reflection may have been saved)."""
    reflection = _editor_of(db, user, rescue)
    if reflection is not None:
        return Target(reflection_id=reflection.id)
    return Target(draft_key=rescue.draft_key)


def _forget(db: Session, cookie: MutableMapping[str, Any], rescue: ReflectionRescue) -> None:
    """Remove this kept text and any older copy from the same editor for the same person."""
    db.execute(
        delete(ReflectionRescue).where(
            ReflectionRescue.key_hash == rescue.key_hash,
            ReflectionRescue.user_id == rescue.user_id,
            ReflectionRescue.reflection_id.is_(None)
            if rescue.reflection_id is None
            else ReflectionRescue.reflection_id == rescue.reflection_id,
            ReflectionRescue.draft_key.is_(None)
            if rescue.draft_key is None
            else ReflectionRescue.draft_key == rescue.draft_key,
        )
    )
    db.flush()
    left = db.scalar(select(func.count()).where(ReflectionRescue.key_hash == rescue.key_hash))
    if not left:
        cookie.pop(SESSION_KEY, None)


def use(
    db: Session,
    cookie: MutableMapping[str, Any],
    user: User,
    rescue: ReflectionRescue,
    now: datetime,
) -> Target:
    """The person chose the kept text: it becomes their editor's draft, and is no longer kept."""
    reflection = _editor_of(db, user, rescue)
    if reflection is not None:
        if not authz.can(user, "reflection:edit", reflection):
            raise services.ReflectionError(
                "This reflection is in the bin. Restore it first, then use the text you kept."
            )
        existing = drafts.draft_for_reflection(db, reflection)
        if same_fields(rescue.data, saved_fields(reflection)):
            if existing is not None:
                drafts.discard_draft(db, existing)
        else:
            drafts.save_draft(db, user, rescue.data, now, reflection=reflection)
        target = Target(reflection_id=reflection.id)
    else:
        assert rescue.draft_key is not None
        drafts.save_draft(db, user, rescue.data, now, key=rescue.draft_key)
        target = Target(draft_key=rescue.draft_key)
    _forget(db, cookie, rescue)
    return target


def discard(
    db: Session, cookie: MutableMapping[str, Any], user: User, rescue: ReflectionRescue
) -> Target:
    """The person chose to throw the kept text away; their draft and reflection are untouched."""
    target = destination(db, user, rescue)
    _forget(db, cookie, rescue)
    return target


def purge_kept_text(db: Session, now: datetime) -> int:
    """Delete text kept after an expired sign-in once it can no longer be offered back (7 days):
    nothing is lost here."""
    return delete_where(
        db, ReflectionRescue, ReflectionRescue.created_at <= now - timedelta(days=RESCUE_DAYS)
    )
