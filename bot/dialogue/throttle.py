"""Throttling case-code look-ups without storing who tried.

Issue 20: «5 wrong codes per 10 minutes per requester, counted without storing who». The count
lives in this process's memory only, under a keyed hash of the requester with a random key that
is replaced every day (and the counts with it), so not even a memory dump names a person after
the day. An office-wide ceiling stops many people guessing together: past it, every look-up in
the office waits, right or wrong, so the answer never tells a right code from a wrong one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import defaultdict, deque
from datetime import date, datetime, timedelta

PER_REQUESTER = 5
PER_OFFICE = 100
WINDOW = timedelta(minutes=10)


class CodeThrottle:
    def __init__(self, per_requester: int = PER_REQUESTER, per_office: int = PER_OFFICE,
                 window: timedelta = WINDOW) -> None:
        self.per_requester, self.per_office, self.window = per_requester, per_office, window
        self._lock = threading.Lock()
        self._day: date | None = None
        self._key = b""
        self._wrong: dict[str, deque[datetime]] = defaultdict(deque)

    def allows(self, office_id: str, requester: str, now: datetime) -> bool:
        """Whether a look-up may be tried now (checked before any code is verified)."""
        with self._lock:
            mine = self._recent(self._who(office_id, requester, now), now)
            everyone = self._recent(f"office:{office_id}", now)
            return mine < self.per_requester and everyone < self.per_office

    def wrong(self, office_id: str, requester: str, now: datetime) -> None:
        with self._lock:
            self._wrong[self._who(office_id, requester, now)].append(now)
            self._wrong[f"office:{office_id}"].append(now)

    def _who(self, office_id: str, requester: str, now: datetime) -> str:
        if self._day != now.date():  # a new day: a new key, and yesterday's counts go
            self._day, self._key = now.date(), secrets.token_bytes(32)
            self._wrong.clear()
        return hmac.new(self._key, f"{office_id}:{requester}".encode(), hashlib.sha256).hexdigest()

    def _recent(self, who: str, now: datetime) -> int:
        times = self._wrong.get(who)
        if not times:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        return len(times)
