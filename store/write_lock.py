"""SQLite's write lock, queued: one writer at a time per database file, waiters served in turn.

SQLite lets one connection write at a time. Its own busy handler (Python's `timeout=`) *polls*:
a waiter sleeps 1, 2, 5 … 100 ms and tries again, so a newcomer that happens to try just as the
lock is freed overtakes writers that have waited for a second. Under a burst of registrations that
starves the unlucky ones until their busy timeout expires and they are told to try again.

Here a writer queues instead, before it sends `BEGIN IMMEDIATE`:
- within a process, on a first-in-first-out lock (the thread that has waited longest goes next);
- across processes (gunicorn's workers, replicas, the CLI's jobs), the head of each process's queue
  blocks in `flock()` on a lock file beside the database: the kernel wakes it as soon as the holder
  lets go, with no polling, and frees the lock when a process dies, so a crash never leaves it held.

The lock is released right after COMMIT or ROLLBACK (see `LockingConnection`), so it covers exactly
one write transaction.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections import deque

# A writer that has queued this long behind writers of its own process gives up (the request then
# answers «try again» within Slack's 3 s); a write transaction here takes milliseconds.
QUEUE_TIMEOUT = 2.5


class LockTimeout(sqlite3.OperationalError):
    """Waited too long for the write lock (raised as SQLite's own «database is locked» would be)."""


class FifoLock:
    """A lock handed to its waiters in the order they came (threading.Lock makes no such promise)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._guard:
            if not self._held:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=timeout):
            return True  # handed over by release(): we hold the lock now
        with self._guard:
            try:
                self._waiters.remove(turn)
                return False
            except ValueError:
                pass  # release() handed it to us just as we gave up: keep it
        return True

    def release(self) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().release()  # the lock passes on; it is never free in between
            else:
                self._held = False


class WriteLock:
    """The write lock of one SQLite file, for this process (see the module's docstring)."""

    def __init__(self, path: str) -> None:
        self.path = f"{path}.lock"
        self._queue = FifoLock()
        self._fd: int | None = None

    def acquire(self) -> None:
        if not self._queue.acquire(QUEUE_TIMEOUT):
            raise LockTimeout("database is locked (waited for the queued write lock)")
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)  # blocks (GIL released) until the other process lets go
        except BaseException:
            self._queue.release()
            raise

    def release(self) -> None:
        assert self._fd is not None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._queue.release()


_locks: dict[tuple[int, str], WriteLock] = {}
_locks_guard = threading.Lock()


def write_lock(path: str) -> WriteLock:
    """The process's lock for a database file. Keyed by process id too: a forked worker must not share
    its parent's lock file description, or flock would not keep the two apart."""
    key = (os.getpid(), path)
    lock = _locks.get(key)
    if lock is not None:
        return lock
    with _locks_guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = WriteLock(path)
        return lock


class LockingConnection(sqlite3.Connection):
    """A SQLite connection that holds its file's write lock from `take_write_lock()` to COMMIT or ROLLBACK."""

    database_path: str | None = None  # None: an in-memory database, which no one else can write
    _holding: WriteLock | None = None

    def take_write_lock(self) -> None:
        """Queue for the file's write lock; held until this transaction's COMMIT or ROLLBACK."""
        if self.database_path is not None and self._holding is None:
            lock = write_lock(self.database_path)  # looked up now: this process's own, even after a fork
            lock.acquire()
            self._holding = lock

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.let_go()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.let_go()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.let_go()

    def let_go(self) -> None:
        lock, self._holding = self._holding, None
        if lock is not None:
            lock.release()
