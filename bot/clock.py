"""Time is injected: everything that depends on «now» asks a clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real time, aware and in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)
