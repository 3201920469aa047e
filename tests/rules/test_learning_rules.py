"""Issue 23's plain rules: one vote per person and question under a keyed hash, the tally, and which
of seed 000's ten questions a month gets, on which day."""

from __future__ import annotations

from datetime import date

from bot.learning.rules import (
    Outcome,
    decide,
    first_workday_of_month,
    question_due,
    question_number,
    tally,
    valid_answer,
    voter_hash,
)
from bot.workdays import NORWAY


def test_a_voter_is_known_only_under_the_exercise_s_key():
    one, other = b"k" * 32, b"x" * 32
    assert voter_hash(one, "U0VOTER1") == voter_hash(one, "U0VOTER1")
    assert voter_hash(one, "U0VOTER1") != voter_hash(other, "U0VOTER1")  # another exercise cannot link them
    assert "U0VOTER1" not in voter_hash(one, "U0VOTER1")


def test_one_vote_each_a_changed_one_replaces_it():
    assert decide(None, "ja") is Outcome.VOTED
    assert decide("ja", "ja") is Outcome.ALREADY
    assert decide("nei", "ja") is Outcome.CHANGED


def test_only_the_poll_s_answers_are_taken():
    assert valid_answer("meldes", "ja") is not None
    assert valid_answer("hvor", "tqm") is not None
    assert valid_answer("hvor", "ja") is None and valid_answer("who", "ja") is None


def test_the_tally_counts_answers_not_people():
    counted = tally([("meldes", "ja"), ("meldes", "ja"), ("meldes", "nei"), ("hvor", "tqm")])
    assert counted["meldes"] == {"ja": 2, "nei": 1}
    assert counted["hvor"]["tqm"] == 1 and counted["hvor"]["asys"] == 0


def test_the_questions_come_in_the_seed_s_order_then_again():
    assert [question_number(n) for n in (0, 1, 9, 10)] == [1, 2, 10, 1]


def test_the_month_s_first_workday_skips_weekends_and_holidays():
    assert first_workday_of_month(date(2027, 1, 20), NORWAY.is_workday) == date(2027, 1, 4)  # 1 Jan, weekend
    assert first_workday_of_month(date(2026, 12, 20), NORWAY.is_workday) == date(2026, 12, 1)
    assert not question_due(date(2027, 1, 1), NORWAY.is_workday)
    assert question_due(date(2027, 1, 4), NORWAY.is_workday)
