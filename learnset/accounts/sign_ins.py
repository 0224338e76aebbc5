"""Sign-in sessions kept on the server, so that they can be listed and ended.

Each sign-in starts a row; the browser's cookie carries a random secret whose SHA-256 is the
row's key. A session is live until it is ended (signing out, from another device, by a password
change or reset, deactivation or an admin), reaches its absolute expiry, or goes unused for the
idle timeout. Idle and expired sessions are found on use and never written back, so a request
that finds one writes nothing; `purge` deletes every kind 30 days after it ended.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from sqlalchemy import ColumnElement, Select, String, bindparam, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from learnset.accounts.models import SignInSession, User
from learnset.cohorts.models import Membership
from learnset.db import delete_where, rowcount
from learnset.notifications.models import Notification
from learnset.tokens import hash_token, new_token

# Last use is written at most this often per session: a GET writes once a minute, not always.
TOUCH_EVERY = timedelta(minutes=1)
# How long a row stays after its session ended, for the person's and an admin's questions.
KEEP_ENDED_FOR = timedelta(days=30)


class Ended(StrEnum):
    """Why a sign-in session is over."""

    SIGNED_OUT = "signed-out"
    BY_OWNER = "ended-by-owner"
    PASSWORD_CHANGED = "password-changed"  # noqa: S105 - a reason, not a password
    PASSWORD_RESET = "password-reset"  # noqa: S105
    DEACTIVATED = "deactivated"
    BY_ADMIN = "ended-by-admin"
    # Found on use, never stored.
    IDLE = "idle"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Started:
    sign_in: SignInSession
    # Goes into the browser's cookie and nowhere else.
    secret: str


@dataclass(frozen=True)
class Check:
    """The outcome of a browser's sign-in secret: the user when live, else why it is over
    (`ended` is None when the secret matches no session at all)."""

    user: User | None
    sign_in: SignInSession | None
    ended: Ended | None


def start(
    db: Session,
    user: User,
    now: datetime,
    *,
    lifetime: timedelta,
    user_agent: str,
    ip: str | None,
    second_factor: bool = False,
) -> Started:
    """A new session for a sign-in, with a new secret: never one the browser brought along.
    `second_factor` when the sign-in passed one."""
    secret, secret_hash = new_token()
    sign_in = SignInSession(
        user_id=user.id,
        secret_hash=secret_hash,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        device=describe_device(user_agent),
        network=network_of(ip),
        second_factor_at=now if second_factor else None,
    )
    db.add(sign_in)
    db.flush()
    return Started(sign_in, secret)


def why_over(sign_in: SignInSession, user: User, now: datetime, idle: timedelta) -> Ended | None:
    """Why this session can no longer be used, or None while it is live."""
    if sign_in.ended_at is not None:
        return Ended(sign_in.ended_reason) if sign_in.ended_reason else Ended.SIGNED_OUT
    if not user.is_active:
        return Ended.DEACTIVATED
    if now >= sign_in.expires_at:
        return Ended.EXPIRED
    if now - sign_in.last_seen_at >= idle:
        return Ended.IDLE
    return None


@cache
def _session_and_user() -> Select[SignInSession, User, int, Membership]:
    """Built once: every request runs it, and building it costs more than running it."""
    # The header's count of unread notifications rides along, so it costs no statement.
    unread = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.recipient_id == User.id, Notification.read_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    # A row per membership (one with none when there are none), each membership an entity of
    # its own: the ORM's joined eager loading of the collection, and the `unique()` it needs,
    # cost a sixth more of this, the most frequent statement of all.
    return (
        select(SignInSession, User, unread, Membership)
        .join(User, User.id == SignInSession.user_id)
        .outerjoin(Membership, Membership.user_id == User.id)
        .where(SignInSession.secret_hash == bindparam("secret_hash", type_=String))
    )


def check(db: Session, secret: str, now: datetime, idle: timedelta) -> Check:
    """The user a browser's secret signs in, if its session is live and the account active.
    One query, the account loaded with the session and its memberships (which nearly every
    page's authorisation reads)."""
    if not isinstance(secret, str) or not secret or len(secret) > 100:
        return Check(None, None, None)
    rows = db.execute(_session_and_user(), {"secret_hash": hash_token(secret)}).all()
    if not rows:
        return Check(None, None, None)
    sign_in, user, unread, _ = rows[0]
    # Loaded as the collection itself would be: nothing to write back, no statement on reading.
    set_committed_value(user, "memberships", [row[3] for row in rows if row[3] is not None])
    user.unread_notifications = unread
    reason = why_over(sign_in, user, now, idle)
    return Check(None if reason else user, sign_in, reason)


def passed_second_factor(db: Session, sign_in: SignInSession, now: datetime) -> None:
    """This sign-in has proved a second factor (one set up while signed in)."""
    if sign_in.second_factor_at is None:
        sign_in.second_factor_at = now
        db.flush()


def forget_second_factor(db: Session, user: User) -> None:
    """The person has no second factor left: none of their sign-ins counts as having passed
    one, so if they must use one (now, or once made a tutor) they set one up at the next page."""
    db.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user.id, SignInSession.second_factor_at.is_not(None))
        .values(second_factor_at=None)
    )


def touch_due(sign_in: SignInSession, now: datetime) -> bool:
    return now - sign_in.last_seen_at >= TOUCH_EVERY


def touch(db: Session, sign_in_id: int, now: datetime) -> None:
    """Record that the session was used now. Conditional, so two requests at once write at most
    what one would, and last use never moves backwards."""
    db.execute(
        update(SignInSession)
        .where(
            SignInSession.id == sign_in_id,
            SignInSession.ended_at.is_(None),
            SignInSession.last_seen_at <= now - TOUCH_EVERY,
        )
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )


def _live(user: User, now: datetime, idle: timedelta) -> tuple[ColumnElement[bool], ...]:
    return (
        SignInSession.user_id == user.id,
        SignInSession.ended_at.is_(None),
        SignInSession.expires_at > now,
        SignInSession.last_seen_at > now - idle,
    )


def live_for(db: Session, user: User, now: datetime, idle: timedelta) -> list[SignInSession]:
    """The user's live sessions, most recently used first, in one query."""
    return list(
        db.scalars(
            select(SignInSession)
            .where(*_live(user, now, idle))
            .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
        )
    )


def live_count(db: Session, user: User, now: datetime, idle: timedelta) -> int:
    """How many devices the user is signed in on."""
    return db.scalar(select(func.count(SignInSession.id)).where(*_live(user, now, idle))) or 0


def end(db: Session, sign_in: SignInSession, reason: Ended, now: datetime) -> None:
    """End one session; ending it again changes nothing."""
    if sign_in.ended_at is None:
        sign_in.ended_at, sign_in.ended_reason = now, reason
        db.flush()


def end_all(
    db: Session, user: User, reason: Ended, now: datetime, keep: SignInSession | None = None
) -> int:
    """End every session of the user's, except the one kept; how many were still open."""
    query = update(SignInSession).where(
        SignInSession.user_id == user.id, SignInSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(SignInSession.id != keep.id)
    result = db.execute(query.values(ended_at=now, ended_reason=reason))
    db.flush()
    return rowcount(result)


def end_others(db: Session, user: User, this_device: SignInSession | None, now: datetime) -> int:
    """Sign out of every other device: end all the user's sessions but this one."""
    return end_all(db, user, Ended.BY_OWNER, now, keep=this_device)


def purge(db: Session, now: datetime, idle: timedelta) -> int:
    """Delete sessions that ended, expired or went idle more than 30 days ago."""
    cutoff = now - KEEP_ENDED_FOR
    return delete_where(
        db,
        SignInSession,
        or_(
            SignInSession.ended_at < cutoff,
            SignInSession.expires_at < cutoff,
            SignInSession.last_seen_at < cutoff - idle,
        ),
    )


# --- What the account page shows about a session ------------------------------------------------

# Checked in order: Edge, Opera and Samsung also say Chrome; Chrome also says Safari.
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
    ("Trident/", "Internet Explorer"),
    ("MSIE ", "Internet Explorer"),
)
# Android and ChromeOS also say Linux; iPhones say "like Mac OS X".
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)


def _first(header: str, names: tuple[tuple[str, str], ...]) -> str | None:
    return next((name for marker, name in names if marker in header), None)


def describe_device(user_agent: str) -> str:
    """A short, human summary of a User-Agent header ("Chrome on Windows"); the header itself
    is not kept."""
    browser, system = _first(user_agent, _BROWSERS), _first(user_agent, _SYSTEMS)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return f"{browser or 'A browser'}{f' on {system}' if system else ''}"
    return "Unknown browser"


def network_of(address: str | None) -> str:
    """Roughly where a session came from: the IPv4 /24 or IPv6 /48 network, never the address."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return "Unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
