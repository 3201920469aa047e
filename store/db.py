"""Engine and sessions: one `Session` per unit of work, SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from store.write_lock import LockingConnection, LockTimeout

READ_ONLY = "avvik_read_only"
log = logging.getLogger(__name__)


class ReadOnlySession(Exception):
    """Something tried to write through a read-only session."""


class Unavailable(Exception):
    """The database could not be reached or gave up; nothing of the unit of work was kept."""


# Slack wants its answer within 3 seconds: a request that cannot get at the database by then
# answers «try again» (the form stays open) rather than leaving Slack to time out.
SQLITE_BUSY_TIMEOUT = 2.0  # seconds a writer waits for SQLite's write lock
PG_CONNECT_TIMEOUT = 2  # seconds to open a connection to PostgreSQL (libpq's least)
# The server gives up a statement after this long: just inside DEADLINE, so a statement waiting on
# a lock (the office's reference counter at a burst of registrations) has all of its unit's time
# and is cancelled cleanly rather than cut with its connection.
PG_STATEMENT_TIMEOUT_MS = 2400
PG_TCP_USER_TIMEOUT_MS = 2000  # the kernel gives up data unacknowledged this long (a dead link)
PG_KEEPALIVES_IDLE = 5  # seconds idle before the kernel probes the link (then 3 probes 1 s apart)
# A unit of work is cut off this long after it began, whatever the network or the database does
# (a proxy or firewall that silently stops forwarding answers neither keepalives' absence nor
# timeouts on the server): its connection is shut under it, so it fails, rolls back, and the
# person hears «try again» before Slack's 3 s are up.
DEADLINE = 2.5
PING_TIMEOUT = 0.8  # `/healthz` answers within a second whatever the database does
# A pooled PostgreSQL connection idle this long is pinged before use; one used more recently only
# when its socket has something to say (see `_stale`).
PING_AFTER_IDLE = float(PG_KEEPALIVES_IDLE)


def make_engine(url: str, *, statement_timeout: bool = True, **kwargs: object) -> Engine:
    """An engine tuned for its backend.

    SQLite: WAL with synchronous=NORMAL, and writers queued for the file's write lock in turn
    (store/write_lock.py) before `BEGIN IMMEDIATE`, so concurrent writers (threads, workers,
    replicas) wait their turn instead of polling and failing half-way; a writer waits no longer
    than its unit of work's deadline, and a unit cut at its deadline lets the lock go at once.
    The busy timeout is left for writers outside the bot.
    PostgreSQL: connect timeout, TCP keepalives and user timeout, a statement timeout (not for
    migrations: `statement_timeout=False`), so an unreachable server is an error, not a hang.
    Both: a connection taken from the pool is checked (and cut) under the deadline of the unit
    of work that takes it (`Database.transaction`).
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
            # Readers take no write lock; writers queue for it up front, within their deadline.
            if connection.get_execution_options().get(READ_ONLY, False):
                connection.exec_driver_sql("BEGIN")
                return
            dbapi_connection = connection.connection.dbapi_connection
            unit = _watchdog.current()
            try:
                dbapi_connection.take_write_lock(None if unit is None else unit.at - time.monotonic())
                if unit is not None and unit.expired:  # cut while it queued: the lock is not kept
                    raise LockTimeout("database is locked (the unit of work's deadline passed)")
            except LockTimeout as exc:
                dbapi_connection.let_go()
                raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                dbapi_connection.let_go()
                raise

        _under_deadline(engine, ping=False)
        return engine
    query = make_url(url).query
    options = {"connect_timeout": PG_CONNECT_TIMEOUT, "keepalives": 1, "keepalives_idle": PG_KEEPALIVES_IDLE,
               "keepalives_interval": 1, "keepalives_count": 3, "tcp_user_timeout": PG_TCP_USER_TIMEOUT_MS,
               "options": f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS if statement_timeout else 0}",
               # psycopg prepares a statement at its fifth run on a connection and forgets them all
               # at every ROLLBACK (DEALLOCATE ALL), which ends every read: it kept count of every
               # statement and got to prepare hardly any (27 in 100 registrations).
               "prepare_threshold": None}
    kwargs["connect_args"] = {**{k: v for k, v in options.items() if k not in query},
                              **dict(kwargs.get("connect_args") or {})}  # type: ignore[call-overload]
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 5)
        kwargs.setdefault("max_overflow", 10)
        kwargs.setdefault("pool_timeout", DEADLINE)  # waiting for a free connection is bounded too
    engine = create_engine(url, **kwargs)
    _under_deadline(engine, ping=True)
    return engine


def _under_deadline(engine: Engine, *, ping: bool) -> None:
    """Give each connection taken from the pool to the current unit of work's deadline; with
    `ping`, check a connection that may be stale first, as SQLAlchemy's pool_pre_ping does but
    under that deadline (a connection that has gone silent is cut at the deadline rather than
    awaited for ever), and replace it if it does not answer."""

    if ping:
        @event.listens_for(engine, "checkin")
        def _checkin(_dbapi_connection, record):  # type: ignore[no-untyped-def]
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, _proxy):  # type: ignore[no-untyped-def]
        unit = _watchdog.current()
        if unit is not None:
            if unit.expired:
                raise Unavailable("deadline")
            unit.watch(dbapi_connection)
        if not ping or not _stale(dbapi_connection, record.info.get(_IDLE_SINCE)):
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as exc:
            if unit is not None and unit.expired:
                raise Unavailable("deadline") from exc
            raise DisconnectionError() from exc  # the pool opens a new connection instead


_IDLE_SINCE = "avvik_idle_since"  # when the pool last took the connection back (its record's info)


def _stale(dbapi_connection, idle_since: float | None) -> bool:  # type: ignore[no-untyped-def]
    """Whether a pooled connection needs a ping before use: it has idled past PING_AFTER_IDLE, or
    its socket is readable while no statement runs. A server that restarts, or ends the backend
    (`pg_terminate_backend`, an idle timeout), says so and closes its end, which makes the socket
    readable, so a connection the server has let go is pinged (and replaced) without a round trip on
    every checkout. A server that vanishes without a word (a failover taking over its address) is
    found only when a statement is sent: a connection used within PING_AFTER_IDLE then fails that one
    unit of work, and SQLAlchemy replaces the pool (README, «Seventh pass»). A harmless message
    waiting (a notice) just costs the ping."""
    if idle_since is None:  # just connected: nothing to check
        return False
    if time.monotonic() - idle_since > PING_AFTER_IDLE or dbapi_connection.closed:
        return True
    try:
        poller = select.poll()
        poller.register(dbapi_connection.pgconn.socket, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except Exception:  # no socket to ask (closed under us): the ping decides
        return True


class _Unit:
    """One unit of work's deadline, and the connection to cut when it passes."""

    def __init__(self, at: float) -> None:
        self.at, self.expired, self.began = at, False, time.monotonic()
        self._connection: object | None = None
        self._lock = threading.Lock()

    def watch(self, dbapi_connection: object) -> None:
        with self._lock:
            self._connection = dbapi_connection

    def cut(self) -> None:
        with self._lock:
            self.expired, connection = True, self._connection
        if connection is None:
            return
        with contextlib.suppress(Exception):
            if hasattr(connection, "interrupt"):  # sqlite3: stops the running statement
                connection.interrupt()
                # ... and the queued write lock passes on now, whatever the statement does next:
                # SQLite's own lock still guards the file until the cut transaction rolls back.
                if hasattr(connection, "let_go"):
                    connection.let_go()
                return
            # psycopg: shut the socket under the waiting call, which then fails at once
            with socket.socket(fileno=os.dup(connection.pgconn.socket)) as sock:  # type: ignore[attr-defined]
                sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One thread per process that cuts units of work past their deadline."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Unit]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._local = threading.local()
        self._thread: tuple[int, threading.Thread] | None = None

    def current(self) -> _Unit | None:
        return getattr(self._local, "unit", None)

    @contextmanager
    def deadline(self, seconds: float | None) -> Iterator[_Unit | None]:
        if seconds is None or self.current() is not None:  # no deadline, or the outer one rules
            yield self.current()
            return
        unit = _Unit(time.monotonic() + seconds)
        self._start()
        with self._wake:
            if not self._heap or unit.at < self._heap[0][0]:
                self._wake.notify()  # an earlier deadline than any the watchdog waits for
            heapq.heappush(self._heap, (unit.at, next(self._order), unit))
        self._local.unit = unit
        try:
            yield unit
        finally:
            self._local.unit = None
            unit.watch(None)  # done: nothing to cut any more (its heap entry just expires)

    def _start(self) -> None:
        if self._thread and self._thread[0] == os.getpid() and self._thread[1].is_alive():
            return
        with self._wake:
            if self._thread and self._thread[0] == os.getpid() and self._thread[1].is_alive():
                return
            thread = threading.Thread(target=self._run, name="db-deadline", daemon=True)
            self._thread = (os.getpid(), thread)
            thread.start()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    # At most ten wake-ups a second however busy: a deadline may pass by 0.1 s.
                    self._wake.wait(max(self._heap[0][0] - time.monotonic(), 0.1) if self._heap else None)
                due = []
                while self._heap and self._heap[0][0] <= time.monotonic():
                    due.append(heapq.heappop(self._heap)[2])
            for unit in due:
                unit.cut()


_watchdog = _Watchdog()


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
    def transaction(self, deadline: float | None = DEADLINE) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error, and cut off
        (Unavailable, nothing kept) `deadline` seconds after it began."""
        with _watchdog.deadline(deadline) as unit:
            try:
                with self.sessions.begin() as session:
                    yield session
            except OperationalError as exc:
                raise _unavailable(exc, unit) from exc
            except DBAPIError as exc:
                if exc.connection_invalidated or (unit is not None and unit.expired):
                    raise _unavailable(exc, unit) from exc
                raise
            except Unavailable as exc:  # the pool's checkout, at the deadline
                _log_unavailable(str(exc), unit)
                raise

    @contextmanager
    def reading(self, deadline: float | None = DEADLINE) -> Iterator[Session]:
        """A unit of work that only reads: takes no write lock on SQLite, and is never committed.
        `deadline=None` for one that waits on something else meanwhile (the messenger on Slack)."""
        with _watchdog.deadline(deadline) as unit:
            session = self.read_sessions()
            try:
                yield session
            except (OperationalError, DBAPIError) as exc:
                if isinstance(exc, OperationalError) or exc.connection_invalidated or (unit and unit.expired):
                    raise _unavailable(exc, unit) from exc
                raise
            finally:
                with contextlib.suppress(OperationalError, DBAPIError):  # a cut connection is discarded
                    session.rollback()
                session.close()

    def ping(self, timeout: float = PING_TIMEOUT) -> bool:
        """True when the database answers within `timeout` seconds (whatever the network does)."""
        future = _pinger.submit(self._ping, timeout)
        try:
            return future.result(timeout=timeout + 0.1)
        except FutureTimeout:
            return False

    def _ping(self, timeout: float) -> bool:
        with _watchdog.deadline(timeout):
            try:
                with self.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except (OperationalError, DBAPIError, DisconnectionError, Unavailable):
                return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()


_pinger = ThreadPoolExecutor(max_workers=2, thread_name_prefix="db-ping")


def _unavailable(exc: DBAPIError, unit: _Unit | None) -> Unavailable:
    why = _why(exc, unit)
    _log_unavailable(why, unit)
    return Unavailable(why)


def _log_unavailable(why: str, unit: _Unit | None) -> None:
    """Why a unit of work failed and how long it had run (no statement, no values): what tells a
    deadline passed under load from a lock waited on, or a lost connection."""
    if unit is None:
        log.warning("database: unit of work failed (%s)", why)
    else:
        log.warning("database: unit of work failed (%s) after %.0f ms of its %.0f ms", why,
                    (time.monotonic() - unit.began) * 1000, (unit.at - unit.began) * 1000)


def _why(exc: DBAPIError, unit: _Unit | None) -> str:
    if unit is not None and unit.expired:
        return "deadline"
    if exc.connection_invalidated:
        return "connection lost"
    return type(exc.orig).__name__ if exc.orig else type(exc).__name__
