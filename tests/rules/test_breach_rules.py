"""The breach clock's rules (bot/breach/rules.py), without Slack or a database: 72 elapsed hours,
hourly reminders outside the quiet hours but never skipping the last, escalations at 48 and 24
hours left, and nothing once the decision is recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.breach.rules import Answer, Clock, QuietHours, countdown_slot, deadline, due, figures, starts_track

OSLO = ZoneInfo("Europe/Oslo")
QUIET = QuietHours()


def oslo(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=OSLO)


def test_yes_and_dont_know_start_the_track_and_no_does_not():
    assert starts_track(Answer.YES) and starts_track(Answer.UNKNOWN)
    assert not starts_track(Answer.NO) and not starts_track(None)


def test_the_deadline_is_72_elapsed_hours_also_when_summer_time_ends():
    assert deadline(oslo(4, 14, 30)).astimezone(OSLO) == oslo(7, 14, 30)
    assert deadline(oslo(23, 14, 30, month=10)).astimezone(OSLO) == oslo(26, 13, 30, month=10)


def test_no_dm_in_the_quiet_hours_but_the_last_reminder_before_the_deadline_is_never_skipped():
    track = Clock(oslo(1, 1, 30), reference_in=False, decided=False)  # deadline Friday 01:30
    assert not due(track, oslo(2, 23), OSLO, QUIET).decision_makers
    assert due(track, oslo(2, 7), OSLO, QUIET).decision_makers
    last = due(track, oslo(4, 1), OSLO, QUIET)
    assert last.decision_makers and last.reporter and last.slot == "last"
    assert due(track, oslo(4, 2), OSLO, QUIET).slot is None  # past the deadline: no more reminders


def test_escalations_come_at_48_and_24_hours_left_and_none_after_the_decision():
    track = Clock(oslo(4, 14, 30), reference_in=True, decided=False)
    assert due(track, oslo(5, 14), OSLO, QUIET).escalation is None
    assert due(track, oslo(5, 15), OSLO, QUIET).escalation == 48
    assert due(track, oslo(6, 15), OSLO, QUIET).escalation == 24
    decided = Clock(oslo(4, 14, 30), reference_in=True, decided=True)
    assert due(decided, oslo(6, 15), OSLO, QUIET).escalation is None
    assert not due(decided, oslo(6, 15), OSLO, QUIET).decision_makers
    assert countdown_slot(decided, oslo(6, 15)) is None


def test_the_reporter_is_reminded_only_until_the_reference_is_in():
    track = Clock(oslo(4, 14, 30), reference_in=True, decided=False)
    now = due(track, oslo(4, 16), OSLO, QUIET)
    assert not now.reporter and now.decision_makers


def test_the_card_is_refreshed_every_few_hours_and_once_when_the_deadline_is_missed():
    track = Clock(oslo(4, 14, 30), reference_in=False, decided=False)
    assert countdown_slot(track, oslo(4, 15)) == countdown_slot(track, oslo(4, 17)) == "c0"
    assert countdown_slot(track, oslo(4, 18)) == "c1"
    assert countdown_slot(track, oslo(7, 15)) == countdown_slot(track, oslo(8, 9)) == "missed"


def test_the_report_figures_are_medians_in_hours_and_the_count_within_72_hours():
    found = oslo(4, 14, 30)
    found_figures = figures([(found, found + timedelta(hours=2), found + timedelta(hours=10)),
                             (found, found + timedelta(hours=4), found + timedelta(hours=80)),
                             (found, None, None)])
    assert (found_figures.count, found_figures.median_hours_to_reference,
            found_figures.median_hours_to_decision, found_figures.met_deadline) == (3, 3.0, 45.0, 1)
