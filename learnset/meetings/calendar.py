"""iCalendar: a personal feed of a user's sessions behind a secret address, and single events.

The secret address is `<key>.<signature>`: the key is random and stored; the signature is an
HMAC of the key with SECRET_KEY and is never stored. The page can therefore show the address
again whenever the user needs it, while a copy of the database alone opens no feed. Revoking
deletes the row; making a new address replaces the key. Rotating SECRET_KEY turns off every
feed address, which users then make again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.forms import one_line
from learnset.meetings.models import CalendarFeed, Meeting

PRODUCT_ID = "-//Learnset//Learning set sessions//EN"
# Writing last_used_at on every poll would turn each calendar refresh into a write.
USE_RECORDED_EVERY = timedelta(hours=1)


def _signature(key: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"calendar-feed:{key}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def feed_token(feed: CalendarFeed, secret: str) -> str:
    return f"{feed.key}.{_signature(feed.key, secret)}"


def feed_for(db: Session, user: User) -> CalendarFeed | None:
    return db.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def make_feed(db: Session, user: User, now: datetime) -> CalendarFeed:
    """Give the user a new secret address; any previous one stops working."""
    feed = feed_for(db, user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.add(feed)
    feed.key = secrets.token_urlsafe(24)
    feed.created_at = now
    feed.last_used_at = None
    db.flush()
    return feed


def revoke_feed(db: Session, user: User) -> bool:
    """Turn off the user's secret address. True when there was one."""
    feed = feed_for(db, user)
    if feed is None:
        return False
    db.delete(feed)
    db.flush()
    return True


def find_feed(db: Session, token: str, secret: str) -> CalendarFeed | None:
    """The feed a secret address opens, or None. Reads only (see record_use)."""
    key, _, signature = token.partition(".")
    if not key or not hmac.compare_digest(signature.encode(), _signature(key, secret).encode()):
        return None
    feed = db.scalar(select(CalendarFeed).where(CalendarFeed.key == key))
    if feed is None or not feed.user.is_active:
        return None
    return feed


def use_due(feed: CalendarFeed, now: datetime) -> bool:
    return feed.last_used_at is None or now - feed.last_used_at > USE_RECORDED_EVERY


def record_use(db: Session, feed_id: int, now: datetime) -> None:
    """Note that a calendar read the feed now, at most once an hour. Conditional, so two polls
    at once write at most what one would, and the last use never moves back."""
    db.execute(
        update(CalendarFeed)
        .where(
            CalendarFeed.id == feed_id,
            or_(
                CalendarFeed.last_used_at.is_(None),
                CalendarFeed.last_used_at <= now - USE_RECORDED_EVERY,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def _event(meeting: Meeting, host: str, url: str, now: datetime) -> Event:
    event = Event()
    # The UID stays the same for the life of the session, so calendars update, not duplicate.
    event.add("uid", f"session-{meeting.id}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    draft = not meeting.is_published
    summary = f"{meeting.display_title}: {meeting.cohort.name}"
    event.add("summary", f"Draft: {summary}" if draft else summary)
    event.add("status", "TENTATIVE" if draft else "CONFIRMED")
    event.add("location", meeting.place or meeting.online_link or "To be confirmed")
    event.add("url", url)
    lines = []
    if meeting.online_link:
        lines.append(f"Join online: {meeting.online_link}")
    lines.append(f"Session page: {url}")
    event.add("description", "\n".join(lines))
    return event


def build_calendar(
    meetings: Iterable[Meeting],
    base_url: str,
    session_url: Callable[[Meeting], str],
    now: datetime,
    name: str = "Learnset sessions",
) -> bytes:
    """An iCalendar file (RFC 5545) with one event per session, times in UTC."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is written as given, and a line break would end its line.
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("x-wr-timezone", "Europe/London")
    host = urlsplit(base_url).hostname or "learnset.invalid"
    for meeting in meetings:
        calendar.add_component(_event(meeting, host, session_url(meeting), now))
    return calendar.to_ical()
