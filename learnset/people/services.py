"""An admin's changes to someone's account: whether they can sign in, whether they are an admin."""

from __future__ import annotations

from sqlalchemy.orm import Session

from learnset.accounts.models import User, new_session_token


class PeopleError(ValueError):
    """A rule about accounts was broken; the message says which, for the admin acting."""


def deactivate(db: Session, person: User, by: User) -> None:
    """They can no longer sign in, and are signed out everywhere at their next request.
    Their memberships and everything they wrote stay as they are."""
    if person.id == by.id:
        raise PeopleError("You cannot deactivate your own account")
    person.is_active = False
    person.session_token = new_session_token()
    db.flush()


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
