"""A person's reads, every feature's, in one statement: the rows of each `Read` (a select of
labelled columns, ordered, with `PERSON` standing for the person's id) as dicts by those labels,
in the read's order (personal_data.py makes the download from them).

Each read's rows come as the text of JSON arrays, so reads of different columns share one UNION
ALL, each row with its read's number. On PostgreSQL the database numbers each read's rows in its
order (row_number); on SQLite each row carries the values of its read's ORDER BY terms and is
sorted here, which is SQLite's own order (`_in_order`). Times the download writes as text can
be written by the database (`written`)."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Label,
    Select,
    String,
    func,
    literal_column,
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

from learnset.db import PERSON

# A read: a select of labelled columns, for the person `PERSON` stands for (learnset.db); its
# rows come to the section's build as dicts by those labels, in the read's order.
Read = Select[*tuple[Any, ...]]
Rows = list[dict[str, Any]]
Reads = Callable[[ColumnElement[int]], dict[str, Read]]
# Each section's name and reads: what the statement is built from (and cached by).
Sections = tuple[tuple[str, Reads], ...]


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
def _statement(every: Sections, sorted_here: bool) -> _Statement:
    """Numbered by the database (row_number over the read's order), or, `sorted_here`, with the
    values of the read's ORDER BY terms for `_in_order` to sort by. SQLite numbering a read's
    rows cost half the statement (1.2 of 2.4 ms for a participant of a year's work), and its
    order of values (NULL first, text by its bytes) is Python's; PostgreSQL orders text by the
    database's collation, which Python does not know, so there the database numbers them."""
    selects: list[Select[Any]] = []
    parts = []
    for section, reads in every:
        for name, read in reads(PERSON).items():
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
            parts.append(_Part(section, name, columns, keys))
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


# A read's part of the statement, its columns' labels and what reads the values that need it
# (by position).
_Reader = tuple[_Part, list[str], list[tuple[int, Callable[[Any], Any]]]]


@functools.lru_cache(maxsize=4)
def _readers(every: Sections, dialect: Dialect) -> list[_Reader]:
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


# Rows fetched at a time (fetchmany), so that a read's rows are not all kept as result rows.
_AT_A_TIME = 100


def _texts(db: Session, person_id: int, every: Sections) -> list[list[str]]:
    """Each read's rows, in its order where the database numbers them, as their JSON text."""
    dialect = db.get_bind().dialect
    result = db.execute(
        _statement(every, _sorted_here(dialect)).statement, {"person_id": person_id}
    )
    texts: list[list[str]] = [[] for _ in _statement(every, _sorted_here(dialect)).parts]
    if _sorted_here(dialect):
        # A hundred rows at a time, not all(): a participant's thousand rows are never all
        # alive at once as result rows, only as their texts, which the collector does not track.
        for rows in result.partitions(_AT_A_TIME):
            for part, text in rows:
                texts[part].append(text)
    else:
        # Sorted here: the database's sort of every row with its text cost a third of the
        # statement.
        for part, _, text in sorted(result.all(), key=_IN_ORDER):
            texts[part].append(text)
    return texts


def _rows(reader: _Reader, texts: list[str]) -> Rows:
    """A read's rows from their JSON texts, as dicts by its labels, in its order."""
    part, labels, process = reader
    rows: list[Any] = [orjson.loads(text) for text in texts]
    if part.keys:
        rows = _in_order(rows, part.keys)
    for place, row in enumerate(rows):
        for i, read in process:
            row[i] = read(row[i])
        # The labels stop before the ORDER BY terms added after the columns.
        rows[place] = dict(zip(labels, row, strict=False))
    return rows


def read_all(db: Session, person_id: int, every: Sections) -> Iterator[tuple[str, dict[str, Rows]]]:
    """Every section's reads for the person, in one statement: each section's name with its
    reads' rows by read, a section at a time, in the order of `every`."""
    dialect = db.get_bind().dialect
    by_section: dict[str, list[tuple[_Reader, list[str]]]] = {name: [] for name, _ in every}
    for reader, texts in zip(_readers(every, dialect), _texts(db, person_id, every), strict=True):
        by_section[reader[0].section].append((reader, texts))
    # A section's rows made only when it is asked for, each read's parsed in turn: fewer
    # objects alive at once, so fewer and shorter passes of the garbage collector (which took a
    # third of the time when every row was parsed first), once the caller lets go of each
    # section's rows before it asks for the next.
    for name, reads in by_section.items():
        yield name, {reader[0].name: _rows(reader, texts) for reader, texts in reads}
