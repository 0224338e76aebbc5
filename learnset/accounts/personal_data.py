"""Everything Learnset holds about a person: one download, and one way to delete it all.

Each feature that stores personal data registers a section here: a name, its reads
`(person) -> {name: select}` (selects of labelled columns, ordered, with `person` standing for
the person's id), a build `(user, rows) -> JSON-able` that makes the section from the rows of
its reads, and an eraser `(db, user) -> None` that deletes the user's private data and
anonymises what others can still see. Every section's reads go to the database together, in one
statement (`export_all`), so the download costs the same few statements however many features
and records there are. Deleting an account runs every eraser, then removes the memberships and
the account row itself. Every foreign key to `users.id` must say what happens on delete (CASCADE
or SET NULL), so deleting the row never fails or dangles: `tests/accounts/test_personal_data.py`
checks that for every table, including later ones."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Label,
    Select,
    String,
    delete,
    func,
    literal_column,
    select,
    union,
    union_all,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from learnset import files
from learnset.accounts.models import SignInSession, User
from learnset.cohorts.models import Cohort, Invitation, Membership
from learnset.db import PERSON
from learnset.downloads import json_document
from learnset.files.kinds import KINDS
from learnset.files.models import FileBlob
from learnset.files.zips import stream_zip

# A read: a select of labelled columns, for the person `PERSON` stands for (learnset.db); its
# rows come to the section's build as dicts by those labels, in the read's order.
Read = Select[*tuple[Any, ...]]
Rows = list[dict[str, Any]]
Reads = Callable[[ColumnElement[int]], dict[str, Read]]
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


# --- Many reads in one statement -------------------------------------------------------------


class _JsonArray(FunctionElement[str]):
    """A row's values as the text of a JSON array, so that reads of different columns can share
    one UNION ALL."""

    type = String()
    inherit_cache = True
    name = "json_row"


@compiles(_JsonArray)
def _json_array(element: _JsonArray, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_array({compiler.process(element.clauses, **kw)})"


@compiles(_JsonArray, "postgresql")
def _json_array_postgresql(element: _JsonArray, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(json_build_array({compiler.process(element.clauses, **kw)}) AS TEXT)"


class _Written(FunctionElement[str]):
    """A time as the download gives it (`when`: ISO 8601 to the second, in UTC), written by the
    database, so a read of hundreds of times (sign-ins) makes no datetime of each in Python."""

    type = String()
    inherit_cache = True
    name = "download_time"


class _WrittenExactly(_Written):
    """A time to the microsecond, as `datetime.isoformat()` writes it (no fraction when it is
    nought), as the reflective log's times are."""

    inherit_cache = True
    name = "download_time_exactly"


# SQLite holds a UTCDateTime as its UTC text, "2026-12-05 09:30:00.123456".
@compiles(_Written)
def _written(element: _Written, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"substr({value}, 1, 10) || 'T' || substr({value}, 12, 8) || '+00:00'"


@compiles(_WrittenExactly)
def _written_exactly(element: _Written, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    fraction = (
        f"CASE WHEN substr({value}, 21) IN ('', '000000') THEN '' ELSE substr({value}, 20, 7) END"
    )
    return f"substr({value}, 1, 10) || 'T' || substr({value}, 12, 8) || {fraction} || '+00:00'"


@compiles(_Written, "postgresql")
def _written_postgresql(element: _Written, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"""to_char({value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')"""


@compiles(_WrittenExactly, "postgresql")
def _written_exactly_postgresql(element: _Written, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    utc = f"{value} AT TIME ZONE 'UTC'"
    fraction = f"CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE to_char({utc}, '.US') END"
    return f"""to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') || {fraction} || '+00:00'"""


def written(
    column: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
    label: str | None = None,
    *,
    exactly: bool = False,
) -> ColumnElement[str]:
    """A read's column of times as the download gives them (the same text as `when`, or with
    `exactly` as `isoformat()`), under `label` or the column's own name."""
    return (_WrittenExactly if exactly else _Written)(column).label(label or column.key)


def _reader(column: ColumnElement[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """What turns a column's value, as JSON gave it, into what the driver's row would hold.
    SQLite's JSON holds the stored text and numbers, which the column type's own result
    processing reads (dates, booleans, JSON); PostgreSQL's writes dates and times in ISO
    8601, read here before the type's processing (UTC datetimes)."""
    process = column.type.dialect_impl(dialect).result_processor(dialect, None)
    if dialect.name != "postgresql":
        return process
    stored = column.type
    if isinstance(stored, TypeDecorator):
        stored = stored.impl_instance
    try:
        python_type = stored.python_type
    except NotImplementedError:
        return process
    parse: Callable[[str], Any]
    if issubclass(python_type, datetime):
        parse = datetime.fromisoformat
    elif issubclass(python_type, date):
        parse = date.fromisoformat
    else:
        return process
    if process is None:
        return lambda value: None if value is None else parse(value)
    return lambda value: process(None if value is None else parse(value))


def _label(column: ColumnElement[Any]) -> str:
    if column.key is None:
        raise ValueError(f"a read's column needs a label: {column}")
    return column.key


# A row of the statement by its read's number, then its place in that read.
_IN_ORDER = operator.itemgetter(0, 1)


@dataclass(frozen=True)
class _Part:
    """A read in the statement: its section, its name, its columns and, where the rows are put
    in order here (`sorted_here`), where each of its ORDER BY terms is in a row's values and
    whether it is descending."""

    section: str
    name: str
    columns: list[ColumnElement[Any]]
    keys: list[tuple[int, bool]]


@dataclass(frozen=True)
class _Statement:
    """Every section's reads in one statement, built once (building it costs more than
    running it): each read's rows as JSON arrays, with the read's number, in a UNION ALL."""

    statement: CompoundSelect[Any]
    parts: list[_Part]


def _same(column: ColumnElement[Any], term: ColumnElement[Any]) -> bool:
    return column.compare(term) or (isinstance(column, Label) and column.element.compare(term))


def _terms(
    read: Read, columns: list[ColumnElement[Any]]
) -> tuple[list[Any], list[tuple[int, bool]]]:
    """A read's ORDER BY terms as places in its row's values: a term that is one of its columns
    is read there, any other is added after the columns (`extra`)."""
    extra: list[Any] = []
    keys = []
    for clause in read._order_by_clauses:
        term, descending = clause, False
        if isinstance(term, UnaryExpression):
            if term.modifier not in (operators.asc_op, operators.desc_op):
                raise ValueError(f"a read's order must be plain ascending or descending: {clause}")
            term, descending = term.element, term.modifier is operators.desc_op
        place = next((i for i, column in enumerate(columns) if _same(column, term)), None)
        if place is None:
            place = len(columns) + len(extra)
            extra.append(term)
        keys.append((place, descending))
    return extra, keys


@functools.cache
def _statement(every: tuple[Section, ...], sorted_here: bool) -> _Statement:
    """Numbered by the database (row_number over the read's order), or, `sorted_here`, with the
    values of the read's ORDER BY terms for `_in_order` to sort by. SQLite numbering a read's
    rows cost half the statement (1.2 of 2.4 ms for a participant of a year's work), and its
    order of values (NULL first, text by its bytes) is Python's; PostgreSQL orders text by the
    database's collation, which Python does not know, so there the database numbers them."""
    selects: list[Select[Any]] = []
    parts = []
    for section in every:
        for name, read in section.reads(PERSON).items():
            columns = list(read.selected_columns)
            found: list[ColumnElement[Any]] = [literal_column(str(len(selects))).label("part")]
            if sorted_here:
                extra, keys = _terms(read, columns)
                found.append(_JsonArray(*columns, *extra).label("row"))
            else:
                keys = []
                found += [
                    func.row_number().over(order_by=read._order_by_clauses).label("n"),
                    _JsonArray(*columns).label("row"),
                ]
            parts.append(_Part(section.name, name, columns, keys))
            selects.append(
                read.with_only_columns(*found, maintain_column_froms=True).order_by(None)
            )
    return _Statement(union_all(*selects), parts)


def _in_order(rows: list[list[Any]], keys: list[tuple[int, bool]]) -> list[list[Any]]:
    """A read's rows sorted as SQLite's ORDER BY would: by the values at `keys` (place,
    descending), NULL before any value, ties as the database gave them (sorts are stable)."""
    if not keys:
        return rows
    if len({descending for _, descending in keys}) == 1:
        try:
            return sorted(rows, key=operator.itemgetter(*(p for p, _ in keys)), reverse=keys[0][1])
        except TypeError:  # NULL met a value: sort again, by each term in turn
            pass
    for place, descending in reversed(keys):
        rows = sorted(
            rows, key=lambda row: (row[place] is not None, row[place]), reverse=descending
        )
    return rows


@functools.lru_cache(maxsize=4)
def _readers(
    every: tuple[Section, ...], dialect: Dialect
) -> list[tuple[_Part, list[str], list[tuple[int, Callable[[Any], Any]]]]]:
    """For each read: its part of the statement, its columns' labels and what reads the values
    that need it (by position)."""
    found = []
    for part in _statement(every, _sorted_here(dialect)).parts:
        readers = [(i, _reader(column, dialect)) for i, column in enumerate(part.columns)]
        found.append(
            (
                part,
                [_label(column) for column in part.columns],
                [(i, reader) for i, reader in readers if reader is not None],
            )
        )
    return found


def _sorted_here(dialect: Dialect) -> bool:
    return dialect.name == "sqlite"


def _texts(db: Session, user: User, every: tuple[Section, ...]) -> list[list[str]]:
    """Each read's rows, in its order where the database numbers them, as their JSON text."""
    dialect = db.get_bind().dialect
    found = db.execute(
        _statement(every, _sorted_here(dialect)).statement, {"person_id": user.id}
    ).all()
    texts: list[list[str]] = [[] for _ in _statement(every, _sorted_here(dialect)).parts]
    if _sorted_here(dialect):
        for part, text in found:
            texts[part].append(text)
    else:
        # Sorted here: the database's sort of every row with its text cost a third of the
        # statement.
        for part, _, text in sorted(found, key=_IN_ORDER):
            texts[part].append(text)
    return texts


def export_all(db: Session, user: User, now: datetime) -> dict[str, Any]:
    """The user's personal data from every registered feature, as one JSON-able document,
    read in one statement."""
    every = tuple(sections())
    dialect = db.get_bind().dialect
    rows: dict[str, dict[str, Rows]] = {section.name: {} for section in every}
    # One read's rows parsed at a time: fewer objects alive at once, fewer and shorter passes of
    # the garbage collector (which took a third of the time when every row was parsed first).
    for (part, labels, process), texts in zip(
        _readers(every, dialect), _texts(db, user, every), strict=True
    ):
        values = [orjson.loads(text) for text in texts]
        if part.keys:
            values = _in_order(values, part.keys)
        made = rows[part.section][part.name] = []
        for row in values:
            for i, reader in process:
                row[i] = reader(row[i])
            # The labels stop before the ORDER BY terms added after the columns.
            made.append(dict(zip(labels, row, strict=False)))
    return {
        "service": "Learnset",
        "exported_at": now.isoformat(timespec="seconds"),
        **{section.name: section.build(user, rows[section.name]) for section in every},
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
