"""Everything Learnset holds about a person: one download, and one way to delete it all.

Each feature that stores personal data registers a section here: a name, its reads
`(person) -> {name: select}` (selects of labelled columns, ordered, with `person` standing for
the person's id), a build `(user, rows) -> JSON-able` that makes the section from the rows of
its reads, and an eraser `(db, user) -> None` that deletes the user's private data and
anonymises what others can still see. Every section's reads go to the database together, in one
statement (`export_all`, by personal_reads.py), so the download costs the same few statements
however many features and records there are. Deleting an account runs every eraser, then
removes the memberships and the account row itself. Every foreign key to `users.id` must say
what happens on delete (CASCADE or SET NULL), so deleting the row never fails or dangles:
`tests/accounts/test_personal_data.py` checks that for every table, including later ones."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, union
from sqlalchemy.orm import InstrumentedAttribute, Session

from learnset import files
from learnset.accounts.models import SignInSession, User
from learnset.accounts.personal_reads import Read as Read
from learnset.accounts.personal_reads import Reads, Rows, read_all
from learnset.accounts.personal_reads import written as written
from learnset.cohorts.models import Cohort, Invitation, Membership
from learnset.downloads import json_document
from learnset.files.kinds import KINDS
from learnset.files.models import FileBlob
from learnset.files.zips import stream_zip

Build = Callable[[User, dict[str, Rows]], Any]
# A feature's stored files for the download: each with its path inside the zip.
FileSource = Callable[[Session, User], Iterable[tuple[str, FileBlob]]]
Eraser = Callable[[Session, User], None]


@dataclass(frozen=True)
class Section:
    name: str
    reads: Reads
    build: Build
    erase: Eraser | None = None


_SECTIONS: dict[str, Section] = {}


def register(name: str, reads: Reads, build: Build, erase: Eraser | None = None) -> None:
    """Add a feature's section to the download and to account deletion (once per name)."""
    _SECTIONS[name] = Section(name, reads, build, erase)


_FILES: dict[str, FileSource] = {}


def register_files(name: str, source: FileSource) -> None:
    """Add a feature's stored files to the download (once per name)."""
    _FILES[name] = source


def sections() -> list[Section]:
    return list(_SECTIONS.values())


def export_all(db: Session, user: User, now: datetime) -> dict[str, Any]:
    """The user's personal data from every registered feature, as one JSON-able document,
    read in one statement."""
    every = sections()
    document: dict[str, Any] = {
        "service": "Learnset",
        "exported_at": now.isoformat(timespec="seconds"),
    }
    builds = {section.name: section.build for section in every}
    for name, rows in read_all(db, user.id, tuple((s.name, s.reads) for s in every)):
        document[name] = builds[name](user, rows)
        # Let go of the section's rows before the next section's are made.
        del rows
    return document


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


# --- What the sections share ------------------------------------------------------------------

# Who wrote an entry that is kept after its writer deleted their account.
FORMER_MEMBER = "A former member"


def when(value: datetime | None) -> str | None:
    """A time as the download gives it: ISO 8601 to the second, or None."""
    return value.isoformat(timespec="seconds") if value else None


def entries(rows: Rows) -> list[dict[str, Any]]:
    """Rows as the download lists them, each under its read's labels (a read names its columns
    as the download does), with times written by `when`."""
    return [
        {name: when(value) if isinstance(value, datetime) else value for name, value in row.items()}
        for row in rows
    ]


def grouped(rows: Rows, key: str) -> dict[Any, Rows]:
    """Rows by one of their values (a record's id), each group in the read's order."""
    found: dict[Any, Rows] = {}
    for row in rows:
        found.setdefault(row[key], []).append(row)
    return found


def stored_files(attachment: Any, record: InstrumentedAttribute[int]) -> Read:
    """A read of files kept beside records: `record` (the attachment's column naming its
    record), then each file's id, name, `created_at`, kind and size, oldest first. The caller
    joins the records and keeps the person's own."""
    return (
        select(
            record,
            attachment.id,
            attachment.name,
            attachment.created_at,
            FileBlob.kind,
            FileBlob.size,
        )
        .join(FileBlob, FileBlob.id == attachment.blob_id)
        .order_by(attachment.created_at, attachment.id)
    )


def stored_file(
    row: dict[str, Any], in_download: str, stamp: Callable[[datetime], str | None] = when
) -> dict[str, Any]:
    """A row of `stored_files` as the download lists it, with the file's path in the zip."""
    return {
        "name": row["name"],
        "kind": KINDS[row["kind"]].label,
        "bytes": row["size"],
        "added_at": stamp(row["created_at"]),
        "in_download": in_download,
    }


def written_around(
    person: ColumnElement[int],
    written: Read,
    entry: Any,
    parent: Any,
    link: Any,
    owner: Any,
    readable: Any,
) -> Read:
    """A read of what others and the person wrote on the person's own records (reflections,
    challenges) and what the person wrote on other people's: `written`'s columns of the entry,
    with its record's id (`record_id`), title (`record_title`), whether it is the person's own
    (`own`) and whether the person may still read it (`readable`), oldest first. `split_written`
    parts them.

    `entry` is the written model (with `author_id`, `created_at`), `parent` the record's, `link`
    the entry's column naming its record and `owner` the record's column naming its owner."""
    # Only the records the person wrote on are checked: an admin may read a whole programme.
    written_on = select(link).where(entry.author_id == person)
    still_readable = parent.id.in_(
        readable.with_only_columns(parent.id).where(parent.id.in_(written_on)).correlate(None)
    )
    return (
        written.add_columns(
            parent.id.label("record_id"),
            parent.title.label("record_title"),
            (owner == person).label("own"),
            still_readable.label("readable"),
        )
        .join(parent, parent.id == link)
        # The entries' ids from two indexed reads in a UNION, not an OR of the two: PostgreSQL
        # reads an OR with a subquery by scanning every entry of the programme.
        .where(
            entry.id.in_(
                union(
                    select(entry.id).where(link.in_(select(parent.id).where(owner == person))),
                    select(entry.id).where(entry.author_id == person),
                )
            )
        )
        .order_by(entry.created_at, entry.id)
    )


def split_written(rows: Rows) -> tuple[dict[int, Rows], list[tuple[dict[str, Any], str | None]]]:
    """The rows of `written_around`: those on the user's own records by record id, and those on
    other people's, each with its record's title while the user may still read it."""
    on_own: dict[int, Rows] = {}
    on_others: list[tuple[dict[str, Any], str | None]] = []
    for row in rows:
        if row["own"]:
            on_own.setdefault(row["record_id"], []).append(row)
        else:
            on_others.append((row, row["record_title"] if row["readable"] else None))
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


def account_reads(person: ColumnElement[int]) -> dict[str, Read]:
    return {
        "learning_sets": select(Cohort.name, Membership.role, written(Membership.joined_at))
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.user_id == person)
        .order_by(Membership.cohort_id),
        # Where they signed in: device and network only, never the secret's hash.
        "sign_ins": select(
            SignInSession.device,
            SignInSession.network,
            written(SignInSession.created_at, "signed_in_at"),
            written(SignInSession.last_seen_at, "last_active_at"),
            written(SignInSession.ended_at),
        )
        .where(SignInSession.user_id == person)
        .order_by(SignInSession.created_at),
        "invitations": select(
            Cohort.name.label("learning_set"),
            Invitation.name.label("name_given"),
            Invitation.role,
            written(Invitation.sent_at),
            written(Invitation.accepted_at),
        )
        .join(Cohort, Cohort.id == Invitation.cohort_id)
        .where(Invitation.email == select(User.email).where(User.id == person).scalar_subquery())
        .order_by(Invitation.sent_at, Invitation.id),
    }


def build_account(user: User, rows: dict[str, Rows]) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.name,
        "job_title": user.job_title,
        "organisation": user.organisation,
        "programme_admin": user.is_admin,
        "created_at": when(user.created_at),
        "last_signed_in_at": when(user.last_signed_in_at),
        # Their times written by the database: the rows are as the download lists them.
        "learning_sets": rows["learning_sets"],
        "sign_in_sessions": rows["sign_ins"],
        "invitations_received": rows["invitations"],
    }


def erase_account(db: Session, user: User) -> None:
    """Invitations sent to the person's address name them: they go with the account."""
    db.execute(delete(Invitation).where(Invitation.email == user.email))
