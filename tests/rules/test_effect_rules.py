"""«Har tiltaket virket?» (issue 22): when a closed case is asked, which closures a day's scan reads,
when an unanswered check is reminded, and what an answer may do. Plain rules, Norwegian workdays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.effect.rules import (
    CATCH_UP_WORKDAYS,
    AlreadyAnswered,
    AlreadyReopened,
    Answer,
    ReopenNotOffered,
    check_answer,
    closure_window,
    is_due,
    parse_answer,
    reminder_round,
    who_is_asked,
    workdays_back,
)
from bot.errors import ReasonRequired
from bot.workdays import NORWAY


def test_sixty_workdays_after_a_closure_skip_weekends_and_christmas():
    closed = date(2026, 10, 20)
    assert not is_due(closed, date(2027, 1, 13), 60, NORWAY)  # 59 workdays: 25 December and 1 January are holidays
    assert is_due(closed, date(2027, 1, 14), 60, NORWAY)
    assert not is_due(closed, date(2030, 1, 1), 0, NORWAY)  # 0: the office asks nothing


@pytest.mark.parametrize("today", [date(2027, 1, 14), date(2026, 4, 7), date(2026, 5, 18), date(2026, 12, 28)])
@pytest.mark.parametrize("n", [1, 2, 5, 60])
def test_workdays_back_is_the_latest_day_n_workdays_ago(today, n):
    day = workdays_back(today, n, NORWAY)
    assert NORWAY.between(day, today) >= n
    assert NORWAY.between(day + timedelta(days=1), today) < n


def test_a_day_s_scan_reads_only_the_closures_due_today_or_missed_lately():
    today = date(2027, 1, 14)
    first, last = closure_window(today, 60, NORWAY)
    assert last == date(2026, 10, 20)
    assert NORWAY.between(first, today) <= 60 + CATCH_UP_WORKDAYS  # the earliest closure still asked, late
    assert NORWAY.between(first - timedelta(days=1), today) > 60 + CATCH_UP_WORKDAYS
    assert (last - first).days < 30  # two weeks of closures or so, however long the office has run


def test_an_unanswered_check_is_reminded_every_repeat_workdays_at_most_rounds_times():
    asked = date(2027, 1, 14)  # Thursday
    assert reminder_round(asked, date(2027, 1, 15), 2, 3, NORWAY) is None
    assert reminder_round(asked, date(2027, 1, 18), 2, 3, NORWAY) == date(2027, 1, 18)
    assert reminder_round(asked, date(2027, 1, 19), 2, 3, NORWAY) == date(2027, 1, 18)  # the same round: sent once
    assert reminder_round(asked, date(2027, 1, 20), 2, 3, NORWAY) == date(2027, 1, 20)
    assert reminder_round(asked, date(2027, 2, 1), 2, 3, NORWAY) == date(2027, 1, 22)  # then only the summary


def test_the_responsible_leader_is_asked_while_they_lead_else_the_leader_channel():
    assert who_is_asked("U0LEADER2", {"U0LEADER1", "U0LEADER2"}) == "U0LEADER2"
    assert who_is_asked("U0GONE", {"U0LEADER1"}) is None
    assert who_is_asked(None, {"U0LEADER1"}) is None


def test_one_answer_and_reopening_only_with_partly_or_no_and_a_reason():
    check_answer(False, Answer.NOT, True, "Samme feil igjen")
    check_answer(False, Answer.WORKED, False, None)
    with pytest.raises(AlreadyAnswered):
        check_answer(True, Answer.WORKED, False, None)
    with pytest.raises(ReopenNotOffered):
        check_answer(False, Answer.WORKED, True, "Likevel")
    with pytest.raises(ReasonRequired):
        check_answer(False, Answer.PARTLY, True, "  ")
    with pytest.raises(AlreadyReopened):  # reopened from its card since the question: not reopened twice
        check_answer(False, Answer.NOT, True, "Samme feil igjen", closed=False)
    check_answer(False, Answer.NOT, False, "Samme feil igjen", closed=False)  # the answer itself is still taken
    assert parse_answer("nei") is Answer.NOT and parse_answer("ja") is None
