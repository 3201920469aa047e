"""Engine and sessions: one `Session` per unit of work, SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from store.write_lock import LockingConnection, LockTimeout

READ_ONLY = "avvik_read_only"


class ReadOnlySession(Exception):
    """Something tried to write through a read-only session."""


class Unavailable(Exception):
    """The database could not be reached or gave up; nothing of the unit of work was kept."""


# Slack wants its answer within 3 seconds: a request that cannot get at the database by then
# answers «try again» (the form stays open) rather than leaving Slack to time out.
SQLITE_BUSY_TIMEOUT = 2.0  # seconds a writer waits for SQLite's write lock
PG_CONNECT_TIMEOUT = 2  # seconds to open a connection to PostgreSQL


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine tuned for its backend.

    SQLite: WAL with synchronous=NORMAL, and writers queued for the file's write lock in turn
    (store/write_lock.py) before `BEGIN IMMEDIATE`, so concurrent writers (threads, workers,
    replicas) wait their turn instead of polling and failing half-way; the busy timeout is left
    for writers outside the bot.
    PostgreSQL: a connect timeout, so an unreachable server is an error, not a hang.
    """
    if url.startswith("sqlite"):
        database = make_url(url).database or ""
        path = None if database in ("", ":memory:") or "mode=memory" in url else os.path.realpath(database)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT,
                                                  "factory": LockingConnection}, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
            dbapi_connection.database_path = path
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if path is not None:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses nothing; a power cut never corrupts
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT * 1000)}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):  # type: ignore[no-untyped-def]
            # Readers take no write lock; writers queue for it up front.
            if connection.get_execution_options().get(READ_ONLY, False):
                connection.exec_driver_sql("BEGIN")
                return
            try:
                connection.connection.dbapi_connection.take_write_lock()
            except LockTimeout as exc:
                raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                connection.connection.dbapi_connection.let_go()
                raise

        return engine
    if "connect_timeout" not in make_url(url).query:
        kwargs["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT, **dict(kwargs.get("connect_args") or {})}
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 5)
        kwargs.setdefault("max_overflow", 10)
    return create_engine(url, **kwargs)


class Database:
    """The engine and its session factory, for one process."""

    def __init__(self, url: str, **engine_kwargs: object) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}),
                                          expire_on_commit=False)

        @event.listens_for(self.read_sessions, "before_flush")
        def _refuse_writes(session, _context, _instances):  # type: ignore[no-untyped-def]
            if session.new or session.dirty or session.deleted:
                raise ReadOnlySession("this session only reads; write in a transaction() of its own")

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error."""
        try:
            with self.sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise Unavailable(type(exc.orig).__name__ if exc.orig else "OperationalError") from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise Unavailable("connection lost") from exc
            raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A unit of work that only reads: takes no write lock on SQLite, and is never committed."""
        session = self.read_sessions()
        try:
            yield session
        except OperationalError as exc:
            raise Unavailable(type(exc.orig).__name__ if exc.orig else "OperationalError") from exc
        finally:
            session.rollback()
            session.close()

    def ping(self) -> bool:
        """True when the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError):
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()
