"""The declarative base, the engine, and one database session per request."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar, TypeVarTuple, cast
from urllib.parse import urlsplit

import psycopg
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    CursorResult,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Result,
    Select,
    String,
    bindparam,
    create_engine,
    delete,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Relationship,
    Session,
    aliased,
    configure_mappers,
    mapped_column,
    relationship,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

# Stable constraint names on SQLite and PostgreSQL, so migrations can name what they alter.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The execution option that marks a connection whose transactions will write.
WRITES = "learnset_writes"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Marks, in Session.info, the session of a request that only reads (GET).
READ_REQUEST = "learnset_read_request"


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC; SQLite would otherwise hand back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # A model's `Mapped[datetime]` is a UTCDateTime column: every time kept is aware, in UTC.
    type_annotation_map = {datetime: UTCDateTime}


class Model(Base):
    """A table whose rows the database numbers: `id`, the primary key, is its first column."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)


# What a statement built once (with functools.cache) has in place of the request's values:
# building a statement costs more than running it, so the pages every person opens build theirs
# once, and pass these as parameters.
PERSON = bindparam("person_id", type_=Integer)  # the signed-in person's id
COHORTS = bindparam("cohort_ids", type_=Integer, expanding=True)  # some cohorts' ids
NOW = bindparam("now", type_=UTCDateTime)  # the request's time


_M = TypeVar("_M")
_Columns = TypeVarTuple("_Columns")

# Aliases made once per process, for statements every request builds or built once.
_SHARED_ALIASES: list[Any] = []


def shared_alias(model: type[_M], name: str | None = None) -> type[_M]:
    """An alias of `model` kept at module level and shared by every thread. SQLAlchemy makes an
    alias's attributes on first use, and two threads doing so at once can get a join that
    names neither side (seen under gunicorn's threads as "Can't determine which FROM clause to
    join from"), so `ready_shared_aliases` makes them all at start-up, before any request."""
    alias = aliased(model, name=name)
    _SHARED_ALIASES.append(alias)
    return alias


def ready_shared_aliases() -> None:
    """Make every shared alias's attributes now, while one thread runs (the app's start)."""
    configure_mappers()
    for alias in _SHARED_ALIASES:
        for key, _ in inspect(alias).mapper.all_orm_descriptors.items():
            if not key.startswith("__"):
                getattr(alias, key)
        # Compiling a statement that loads the alias makes the rest of what SQLAlchemy keeps on
        # it (its columns as loaded, its adapter's map): two threads making those at once can
        # each keep their own, and a row is then read by columns its statement never named.
        select(alias).compile()


def utcnow() -> datetime:
    return datetime.now(UTC)


class Timestamped:
    """When a row was made and when it last changed: a service that changes the row sets
    updated_at itself, to the same `now` as the rest of the change."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def owned(back_populates: str, order_by: str | Literal[False] = False) -> Relationship[Any]:
    """A parent's rows in a table of its parts, which go with it: the ORM deletes one taken out
    of the list, and the database's ON DELETE CASCADE the rest when the parent goes, without the
    ORM loading them first."""
    return relationship(
        back_populates=back_populates,
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=order_by,
    )


def one_of(column: str, values: Iterable[str]) -> str:
    """A check constraint's condition: the column holds one of the values (an enum's members,
    or a few of them)."""
    quoted = ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)
    return f"{column} IN ({quoted})"


def partial_index(condition: str) -> dict[str, Any]:
    """An index's keyword arguments that keep it to the rows meeting the condition, on both
    engines."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


def column_length(model: type[Base], column: str) -> int:
    """How many characters a String column of the model holds."""
    column_type = model.__table__.c[column].type
    if not isinstance(column_type, String) or column_type.length is None:
        raise TypeError(f"{model.__name__}.{column} is not a String column with a length")
    return column_type.length


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows an UPDATE or DELETE run through Session.execute() matched."""
    # Session.execute() is typed to return a Result whatever the statement; for an UPDATE or a
    # DELETE it is a CursorResult, which carries the count.
    return cast("CursorResult[Any]", result).rowcount


def delete_where(db: Session, model: type[Base], *criteria: ColumnElement[bool]) -> int:
    """Delete the rows of model that meet every criterion, in one statement; how many went."""
    return rowcount(db.execute(delete(model).where(*criteria)))


# How long, in seconds, a write waits for SQLite's write lock: first its turn (WriteQueue), then
# in SQLite (busy_timeout), where it meets only writers outside the queue (sqlite3, a GET's touch).
BUSY_TIMEOUT = 15
# How often the writer at the front of a process's queue asks again for the processes' lock.
_POLL_SECONDS = 0.001


class WriteQueue:
    """The turn to write to one SQLite database, taken before BEGIN IMMEDIATE.

    SQLite's write lock is not first come, first served: a writer that finds it taken sleeps in
    the busy handler (up to 100 ms a time), and the lock goes to whoever asks while it is free,
    usually a newcomer. With 16 writers (4 gunicorn workers of 4 threads) a write waited 1 ms at
    the median but 0.5 to 1.9 s at the 99th percentile, and the autosave's p99 passed wrk's 2 s
    (bench/README.md, "Long tails"). So the threads of a process queue on a lock of their own,
    which hands the turn on at once, and the one at the front takes a lock on a file beside the
    database (`flock`, asked every millisecond) against the other processes: the kernel lets go
    of it if its process dies. Each wait is bounded by BUSY_TIMEOUT, as SQLite's is."""

    def __init__(self, database: str) -> None:
        self.threads = threading.Lock()
        self.path = database + "-write-queue"
        self._file: tuple[int, int] | None = None  # this process's id, and its descriptor
        self._locked = False  # the file lock, taken and given back by the thread at the front

    def take(self) -> bool:
        """Wait for the turn, at most BUSY_TIMEOUT seconds; False if it did not come."""
        deadline = time.monotonic() + BUSY_TIMEOUT
        if not self.threads.acquire(timeout=BUSY_TIMEOUT):
            return False
        try:
            file = self._opened()
            while file is not None and not self._locked:
                try:
                    fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    self._locked = True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        self.threads.release()
                        return False
                    time.sleep(_POLL_SECONDS)
        except BaseException:
            self.give_back()
            raise
        return True

    def give_back(self) -> None:
        try:
            if self._locked and self._file is not None:
                self._locked = False
                fcntl.flock(self._file[1], fcntl.LOCK_UN)
        finally:
            self.threads.release()

    def _opened(self) -> int | None:
        """This process's descriptor of the file (a lock taken through one inherited from the
        process that forked this one would be that process's too); None if it cannot be
        opened, and the processes then meet in SQLite as before."""
        if self._file is not None and self._file[0] == os.getpid():
            return self._file[1]
        try:
            descriptor = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError:
            return None
        self._file = (os.getpid(), descriptor)
        return descriptor


# One queue a database file in each process, whatever engines reach it.
_WRITE_QUEUES: dict[str, WriteQueue] = {}


def _write_queue(url: str) -> WriteQueue | None:
    database = make_url(url).database
    if not database or ":memory:" in url or "mode=memory" in url:
        return None
    if database.startswith("file:"):  # a URI filename (uri=true)
        database = urlsplit(database).path
    path = os.path.realpath(database)
    return _WRITE_QUEUES.setdefault(path, WriteQueue(path))


class WriteTurnConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions wait for their turn (WriteQueue) before
    BEGIN IMMEDIATE, and give it back as the transaction ends, however it ends: commit,
    rollback (SQLAlchemy also rolls back a connection returned to its pool) or close (as when
    SQLAlchemy drops a connection found dead). A turn kept would stop every write."""

    write_queue: WriteQueue | None = None  # None: a database in memory, no queue
    holds_turn = False

    def take_turn(self) -> None:
        if self.write_queue is None or self.holds_turn:
            return
        if not self.write_queue.take():
            # What SQLite raises when busy_timeout runs out, so it is answered the same way
            # (learnset/outages.py: "database timed out", try again).
            busy = sqlite3.OperationalError("database is locked (the queue to write was too long)")
            busy.sqlite_errorcode, busy.sqlite_errorname = sqlite3.SQLITE_BUSY, "SQLITE_BUSY"
            raise OperationalError("BEGIN IMMEDIATE", None, busy)
        self.holds_turn = True

    def give_back_turn(self) -> None:
        if self.holds_turn and self.write_queue is not None:
            self.holds_turn = False
            self.write_queue.give_back()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.give_back_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.give_back_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.give_back_turn()


# Under steady reads the write-ahead log is not reset between writes, so a run of uploads grows
# it (0.7 MB to 138 MB in the bench's upload scenario), and SQLite keeps a file at its largest
# size. With a limit, each reset cuts it back to this.
WAL_SIZE_LIMIT = 64 * 1024 * 1024


def make_engine(url: str, max_pages: int = 0, prepared: bool = True) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys, a busy timeout, real transactions,
    and, given `max_pages`, a size it may not grow past (SQLite's max_page_count). PostgreSQL's
    connections prepare the statements they send often unless `prepared` is false."""
    if url.startswith("sqlite"):
        # hide_parameters: a database error's message (and so a logged traceback) never holds
        # the values of a statement: addresses, reflection text, token hashes.
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT, "factory": WriteTurnConnection},
            hide_parameters=True,
        )
        write_queue = _write_queue(url)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy issue BEGIN itself, so savepoints and transactional DDL work.
            dbapi_connection.isolation_level = None
            dbapi_connection.write_queue = write_queue
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            if max_pages:
                cursor.execute(f"PRAGMA max_page_count={int(max_pages)}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # A transaction that will write takes the write lock as it begins: a deferred one
            # that read first could not take it later once another had written ("database is
            # locked"), while waiting at BEGIN IMMEDIATE is what busy_timeout is for. It waits
            # for its turn first (WriteQueue).
            if conn.get_execution_options().get(WRITES):
                dbapi_connection = conn.connection.dbapi_connection
                if not isinstance(dbapi_connection, WriteTurnConnection):
                    raise TypeError("a SQLite engine not made by make_engine")
                dbapi_connection.take_turn()
                try:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                except BaseException:
                    dbapi_connection.give_back_turn()
                    raise
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    # psycopg prepares a statement on its 6th run on a connection; None never prepares.
    connect_args = {} if prepared else {"prepare_threshold": None}
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)


@dataclass
class Database:
    engine: Engine
    # For reading: GET requests and commands that only read.
    sessions: sessionmaker[Session]
    # For work that writes: on SQLite its transactions begin with the write lock.
    writer_sessions: sessionmaker[Session]

    @classmethod
    def on(cls, engine: Engine) -> Database:
        return cls(
            engine,
            sessionmaker(bind=engine, expire_on_commit=False),
            sessionmaker(bind=engine.execution_options(**{WRITES: True}), expire_on_commit=False),
        )

    def bind(self, bind: Engine | Connection) -> None:
        """Point new sessions at another engine or connection (tests use this)."""
        self.sessions = self.writer_sessions = sessionmaker(
            bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )


def init_app(app: Flask) -> None:
    engine = make_engine(
        app.config["DATABASE_URL"],
        app.config.get("SQLITE_MAX_PAGE_COUNT", 0),
        app.config.get("DATABASE_PREPARED_STATEMENTS", True),
    )
    app.extensions["learnset.db"] = Database.on(engine)
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    found: Database = (app or current_app).extensions["learnset.db"]
    return found


def get_db() -> Session:
    """The request's database session, opened on first use and closed at teardown. A request
    that may change something (POST and the like) gets a writer's session."""
    if "db_session" not in g:
        in_request = has_request_context()
        reads_only = not in_request or request.method in READ_METHODS
        g.db_session = (database().sessions if reads_only else database().writer_sessions)()
        g.db_session.info[READ_REQUEST] = in_request and reads_only
    session: Session = g.db_session
    return session


def close_session(finished: bool = False) -> None:
    """Close the request's session, if it opened one; the next get_db() opens a fresh one.
    `finished`: the request's work went through without an error, so a GET's transaction may
    end with COMMIT (`_ends_with_commit`); any other ends with ROLLBACK."""
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        if finished and _ends_with_commit(session):
            session.commit()
        session.close()
    except DBAPIError:
        # Its connection died after the work was done or given up (a database restart ends
        # every connection): the server has rolled the transaction back, and the answer
        # stands. All that is left is to drop the connection rather than pool it.
        session.invalidate()


def _ends_with_commit(session: Session) -> bool:
    """Whether a finished request's session ends with COMMIT: a GET's on PostgreSQL, whose
    transaction is still sound and has nothing pending. A GET writes nothing in it
    (tests/test_get_never_writes.py; the few notes of use a GET makes are committed on their
    own), so COMMIT does what ROLLBACK would. But psycopg forgets the statements it prepared on
    a connection at every ROLLBACK, and counts each statement's runs afresh: with ROLLBACK no
    statement was ever prepared, and every page paid PostgreSQL's planning for every statement
    (docs/deploy.md, "Prepared statements")."""
    bind = session.bind
    if not session.info.get(READ_REQUEST) or not isinstance(bind, Engine):
        return False  # a request that writes, or a test's connection
    if bind.dialect.name != "postgresql" or bind.get_execution_options().get(WRITES):
        return False
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active:
        return False  # none begun, or one a failed flush left to be rolled back
    if session.new or session.dirty or session.deleted:
        return False
    dbapi_connection = session.connection().connection.dbapi_connection
    status = getattr(getattr(dbapi_connection, "info", None), "transaction_status", None)
    return status == psycopg.pq.TransactionStatus.INTRANS


def _close_session(exc: BaseException | None) -> None:
    close_session(finished=exc is None)


def plain_rows(
    db: Session,
    statement: Select[*_Columns] | CompoundSelect[*_Columns],
    values: Mapping[str, Any] | None = None,
) -> Result[*_Columns]:
    """The rows of a statement that selects columns, not mapped objects, run on the session's
    connection: what `db.execute` gives, without the ORM's own work on each statement (about
    35 µs, a third of a small statement's cost; the pages every person opens send several).
    The session's pending changes are flushed first, as `db.execute` would."""
    if db.autoflush:
        db.flush()
    return db.connection().execute(statement, values)
