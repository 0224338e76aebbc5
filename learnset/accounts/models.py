from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from learnset.db import Base, Model, utcnow
from learnset.encryption import EncryptedString


def normalise_email(email: str) -> str:
    return email.strip().lower()


class User(UserMixin, Model):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(160), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]

    # Roles in learning sets. Membership belongs to the cohorts feature, above accounts, so it is
    # named rather than imported: the mapper finds it once every model is loaded.
    memberships: Mapped[list[Any]] = relationship(
        "Membership", back_populates="user", cascade="all, delete-orphan"
    )

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return normalise_email(value)

    # The secret of the sign-in session this object was loaded through or signed in with, set
    # by learnset.accounts.security; not a column. The sign-in cookie holds it, never the user's id.
    # Its type is declared apart: the ORM would take an annotation here for a column.
    if TYPE_CHECKING:
        sign_in_secret: str | None
    sign_in_secret = None
    # How many unread notifications the person has, counted in the same query that loads
    # them for a request (learnset/accounts/sign_ins.py), for the header; None when not loaded so.
    if TYPE_CHECKING:
        unread_notifications: int | None
    unread_notifications = None

    @property
    def has_password(self) -> bool:
        """False for an account made by single sign-on, which signs in that way."""
        return bool(self.password_hash)

    def get_id(self) -> str:
        if not self.sign_in_secret:
            raise RuntimeError(
                "Sign in through learnset.accounts.security.sign_in_user, not login_user"
            )
        return self.sign_in_secret

    # Flask-Login's UserMixin compares get_id(), which is now a sign-in secret: two objects for
    # one account are equal whichever session loaded them or signed them in.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, User):
            return NotImplemented
        if self.id is None or other.id is None:
            return self is other
        return self.id == other.id

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class SignInSession(Model):
    """One browser's sign-in, kept on the server so it can be listed and ended. The cookie
    carries a random secret; only its SHA-256 is stored. A session is live until it is ended,
    reaches `expires_at`, or goes unused for the idle timeout (a setting, checked on use)."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (Index("ix_sign_in_sessions_user_id_ended_at", "user_id", "ended_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    # Written at most once a minute, so it lags real use by up to a minute.
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    # "Chrome on Windows": a summary, never the whole User-Agent header.
    device: Mapped[str] = mapped_column(String(60))
    # The network only (an IPv4 /24 or IPv6 /48), never the full address.
    network: Mapped[str] = mapped_column(String(50))
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(20))
    # When this sign-in passed a second factor: at its second step, or by setting one up while
    # signed in. None if it did not, or if every second factor the person had has gone since.
    # Tutors and admins need it set to open any page (second_step.ask_when_due).
    second_factor_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<SignInSession {self.id} of user {self.user_id}>"


class SignInFailure(Model):
    """One failed sign-in, kept for the lockout window so every server counts the same
    failures. The address typed is kept only as a SHA-256 digest; `client` is the IP address
    (for IPv6, its /64 network, since one device often holds a whole /64)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_email_digest_client", "email_digest", "client", "failed_at"),
        Index("ix_sign_in_failures_client_failed_at", "client", "failed_at"),
    )

    email_digest: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(50))
    failed_at: Mapped[datetime] = mapped_column(index=True)


class TwoFactor(Base):
    """A person's authenticator app: the shared TOTP secret, kept once a code from the app has
    proved it set up. `last_used_step` is the 30-second time step of the last code accepted, so
    a code works once: a code of that step or an earlier one is refused."""

    __tablename__ = "two_factor_apps"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # Base32, as authenticator apps take it; needed whole to check codes, so not a hash, but
    # encrypted with TWO_FACTOR_KEY (learnset/encryption.py): a copy of the database alone
    # cannot make codes.
    secret: Mapped[str] = mapped_column(EncryptedString(255))
    set_up_at: Mapped[datetime]
    last_used_step: Mapped[int] = mapped_column(BigInteger, default=0)


class RecoveryCode(Model):
    """One of the ten single-use codes that stand in for the app when it is lost; shown once,
    stored as a SHA-256 digest (each code has 50 random bits, so no slow hash is needed)."""

    __tablename__ = "recovery_codes"
    __table_args__ = (Index("ix_recovery_codes_user_id", "user_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_digest: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class Passkey(Model):
    """A passkey (a WebAuthn credential) someone registered: a second factor after their
    password, or a way to sign in without one. Only its public key is kept."""

    __tablename__ = "passkeys"
    __table_args__ = (Index("ix_passkeys_user_id", "user_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # base64url, as browsers send it.
    credential_id: Mapped[str] = mapped_column(String(700), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class RequiredSsoDomain(Model):
    """An email domain an admin has said must sign in by single sign-on: its addresses are
    refused a password sign-in and a password reset. SSO_REQUIRED_DOMAINS adds more, fixed."""

    __tablename__ = "required_sso_domains"

    # Lower case, without the @.
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime]
