"""Workdays: «N days» in the office's rules means N workdays.

Weekends and Norwegian public holidays (the `holidays` package: Easter, 17 May, Ascension,
Whit Monday, Christmas …) are not workdays. The scheduler's jobs run only on workdays, and
a reminder due «two days» after a case came in on the Wednesday before Easter waits until
the Wednesday after it.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache, lru_cache

import holidays

_DAY = timedelta(days=1)


@cache
def _public_holidays(country: str, year: int) -> frozenset[date]:
    # One frozen set per year: lookups are then thread-safe (the holidays object fills itself lazily).
    return frozenset(holidays.country_holidays(country, years=year))


# A scan asks about the same few dates for every case: remember the answers.
@lru_cache(maxsize=65536)
def _between(country: str, start: date, end: date) -> int:
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5 + sum(1 for i in range(1, rest + 1) if (start + i * _DAY).weekday() < 5)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for h in _public_holidays(country, year) if start < h <= end and h.weekday() < 5)
    return count


@lru_cache(maxsize=65536)
def _add(country: str, start: date, n: int) -> date:
    if n <= 0:
        return start
    day = start + timedelta(weeks=max(n // 5 - 1, 0))  # whole weeks first: fewer than n workdays
    have = _between(country, start, day)
    while have < n:
        day += _DAY
        if day.weekday() < 5 and day not in _public_holidays(country, day.year):
            have += 1
    return day


class Workdays:
    """Workday arithmetic for one country's public holidays (Norway by default)."""

    def __init__(self, country: str = "NO") -> None:
        self.country = country

    def is_holiday(self, day: date) -> bool:
        return day in _public_holidays(self.country, day.year)

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def between(self, start: date, end: date) -> int:
        """How many workdays come after `start`, up to and including `end` (0 when end <= start).

        A case registered on a Monday has been waiting one workday on the Tuesday.
        """
        return _between(self.country, start, end)

    def add(self, start: date, n: int) -> date:
        """The `n`-th workday after `start` (`start` itself when n is 0)."""
        return _add(self.country, start, n)

    def next_workday(self, day: date) -> date:
        """`day` itself when it is a workday, else the first one after it."""
        while not self.is_workday(day):
            day += _DAY
        return day


NORWAY = Workdays("NO")
