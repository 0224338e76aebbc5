"""Two-factor authentication's rules: an authenticator app (TOTP) and ten recovery codes.

A code from the app is accepted once: the time step it belongs to is stored, and a code of that
step or an earlier one is refused, so a code read over someone's shoulder cannot be used again
within its window. Wrong codes count as failed sign-ins (lockout.py) under a key of their own,
so guessing a code pauses only the person guessing, as guessing a password does. No Flask here.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyotp
import segno
from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from learnset import audit
from learnset.accounts import lockout, passkeys, sign_ins
from learnset.accounts.models import Passkey, RecoveryCode, TwoFactor, User
from learnset.accounts.personal_data import Read
from learnset.cohorts.models import Role
from learnset.dates import uk_time
from learnset.db import rowcount
from learnset.errors import DomainError
from learnset.ids import number_in
from learnset.tokens import hash_token

ISSUER = "Learnset"
# Lower-case base32: no 0, 1 or 8 to mistake for o, l or b.
RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
RECOVERY_CODES = 10
# One step either side of now: a phone's clock a little out, or a code typed as it changed.
DRIFT_STEPS = 1
WRONG_CODE = "Enter the 6-digit code your authenticator app shows now, or a recovery code"
CODE_TOO_OLD = "That code has been used. Wait for your app to show a new one"


class TwoFactorError(DomainError):
    """A rule about two-factor authentication was broken."""


def new_secret() -> str:
    """A fresh TOTP secret (160 bits, base32) for someone setting up an app."""
    return pyotp.random_base32(32)


def setup_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(secret: str, email: str) -> str:
    """The setup address as an inline SVG QR code, drawn here: nothing loads from elsewhere."""
    code = segno.make(setup_uri(secret, email), error="m")
    svg: str = code.svg_inline(
        scale=4, title="QR code to add Learnset to your authenticator app", svgclass="app-qr-code"
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app than one long string."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def is_required(user: User) -> bool:
    """Admins and tutors must use a second factor; participants may choose to."""
    if user.is_admin:
        return True
    return any(m.role == Role.TUTOR.value for m in user.memberships)


def app_of(db: Session, user: User) -> TwoFactor | None:
    return db.get(TwoFactor, user.id)


def has_two_factor(db: Session, user: User) -> bool:
    """Whether they have an authenticator app set up."""
    return app_of(db, user) is not None


def has_second_factor(db: Session, user: User) -> bool:
    """An authenticator app or a passkey: either is asked for after the password."""
    return has_two_factor(db, user) or passkeys.has_passkey(db, user)


def after_removing(db: Session, user: User) -> None:
    """Once their last second factor has gone, no sign-in of theirs counts as having passed
    one: if they must use one (now, or once made a tutor) they set one up at the next page."""
    if not has_second_factor(db, user):
        sign_ins.forget_second_factor(db, user)


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def looks_like_app_code(typed: str) -> bool:
    """Six ASCII digits: "²" and "٣" are digits to str.isdigit(), and hmac.compare_digest
    refuses to compare text outside ASCII."""
    return len(typed) == 6 and number_in(typed) is not None


def _step_matching(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is, within the drift allowed, or None."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def code_is_right(secret: str, code: str, now: datetime) -> bool:
    """Whether a code typed while setting up belongs to this secret now."""
    code = _normalise(code)
    return looks_like_app_code(code) and _step_matching(secret, code, now) is not None


def _digest(code: str) -> str:
    return hash_token(_normalise(code))


def _recovery_code() -> str:
    # 10 characters of base32 (50 bits), shown as two groups of five.
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _new_recovery_codes(db: Session, user: User) -> list[str]:
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    db.add_all(RecoveryCode(user_id=user.id, code_digest=_digest(code)) for code in codes)
    db.flush()
    return codes


def set_up(db: Session, user: User, secret: str, code: str, now: datetime) -> list[str]:
    """Keep the app's secret once a code from it proves it set up, and give ten new recovery
    codes, returned once and stored only as digests."""
    if app_of(db, user) is not None:
        raise TwoFactorError("Two-factor authentication is already set up", "code")
    code = _normalise(code)
    step = _step_matching(secret, code, now) if looks_like_app_code(code) else None
    if step is None:
        raise TwoFactorError(
            "Enter the 6-digit code your authenticator app shows for Learnset", "code"
        )
    db.add(TwoFactor(user_id=user.id, secret=secret, set_up_at=now, last_used_step=step))
    codes = _new_recovery_codes(db, user)
    audit.record(db, audit.AuditKind.TWO_FACTOR_SET_UP, actor_id=user.id, now=now)
    return codes


def recovery_codes_left(db: Session, user: User) -> int:
    return (
        db.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def new_recovery_codes(db: Session, user: User, now: datetime) -> list[str]:
    """Replace every recovery code, used or not, with ten new ones."""
    if app_of(db, user) is None:
        raise TwoFactorError("Set up two-factor authentication first")
    codes = _new_recovery_codes(db, user)
    audit.record(db, audit.AuditKind.RECOVERY_CODES_REPLACED, actor_id=user.id, now=now)
    return codes


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code typed at sign-in. Accepted, or `problem` says why not, to show
    beside the field (`paused` when it was not even checked). `recovery_codes_left` is set
    when a recovery code was used, so the person can be told how many remain."""

    accepted: bool
    problem: str = ""
    paused: lockout.Pause | None = None
    recovery_codes_left: int | None = None


def _failure_key(user: User) -> str:
    # Counted apart from failed passwords, under a key no typed address can match.
    return f"second-factor:{user.id}"


# A code is taken by a conditional UPDATE, never read then written: two sign-ins racing with
# the same code would otherwise both read it unused, and both pass (PostgreSQL lets the second
# write once the first commits; the condition, checked again then, stops it).


def _accept_app_code(db: Session, app: TwoFactor, typed: str, now: datetime) -> str | None:
    """Accept a code from the app, once per time step; or why it is refused."""
    step = _step_matching(app.secret, typed, now)
    if step is None:
        return WRONG_CODE
    if step <= app.last_used_step:
        return CODE_TOO_OLD
    taken = db.execute(
        update(TwoFactor)
        .where(TwoFactor.user_id == app.user_id, TwoFactor.last_used_step < step)
        .values(last_used_step=step)
    )
    return None if rowcount(taken) == 1 else CODE_TOO_OLD


def _use_recovery_code(db: Session, user: User, typed: str, now: datetime) -> int | None:
    """Mark an unused recovery code of theirs used: how many are left, or None if it is not one."""
    used = db.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_digest == _digest(typed),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    if rowcount(used) == 0:
        return None
    left = recovery_codes_left(db, user)
    audit.record(
        db,
        audit.AuditKind.RECOVERY_CODE_USED,
        actor_id=user.id,
        detail=f"{left} recovery codes left",
        now=now,
    )
    return left


def check_code(
    db: Session,
    user: User,
    code: str,
    address: str | None,
    now: datetime,
    limits: lockout.Limits,
) -> CodeCheck:
    """Accept a code from the person's app (once per time step) or one of their unused recovery
    codes, unless too many wrong codes have come from this client lately. A wrong code is
    counted and logged; a recovery code used is logged with how many remain."""
    app = app_of(db, user)
    if app is None:
        raise TwoFactorError("Two-factor authentication is not set up for this account", "code")
    key = _failure_key(user)
    paused = lockout.pause(db, key, address, now, limits)
    if paused is not None:
        audit.record(
            db, audit.AuditKind.TWO_FACTOR_PAUSED, actor_id=None, subject_id=user.id, now=now
        )
        problem = (
            "There have been too many wrong codes. For your security, codes are not being "
            f"checked until {uk_time(paused.until)}"
        )
        return CodeCheck(False, problem, paused=paused)
    typed = _normalise(code)
    left: int | None = None
    if looks_like_app_code(typed):
        problem_or_none = _accept_app_code(db, app, typed, now)
    else:
        left = _use_recovery_code(db, user, typed, now)
        problem_or_none = WRONG_CODE if left is None else None
    if problem_or_none is not None:
        lockout.record_failure(db, key, address, now)
        audit.record(
            db, audit.AuditKind.TWO_FACTOR_FAILED, actor_id=None, subject_id=user.id, now=now
        )
        return CodeCheck(False, problem_or_none)
    lockout.forget_from_client(db, key, address)
    audit.record(db, audit.AuditKind.TWO_FACTOR_PASSED, actor_id=user.id, now=now)
    db.flush()
    return CodeCheck(True, recovery_codes_left=left)


def _remove(db: Session, user: User) -> None:
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.flush()


def turn_off(db: Session, user: User, now: datetime) -> None:
    """A participant stops using a second factor (the view has checked a code or password).
    Those who must use one cannot turn it off."""
    if is_required(user):
        raise TwoFactorError(
            "Tutors and admins must use two-factor authentication, so it cannot be turned off"
        )
    _remove(db, user)
    after_removing(db, user)
    audit.record(db, audit.AuditKind.TWO_FACTOR_TURNED_OFF, actor_id=user.id, now=now)


def reset(db: Session, person: User, by: User, now: datetime) -> None:
    """An admin removes someone's second factors, app and passkeys (a lost phone and no recovery
    codes): they sign in with their password and, if they must use one, set up a new app
    straight away."""
    if person.id == by.id:
        raise TwoFactorError(
            "You cannot reset your own two-factor authentication. Ask another admin."
        )
    if not has_second_factor(db, person):
        raise TwoFactorError(f"{person.name} has not set up two-factor authentication")
    _remove(db, person)
    db.execute(delete(Passkey).where(Passkey.user_id == person.id))
    sign_ins.forget_second_factor(db, person)
    audit.record(
        db, audit.AuditKind.TWO_FACTOR_RESET, actor_id=by.id, subject_id=person.id, now=now
    )


# --- The person's part of "download your data", and of deleting their account ----------------


def personal_data_reads(person: ColumnElement[int]) -> dict[str, Read]:
    """What Learnset holds about how they sign in: never a secret, a code or a key. Each
    passkey (or none), with the app's date and the codes left beside it."""
    app_set_up_at = select(TwoFactor.set_up_at).where(TwoFactor.user_id == person)
    codes_left = select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == person, RecoveryCode.used_at.is_(None)
    )
    return {
        "passkeys": select(
            app_set_up_at.scalar_subquery().label("app_set_up_at"),
            codes_left.scalar_subquery().label("codes_left"),
            Passkey.id,
            Passkey.name,
            Passkey.created_at,
            Passkey.last_used_at,
        )
        .select_from(User)
        .outerjoin(Passkey, Passkey.user_id == User.id)
        .where(User.id == person)
        .order_by(Passkey.created_at, Passkey.id)
    }


def build_personal_data(user: User, rows: dict[str, list[dict[str, Any]]]) -> dict[str, object]:
    # The person's own row is always there (with no passkey, its passkey columns are empty).
    keys = rows["passkeys"]
    set_up_at = keys[0]["app_set_up_at"]
    return {
        "authenticator_app_set_up_at": set_up_at.isoformat() if set_up_at else None,
        "recovery_codes_left": keys[0]["codes_left"],
        "passkeys": [
            {
                "name": key["name"],
                "added_at": key["created_at"].isoformat(),
                "last_used_at": key["last_used_at"].isoformat() if key["last_used_at"] else None,
            }
            for key in keys
            if key["id"] is not None
        ],
    }


def erase_personal_data(db: Session, user: User) -> None:
    """Their app, recovery codes and passkeys go with the account."""
    _remove(db, user)
    db.execute(delete(Passkey).where(Passkey.user_id == user.id))
