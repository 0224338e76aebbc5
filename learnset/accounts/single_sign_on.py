"""Single sign-on: which account a provider's verified identity signs in to, and which
addresses must sign in that way. The OpenID Connect exchange itself is in sso_views.py; by the
time these rules run, the ID token's signature, issuer, audience, expiry and nonce have passed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from learnset import audit
from learnset.accounts.models import User, normalise_email
from learnset.accounts.required_domains import domain_of
from learnset.accounts.services import find_user_by_email
from learnset.errors import DomainError

METHOD = "Single sign-on"
# Microsoft Entra ID sends no email_verified claim; its optional claim xms_edov says that the
# email's domain is one the user's organisation has proved it owns.
VERIFIED_CLAIMS = ("email_verified", "xms_edov")


class SingleSignOnRefused(DomainError):
    """The provider vouched for someone, but not for an account that may sign in here."""

    status = 403

    def __init__(self, message: str, why: str, subject: User | None = None):
        super().__init__(message)
        # For the audit log: never the address itself.
        self.why = why
        self.subject = subject


def _verified(claims: Mapping[str, Any]) -> bool:
    # Only a real true counts: a provider sending the string "false" has not verified anything.
    return any(claims.get(name) is True for name in VERIFIED_CLAIMS)


def account_for(
    db: Session,
    claims: Mapping[str, Any],
    allowed_domains: Iterable[str],
    now: datetime,
) -> User:
    """The active account whose address the provider has verified, in an allowed domain (any
    domain when none is set). Nobody gets an account from single sign-on alone: accounts come
    from invitations. Each outcome goes in the audit log with the method, never the address."""
    try:
        user = _match(db, claims, frozenset(allowed_domains))
    except SingleSignOnRefused as refused:
        _record_refusal(db, refused, now)
        raise
    user.last_signed_in_at = now
    audit.record(db, audit.AuditKind.SIGNED_IN, actor_id=user.id, detail=METHOD, now=now)
    return user


def address_to_join_with(
    db: Session, claims: Mapping[str, Any], allowed_domains: Iterable[str], now: datetime
) -> str | None:
    """For an invitation's page: the address the provider verified, in an allowed domain, when
    no account has it yet (the page makes one, if it is the invitation's address); None when
    an account has it, to be signed in to as usual. A refusal is logged as in `account_for`."""
    try:
        email = _verified_email(claims, frozenset(allowed_domains))
    except SingleSignOnRefused as refused:
        _record_refusal(db, refused, now)
        raise
    return email if find_user_by_email(db, email) is None else None


def _record_refusal(db: Session, refused: SingleSignOnRefused, now: datetime) -> None:
    audit.record(
        db,
        audit.AuditKind.SIGN_IN_FAILED,
        actor_id=None,
        subject_id=refused.subject.id if refused.subject else None,
        detail=f"{METHOD}: {refused.why}",
        now=now,
    )


def _verified_email(claims: Mapping[str, Any], allowed: frozenset[str]) -> str:
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SingleSignOnRefused(
            "Your organisation's account did not give Learnset an email address, so we "
            "cannot tell which Learnset account is yours. Sign in with your password instead.",
            "no email address given",
        )
    if allowed and domain_of(email) not in allowed:
        raise SingleSignOnRefused(
            f"Single sign-on is not set up for {domain_of(email)} addresses. "
            "Sign in with your email address and password instead.",
            "email domain not allowed",
        )
    if not _verified(claims):
        raise SingleSignOnRefused(
            "Your organisation has not confirmed that the email address on your account is "
            "yours, so Learnset cannot use it to sign you in. Sign in with your password instead.",
            "email address not verified",
        )
    return normalise_email(email)


def _match(db: Session, claims: Mapping[str, Any], allowed: frozenset[str]) -> User:
    email = _verified_email(claims, allowed)
    user = find_user_by_email(db, email)
    if user is None or not user.is_active:
        raise SingleSignOnRefused(
            f"There is no active Learnset account for {email}. Accounts are "
            "made by invitation: ask the tutor of your learning set or the programme team.",
            "no active account has the verified address",
            subject=user,
        )
    return user
