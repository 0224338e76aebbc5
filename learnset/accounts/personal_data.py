"""Everything Learnset holds about a person: one download, and one way to delete it all.

Each feature that stores personal data registers a section here: a name, an exporter
`(db, user) -> JSON-able` and an eraser `(db, user) -> None` that deletes the user's private
data and anonymises what others can still see. Deleting an account runs every eraser, then
removes the memberships and the account row itself. Every foreign key to `users.id` must say
what happens on delete (CASCADE or SET NULL), so deleting the row never fails or dangles:
`tests/accounts/test_personal_data.py` checks that for every table, including later ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, joinedload

from learnset import files
from learnset.accounts.models import SignInSession, User
from learnset.cohorts.models import Invitation, Membership
from learnset.downloads import json_document
from learnset.files.models import FileBlob
from learnset.files.zips import stream_zip

Exporter = Callable[[Session, User], Any]
# A feature's stored files for the download: each with its path inside the zip.
FileSource = Callable[[Session, User], Iterable[tuple[str, FileBlob]]]
Eraser = Callable[[Session, User], None]


@dataclass(frozen=True)
class Section:
    name: str
    export: Exporter
    erase: Eraser | None = None


_SECTIONS: dict[str, Section] = {}


def register(name: str, export: Exporter, erase: Eraser | None = None) -> None:
    """Add a feature's section to the download and to account deletion (once per name)."""
    _SECTIONS[name] = Section(name, export, erase)


_FILES: dict[str, FileSource] = {}


def register_files(name: str, source: FileSource) -> None:
    """Add a feature's stored files to the download (once per name)."""
    _FILES[name] = source


def sections() -> list[Section]:
    return list(_SECTIONS.values())


def export_all(db: Session, user: User, now: datetime) -> dict[str, Any]:
    """The user's personal data from every registered feature, as one JSON-able document."""
    return {
        "service": "Learnset",
        "exported_at": now.isoformat(timespec="seconds"),
        **{section.name: section.export(db, user) for section in sections()},
    }


def zip_entries(db: Session, user: User, now: datetime) -> list[tuple[str, bytes | FileBlob]]:
    """What the download of a person's data holds, read in a fixed number of queries: the
    document as your-data.json, then every file they stored, each with its path in the zip."""
    document = json_document(export_all(db, user, now))
    found: list[tuple[str, bytes | FileBlob]] = [("your-data.json", document)]
    for source in _FILES.values():
        found += source(db, user)
    return found


def stream_zip_of(
    sessions: Callable[[], Session], found: list[tuple[str, bytes | FileBlob]]
) -> Iterator[bytes]:
    """The zip of `zip_entries`, made as it is sent (files/zips.py); each stored file's chunks
    read in short sessions of their own, so a slow download holds no connection."""
    return stream_zip(
        (path, [content] if isinstance(content, bytes) else files.stream(sessions, content))
        for path, content in found
    )


def written_around(
    db: Session, user: User, entry: Any, parent: Any, link: Any, owner: Any, readable: Any
) -> tuple[dict[int, list[Any]], list[tuple[Any, str | None]]]:
    """What others and the user wrote on the user's own records (reflections, challenges), by
    record id, and what the user wrote on other people's, each with that record's title only
    while the user may still read it (`readable`): one statement for both.

    `entry` is the written model (with `author`, `created_at`), `parent` the record's, `link`
    the entry's column naming its record and `owner` the record's column naming its owner."""
    # Only the records the user wrote on are checked: an admin may read a whole programme.
    written_on = select(link).where(entry.author_id == user.id)
    still_readable = parent.id.in_(
        readable.with_only_columns(parent.id).where(parent.id.in_(written_on)).correlate(None)
    )
    on_own: dict[int, list[Any]] = {}
    on_others: list[tuple[Any, str | None]] = []
    for written, record_id, title, owner_id, shown in db.execute(
        select(entry, parent.id, parent.title, owner, still_readable)
        .join(parent, parent.id == link)
        .options(joinedload(entry.author))
        # Both sides on the entry's own columns: each found by its index, not by a scan.
        .where(or_(link.in_(select(parent.id).where(owner == user.id)), entry.author_id == user.id))
        .order_by(entry.created_at, entry.id)
    ):
        if owner_id == user.id:
            on_own.setdefault(record_id, []).append(written)
        else:
            on_others.append((written, title if shown else None))
    return on_own, on_others


class AccountDeletionError(ValueError):
    """The account cannot be deleted yet; the message says why, for its owner."""


# An account with no password proves it is its owner by a recent single sign-on instead.
RECENT_SIGN_IN = timedelta(minutes=15)


def sign_in_is_recent(started_at: datetime | None, now: datetime) -> bool:
    return started_at is not None and now - started_at <= RECENT_SIGN_IN


def deletion_problem(db: Session, user: User) -> str | None:
    """Why this account cannot be deleted now, or None."""
    if user.is_admin:
        admins = db.scalar(
            select(func.count()).where(User.is_admin.is_(True), User.is_active.is_(True))
        )
        if (admins or 0) <= 1:
            return (
                "You are the only programme admin. Make someone else an admin before you "
                "delete your account"
            )
    return None


def delete_account(db: Session, user: User) -> None:
    """Erase the user's data in every feature, then their memberships and account for good."""
    problem = deletion_problem(db, user)
    if problem:
        raise AccountDeletionError(problem)
    for section in sections():
        if section.erase is not None:
            section.erase(db, user)
    db.execute(delete(Membership).where(Membership.user_id == user.id))
    db.execute(delete(User).where(User.id == user.id))
    db.expunge(user)
    db.flush()


# --- The account itself ----------------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def export_account(db: Session, user: User) -> dict[str, Any]:
    # Each with its set in the same statement: one statement per kind, however many sets.
    memberships = db.scalars(
        select(Membership)
        .options(joinedload(Membership.cohort, innerjoin=True))
        .where(Membership.user_id == user.id)
        .order_by(Membership.cohort_id)
    ).all()
    invitations = db.scalars(
        select(Invitation)
        .options(joinedload(Invitation.cohort, innerjoin=True))
        .where(Invitation.email == user.email)
        .order_by(Invitation.sent_at, Invitation.id)
    ).all()
    return {
        "email": user.email,
        "name": user.name,
        "job_title": user.job_title,
        "organisation": user.organisation,
        "programme_admin": user.is_admin,
        "created_at": _when(user.created_at),
        "last_signed_in_at": _when(user.last_signed_in_at),
        "learning_sets": [
            {
                "name": membership.cohort.name,
                "role": membership.role,
                "joined_at": _when(membership.joined_at),
            }
            for membership in memberships
        ],
        # Where they signed in: device and network only, never the secret's hash.
        "sign_in_sessions": [
            {
                "device": sign_in.device,
                "network": sign_in.network,
                "signed_in_at": _when(sign_in.created_at),
                "last_active_at": _when(sign_in.last_seen_at),
                "ended_at": _when(sign_in.ended_at),
            }
            for sign_in in db.scalars(
                select(SignInSession)
                .where(SignInSession.user_id == user.id)
                .order_by(SignInSession.created_at)
            )
        ],
        "invitations_received": [
            {
                "learning_set": invitation.cohort.name,
                "name_given": invitation.name,
                "role": invitation.role,
                "sent_at": _when(invitation.sent_at),
                "accepted_at": _when(invitation.accepted_at),
            }
            for invitation in invitations
        ],
    }


def erase_account(db: Session, user: User) -> None:
    """Invitations sent to the person's address name them: they go with the account."""
    db.execute(delete(Invitation).where(Invitation.email == user.email))
