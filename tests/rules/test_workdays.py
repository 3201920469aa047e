"""«N days» means N workdays: weekends and Norwegian public holidays do not count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.scheduler import WorkdayTrigger
from bot.workdays import NORWAY

OSLO = ZoneInfo("Europe/Oslo")


def test_easter_2026_is_not_workdays():
    # Skjærtorsdag 2 April, langfredag 3 April, 2. påskedag 6 April.
    for day in (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6)):
        assert not NORWAY.is_workday(day), day
    assert NORWAY.is_workday(date(2026, 4, 1))
    assert NORWAY.is_workday(date(2026, 4, 7))


def test_two_workdays_after_the_wednesday_before_easter_is_the_wednesday_after():
    wednesday = date(2026, 4, 1)
    assert NORWAY.add(wednesday, 1) == date(2026, 4, 7)
    assert NORWAY.add(wednesday, 2) == date(2026, 4, 8)
    assert NORWAY.between(wednesday, date(2026, 4, 6)) == 0
    assert NORWAY.between(wednesday, date(2026, 4, 8)) == 2


def test_17_may_on_a_weekday_is_skipped():
    # 2028: 17 May is a Wednesday, with no other holiday that week.
    assert not NORWAY.is_workday(date(2028, 5, 17))
    assert NORWAY.add(date(2028, 5, 16), 1) == date(2028, 5, 18)
    assert NORWAY.between(date(2028, 5, 15), date(2028, 5, 19)) == 3


def test_17_may_on_whit_monday_2027_is_one_holiday():
    assert not NORWAY.is_workday(date(2027, 5, 17))
    assert NORWAY.add(date(2027, 5, 14), 1) == date(2027, 5, 18)  # Friday → Tuesday


def test_weekends_do_not_count():
    friday = date(2026, 11, 27)
    assert NORWAY.add(friday, 1) == date(2026, 11, 30)
    assert NORWAY.between(friday, date(2026, 11, 29)) == 0
    assert NORWAY.next_workday(date(2026, 11, 28)) == date(2026, 11, 30)


def test_christmas_and_new_year():
    assert NORWAY.add(date(2026, 12, 24), 1) == date(2026, 12, 28)  # 25 Dec is a Friday
    assert NORWAY.add(date(2026, 12, 31), 1) == date(2027, 1, 4)  # 1 Jan is a Friday


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31)), st.integers(min_value=0, max_value=400))
def test_adding_n_workdays_lands_on_a_workday_n_workdays_later(start, n):
    end = NORWAY.add(start, n)
    assert NORWAY.between(start, end) == n
    if n:
        assert NORWAY.is_workday(end)
        assert NORWAY.between(start, end - timedelta(days=1)) == n - 1


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.integers(min_value=0, max_value=60))
def test_counting_matches_walking_day_by_day(start, span):
    end = start + timedelta(days=span)
    walked = sum(1 for i in range(1, span + 1) if NORWAY.is_workday(start + timedelta(days=i)))
    assert NORWAY.between(start, end) == walked


def test_the_scheduler_fires_at_nine_in_oslo_on_workdays_only():
    trigger = WorkdayTrigger(9, 0, OSLO)
    # From the Wednesday before Easter 2026, after nine: next is Tuesday after Easter.
    fire = trigger.get_next_fire_time(None, datetime(2026, 4, 1, 10, 0, tzinfo=OSLO))
    assert fire == datetime(2026, 4, 7, 9, 0, tzinfo=OSLO)
    fires = [fire]
    for _ in range(3):
        fires.append(trigger.get_next_fire_time(fires[-1], fires[-1] + timedelta(seconds=1)))
    assert [f.date() for f in fires] == [date(2026, 4, 7), date(2026, 4, 8), date(2026, 4, 9), date(2026, 4, 10)]
    # Nine in Oslo is 07:00 UTC in summer time, 08:00 in winter.
    assert fires[0].astimezone(UTC).hour == 7
    winter = trigger.get_next_fire_time(None, datetime(2026, 11, 21, 12, 0, tzinfo=OSLO))
    assert winter.astimezone(UTC) == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_the_scheduler_skips_17_may():
    trigger = WorkdayTrigger(13, 0, OSLO)
    fire = trigger.get_next_fire_time(None, datetime(2028, 5, 16, 14, 0, tzinfo=OSLO))
    assert fire == datetime(2028, 5, 18, 13, 0, tzinfo=OSLO)
