"""The sign-in session tests' own helpers: signing in from a given device and address, reading
the cookie and the sessions, and moving a session back in time (rows move, the clock is never
mocked). Signing in and out as such is in tests/helpers.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from learnset.accounts.models import SignInSession
from tests.helpers import TEST_PASSWORD, sign_in

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def sign_in_from(
    client: Any,
    user: Any,
    *,
    ip: str = "198.51.100.23",
    agent: str = CHROME_ON_WINDOWS,
    password: str = TEST_PASSWORD,
) -> Any:
    """Sign in through the form, as a browser on that device and address would."""
    client.environ_base.update(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
    return sign_in(client, user, password=password)


def cookie_of(client: Any) -> dict[str, Any]:
    with client.session_transaction() as cookie:
        return dict(cookie)


def sessions_of(db: Any, user: Any) -> list[SignInSession]:
    db.expire_all()
    return list(
        db.scalars(
            select(SignInSession).where(SignInSession.user_id == user.id).order_by(SignInSession.id)
        )
    )


def move_back(db: Any, sign_in_id: int, **columns: Any) -> None:
    """Make a session look older: `last_seen_at=timedelta(minutes=31)` moves it 31 minutes back."""
    row = db.get(SignInSession, sign_in_id)
    for column, ago in columns.items():
        setattr(row, column, getattr(row, column) - ago)
    db.commit()
