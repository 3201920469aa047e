"""Report periods: what `/avvik rapport PERIODE` and `avvik-bot report` accept.

Seed 000 asks «Hvordan få avvikshåndtering til å bli en del av virksomhetsplaneringen?»;
leaders answer it with reports over the periods the business plan uses: a year, a
half-year, a month, or any range of days. Plain Python: no Slack, no SQL.

Syntax (also in the help text, `report.help_periods`):

| written                   | means                                         |
| ------------------------- | --------------------------------------------- |
| `2026`                    | the calendar year                             |
| `2026H1`, `2026H2`        | January–June, July–December                   |
| `2026-03`                 | the month                                     |
| `2026-01-01..2026-03-31`  | those days, both ends included (a range that  |
|                           | is exactly a year, half or month is that one) |
| (nothing)                 | the last complete half-year                   |

Days are the office's local days; the period runs from local midnight at its start to local
midnight after its last day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.errors import InvalidPeriod


class Span(StrEnum):
    YEAR = "year"
    HALF = "half"
    MONTH = "month"
    DAYS = "days"


@dataclass(frozen=True)
class Period:
    """A run of whole local days, `first` to `last`, both included."""

    first: date
    last: date
    span: Span

    @property
    def label(self) -> str:
        """How the period is written back to the user (and in file names)."""
        if self.span is Span.YEAR:
            return str(self.first.year)
        if self.span is Span.HALF:
            return f"{self.first.year}H{1 if self.first.month == 1 else 2}"
        if self.span is Span.MONTH:
            return f"{self.first:%Y-%m}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period before, of equal length: the year, half-year or month before, or as many days
        ending the day before this one starts."""
        if self.span is Span.YEAR:
            return year(self.first.year - 1)
        if self.span is Span.HALF:
            return half(self.first.year - 1, 2) if self.first.month == 1 else half(self.first.year, 1)
        if self.span is Span.MONTH:
            before = self.first - timedelta(days=1)
            return month(before.year, before.month)
        last = self.first - timedelta(days=1)
        return Period(last - timedelta(days=self.days - 1), last, Span.DAYS)

    def start(self, tz: ZoneInfo) -> datetime:
        """The first moment of the period, in UTC."""
        return datetime.combine(self.first, time(0), tz).astimezone(UTC)

    def end(self, tz: ZoneInfo) -> datetime:
        """The first moment after the period, in UTC (exclusive)."""
        return datetime.combine(self.last + timedelta(days=1), time(0), tz).astimezone(UTC)

    def months(self) -> list[date]:
        """The first day of every calendar month the period touches."""
        out, current = [], self.first.replace(day=1)
        while current <= self.last:
            out.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return out


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), Span.YEAR)


def half(y: int, which: int) -> Period:
    return Period(date(y, 1, 1), date(y, 6, 30), Span.HALF) if which == 1 else \
        Period(date(y, 7, 1), date(y, 12, 31), Span.HALF)


def month(y: int, m: int) -> Period:
    last = (date(y, m, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return Period(date(y, m, 1), last, Span.MONTH)


def between(first: date, last: date) -> Period:
    """The days `first`–`last`; a range that is exactly a year, half-year or month is that period,
    so it is compared with the one before it (`2026-01-01..2026-06-30` is `2026H1`)."""
    if last < first:
        raise InvalidPeriod("report.error.period_backwards", period=f"{first}..{last}")
    for named in (year(first.year), half(first.year, 1 if first.month <= 6 else 2), month(first.year, first.month)):
        if (named.first, named.last) == (first, last):
            return named
    return Period(first, last, Span.DAYS)


def last_complete_half_year(today: date) -> Period:
    """The default report: the half-year that ended most recently (seed 000: leaders «jevnlig
    etterspør informasjon om meldte avvik»; twice a year the leader group looks back)."""
    return half(today.year, 1) if today.month >= 7 else half(today.year - 1, 2)


def last_complete_month(today: date) -> Period:
    before = today.replace(day=1) - timedelta(days=1)
    return month(before.year, before.month)


_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-?[Hh]([12])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAYS = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_period(text: str | None, today: date) -> Period:
    """Read a period as the user wrote it; nothing means the last complete half-year.

    Raises InvalidPeriod (its message shows the syntax) for anything else.
    """
    text = (text or "").strip()
    if not text:
        return last_complete_half_year(today)
    try:
        if m := _YEAR.match(text):
            period = year(int(m[1]))
        elif m := _HALF.match(text):
            period = half(int(m[1]), int(m[2]))
        elif m := _MONTH.match(text):
            period = month(int(m[1]), int(m[2]))
        elif m := _DAYS.match(text):
            first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if last < first:
                raise InvalidPeriod("report.error.period_backwards", period=text)
            period = between(first, last)
        else:
            raise InvalidPeriod(period=text)
    except ValueError:  # month 13, 31 February …
        raise InvalidPeriod(period=text) from None
    if not (period.first.year >= MIN_YEAR and period.last.year <= MAX_YEAR):
        raise InvalidPeriod(period=text)
    return period
