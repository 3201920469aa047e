"""Report periods as leaders write them: a year, a half-year, a month, or from–to."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.errors import InvalidPeriod
from bot.i18n import t
from bot.reports.periods import Span, between, parse_period

OSLO = ZoneInfo("Europe/Oslo")
TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(("written", "first", "last", "span", "label"), [
    ("2026", date(2026, 1, 1), date(2026, 12, 31), Span.YEAR, "2026"),
    ("2026H1", date(2026, 1, 1), date(2026, 6, 30), Span.HALF, "2026H1"),
    ("2026h2", date(2026, 7, 1), date(2026, 12, 31), Span.HALF, "2026H2"),
    ("2026-03", date(2026, 3, 1), date(2026, 3, 31), Span.MONTH, "2026-03"),
    ("2028-02", date(2028, 2, 1), date(2028, 2, 29), Span.MONTH, "2028-02"),
    ("2026-01-15..2026-03-31", date(2026, 1, 15), date(2026, 3, 31), Span.DAYS, "2026-01-15..2026-03-31"),
    ("2026-01-15 .. 2026-01-15", date(2026, 1, 15), date(2026, 1, 15), Span.DAYS, "2026-01-15..2026-01-15"),
    ("2026-01-01..2026-06-30", date(2026, 1, 1), date(2026, 6, 30), Span.HALF, "2026H1"),
    ("", date(2026, 1, 1), date(2026, 6, 30), Span.HALF, "2026H1"),
])
def test_a_period_is_read_as_written(written, first, last, span, label):
    period = parse_period(written, TODAY)
    assert (period.first, period.last, period.span, period.label) == (first, last, span, label)


@pytest.mark.parametrize(("today", "label"), [
    (date(2026, 11, 23), "2026H1"),
    (date(2026, 7, 1), "2026H1"),
    (date(2026, 6, 30), "2025H2"),
    (date(2026, 1, 2), "2025H2"),
])
def test_without_a_period_the_last_complete_half_year_is_reported(today, label):
    assert parse_period(None, today).label == label


@pytest.mark.parametrize(("written", "previous"), [
    ("2026", "2025"),
    ("2026H1", "2025H2"),
    ("2026H2", "2026H1"),
    ("2026-03", "2026-02"),
    ("2026-01", "2025-12"),
    ("2026-01-11..2026-01-20", "2026-01-01..2026-01-10"),
    ("2026-03-01..2026-03-15", "2026-02-14..2026-02-28"),
])
def test_the_previous_period_has_equal_length(written, previous):
    period = parse_period(written, TODAY)
    assert period.previous().label == previous
    if period.span is Span.DAYS:
        assert period.previous().days == period.days


@pytest.mark.parametrize("written", ["2026H3", "2026-13", "26", "H1", "2026-02-30..2026-03-01", "forrige år",
                                     "1999", "2026-01-01..", "2026-01-01...2026-02-01"])
def test_an_unreadable_period_is_refused_with_the_syntax(written):
    with pytest.raises(InvalidPeriod) as refused:
        parse_period(written, TODAY)
    message = t(refused.value.key, "nb", **refused.value.params)
    assert written in message and "2026H1" in message


def test_a_period_that_ends_before_it_starts_says_so():
    with pytest.raises(InvalidPeriod) as refused:
        parse_period("2026-03-31..2026-01-01", TODAY)
    assert "slutter før den begynner" in t(refused.value.key, "nb", **refused.value.params)
    with pytest.raises(InvalidPeriod):
        between(date(2026, 3, 31), date(2026, 1, 1))


def test_a_period_runs_from_local_midnight_to_local_midnight_across_summer_time():
    period = parse_period("2026-03", TODAY)  # summer time starts 29 March
    assert period.start(OSLO) == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    assert period.end(OSLO) == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)
    assert [m.isoformat() for m in parse_period("2026-02-20..2026-04-02", TODAY).months()] == [
        "2026-02-01", "2026-03-01", "2026-04-01"]
