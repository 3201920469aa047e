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
one write transaction, or sooner when store/db.py's watchdog cuts the transaction at its deadline.

A writer waits no longer than it is told (its unit of work's deadline, store/db.py): in its
process's queue, and for the lock file, where a helper thread blocks in `flock()` for it so the
writer can give up at its deadline (the helper hands the lock to the next head of the queue, or
lets it go if no one is waiting any more).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
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
        timeout = max(timeout, 0.0)
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
        # The lock file's wait, handed between the head of the queue and a helper thread (_wait_for_file).
        self._file = threading.Condition()
        self._pending = False  # a helper thread is blocked in flock()
        self._wanted = False  # the head of the queue waits for it
        self._granted = False  # the helper got the lock for the head

    def acquire(self, timeout: float | None = None) -> None:
        """Take the lock within `timeout` seconds (None: no limit but QUEUE_TIMEOUT in the queue), or
        raise LockTimeout."""
        start = time.monotonic()
        if timeout is not None and timeout <= 0:
            raise LockTimeout("database is locked (no time left to wait for the write lock)")
        if not self._queue.acquire(QUEUE_TIMEOUT if timeout is None else min(QUEUE_TIMEOUT, timeout)):
            raise LockTimeout("database is locked (waited for the queued write lock)")
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            if not self._take_file(None if timeout is None else timeout - (time.monotonic() - start)):
                raise LockTimeout("database is locked (another process writes)")
        except BaseException:
            self._queue.release()
            raise

    def _take_file(self, timeout: float | None) -> bool:
        """The lock file's flock, by the head of the queue only: at once when it is free; else blocking in
        the kernel (no polling), in a helper thread when there is a deadline, so the wait can end there."""
        assert self._fd is not None
        with self._file:
            if not self._pending:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    pass
                if timeout is not None:
                    self._pending = True
                    threading.Thread(target=self._wait_for_file, name="db-write-lock", daemon=True).start()
            if self._pending:
                self._wanted = True
                try:
                    got = self._file.wait_for(lambda: self._granted, None if timeout is None else max(timeout, 0.0))
                finally:
                    self._wanted = False
                self._granted = False
                return got
        fcntl.flock(self._fd, fcntl.LOCK_EX)  # no deadline: block (GIL released) until the other process lets go
        return True

    def _wait_for_file(self) -> None:
        assert self._fd is not None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)  # blocks (GIL released) until the other process lets go
            taken = True
        except OSError:
            taken = False
        with self._file:
            self._pending = False
            if taken and self._wanted:
                self._granted = True
                self._file.notify_all()
            elif taken:
                fcntl.flock(self._fd, fcntl.LOCK_UN)  # its writer gave up meanwhile: nobody wants it now

    def release(self) -> None:
        assert self._fd is not None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._queue.release()


_locks: dict[tuple[int, str], WriteLock] = {}
_locks_guard = threading.Lock()
_holding_guard = threading.Lock()  # let_go may come from the watchdog's thread as well as the writer's


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

    def take_write_lock(self, timeout: float | None = None) -> None:
        """Queue for the file's write lock, `timeout` seconds at most; held until this transaction's
        COMMIT or ROLLBACK, or until `let_go()`."""
        if self.database_path is not None and self._holding is None:
            lock = write_lock(self.database_path)  # looked up now: this process's own, even after a fork
            lock.acquire(timeout)
            with _holding_guard:
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
        """Let the write lock go (once, whoever calls: the writer's thread or the watchdog's)."""
        with _holding_guard:
            lock, self._holding = self._holding, None
        if lock is not None:
            lock.release()
