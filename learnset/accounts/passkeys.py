"""Passkeys' rules (WebAuthn, checked by the `webauthn` package): registering one, signing in
with one, removing one. No Flask here: the views keep each challenge in the session, use it
once, and pass it in with the relying party (this service's host name) and origin.

A passkey is a second factor after a password. Used to sign in on its own, with the person
verified on the device (a PIN or fingerprint), it counts as both factors: something they have
and something they know or are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from learnset import audit
from learnset.accounts.models import Passkey, User
from learnset.errors import DomainError

SERVICE_NAME = "Learnset"
MAX_PASSKEYS = 10
NOT_ACCEPTED = "That passkey was not accepted. Try again, or sign in with your password"


class PasskeyError(DomainError):
    """A rule about passkeys was broken."""


@dataclass(frozen=True)
class RelyingParty:
    """Who the browser is asked to make or show a passkey for: this service's host name and
    its origin (scheme, host and port), both from BASE_URL."""

    id: str
    origin: str


@dataclass(frozen=True)
class Ceremony:
    """Options for the browser as JSON, and the challenge in them, to keep and use once."""

    options: str
    challenge: bytes


def passkeys_of(db: Session, user: User) -> list[Passkey]:
    return list(
        db.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at))
    )


def has_passkey(db: Session, user: User) -> bool:
    count = db.scalar(select(func.count(Passkey.id)).where(Passkey.user_id == user.id))
    return bool(count)


def registration(db: Session, user: User, rp: RelyingParty) -> Ceremony:
    """Options to make a new passkey for this account: discoverable, so it can sign in without
    an email address, and never a second one on a device that already holds one."""
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=SERVICE_NAME,
        user_name=user.email,
        user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
            for key in passkeys_of(db, user)
        ],
    )
    return Ceremony(options_to_json(options), options.challenge)


def register(
    db: Session,
    user: User,
    credential: str,
    challenge: bytes,
    rp: RelyingParty,
    name: str,
    now: datetime,
) -> Passkey:
    """Keep a new passkey once the browser's response proves it answers this challenge, for
    this service, from this origin."""
    if len(passkeys_of(db, user)) >= MAX_PASSKEYS:
        raise PasskeyError(f"You can have up to {MAX_PASSKEYS} passkeys. Remove one first", "name")
    # Any of the package's exceptions: a malformed answer raises InvalidJSONStructure and the
    # like, not only InvalidRegistrationResponse (or InvalidAuthenticationResponse, below).
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyError(
            "The passkey could not be added. Try again, or use another device", "name"
        ) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.scalar(select(Passkey.id).where(Passkey.credential_id == credential_id)):
        raise PasskeyError("That passkey is already added", "name")
    passkey = Passkey(
        user_id=user.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=name.strip() or "Passkey",
        created_at=now,
    )
    db.add(passkey)
    db.flush()
    audit.record(db, audit.AuditKind.PASSKEY_ADDED, actor_id=user.id, detail=passkey.name, now=now)
    return passkey


def authentication(db: Session, rp: RelyingParty, user: User | None = None) -> Ceremony:
    """Options to sign in with a passkey: any passkey for this service on the device (the
    browser offers its own list), or, as a second factor, one of this person's."""
    allow = None
    if user is not None:
        allow = [
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
            for key in passkeys_of(db, user)
        ]
    options = generate_authentication_options(
        rp_id=rp.id,
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.REQUIRED
        if user is None
        else UserVerificationRequirement.PREFERRED,
    )
    return Ceremony(options_to_json(options), options.challenge)


def _credential_id(credential: str) -> str:
    try:
        data = json.loads(credential)
    except ValueError:
        return ""
    raw = data.get("rawId") or data.get("id") if isinstance(data, dict) else None
    return raw if isinstance(raw, str) else ""


def authenticate(
    db: Session,
    credential: str,
    challenge: bytes,
    rp: RelyingParty,
    now: datetime,
    user: User | None = None,
) -> Passkey:
    """The passkey that signed this challenge. Without `user` (signing in without a password)
    the person must have been verified on the device; with `user` (a second factor) it must be
    one of theirs. Its signature counter must move on, or stay at 0 for devices without one."""
    passkey = db.scalar(select(Passkey).where(Passkey.credential_id == _credential_id(credential)))
    if passkey is None or (user is not None and passkey.user_id != user.id):
        raise PasskeyError(NOT_ACCEPTED)
    if not passkey.user.is_active:
        raise PasskeyError(NOT_ACCEPTED)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=user is None,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyError(NOT_ACCEPTED) from error
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = now
    passkey.user.last_signed_in_at = now
    kind = audit.AuditKind.PASSKEY_USED
    how = "as a second factor" if user is not None else "to sign in without a password"
    audit.record(db, kind, actor_id=passkey.user_id, detail=f"{passkey.name}, {how}", now=now)
    db.flush()
    return passkey


def remove(db: Session, user: User, passkey: Passkey, now: datetime, keep_one: bool) -> None:
    """Remove one of one's own passkeys; `keep_one` when it may be their only second factor
    and they must have one (a tutor or admin without an authenticator app)."""
    if keep_one and len(passkeys_of(db, user)) <= 1:
        raise PasskeyError(
            "Tutors and admins must keep a second factor. Set up an authenticator app or "
            "add another passkey before removing this one"
        )
    db.delete(passkey)
    db.flush()
    audit.record(
        db, audit.AuditKind.PASSKEY_REMOVED, actor_id=user.id, detail=passkey.name, now=now
    )
