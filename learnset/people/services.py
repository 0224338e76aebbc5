"""An admin's changes to someone's account: whether they can sign in, whether they are an admin."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from learnset.accounts import sign_ins
from learnset.accounts.models import User
from learnset.errors import DomainError


class PeopleError(DomainError):
    """A rule about accounts was broken; the message says which, for the admin acting."""


def deactivate(db: Session, person: User, by: User, now: datetime) -> None:
    """They can no longer sign in, and every sign-in session of theirs ends. Their memberships
    and everything they wrote stay as they are."""
    if person.id == by.id:
        raise PeopleError("You cannot deactivate your own account")
    person.is_active = False
    sign_ins.end_all(db, person, sign_ins.Ended.DEACTIVATED, now)
    db.flush()


def sign_out_everywhere(db: Session, person: User, by: User, now: datetime) -> int:
    """End every sign-in session of theirs (a lost phone, a shared computer); they can sign in
    again with their password. Admins end their own from their account page."""
    if person.id == by.id:
        raise PeopleError(
            "To sign yourself out of other devices, use 'Sign out of all other devices' on "
            "your account page"
        )
    return sign_ins.end_all(db, person, sign_ins.Ended.BY_ADMIN, now)


def reactivate(db: Session, person: User) -> None:
    person.is_active = True
    db.flush()


def set_admin(db: Session, person: User, by: User, is_admin: bool) -> None:
    """Grant or remove the programme admin's rights. Nobody removes their own, so there is
    always at least one admin."""
    if not is_admin and person.id == by.id:
        raise PeopleError("You cannot remove your own admin rights. Ask another admin.")
    if is_admin and not person.is_active:
        raise PeopleError("Reactivate the account before making them an admin")
    person.is_admin = is_admin
    db.flush()
