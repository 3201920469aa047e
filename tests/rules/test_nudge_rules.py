"""The reminder rules as plain Python: open cases in, reminders out, on a controlled calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.deviations.rules import State
from bot.office import Cadence
from bot.reminders.rules import (
    ActionSnapshot,
    DeviationSnapshot,
    PastNudge,
    Rule,
    by_recipient,
    due_nudges,
    escalations,
    still_due,
    weekly_due,
)

OSLO = ZoneInfo("Europe/Oslo")
LEADERS = ["U0LEADER1", "U0LEADER2"]
CADENCE = Cadence()  # assess 2, owner 0, leader +3, ready 3, external 2, escalate after 3, repeat 2
ROOT = Path(__file__).resolve().parents[2]


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO).astimezone(UTC)


def snapshot(state: State = State.REGISTERED, since: date = date(2026, 11, 23), **kwargs) -> DeviationSnapshot:
    values = {"id": 1, "reference": "AVV-2026-0001", "state": state, "state_since": at(since),
              "progress_at": at(since), "reporter_id": "U0STAFF1"}
    return DeviationSnapshot(**(values | kwargs))


def due(deviations, today, cadence=CADENCE, leaders=LEADERS):
    return due_nudges(deviations, cadence, leaders, today, OSLO)


def summary(nudges):
    return [(n.recipient, n.rule.value, n.period.isoformat(), n.workdays) for n in nudges]


def test_an_unassessed_case_reminds_every_leader_after_two_workdays():
    registered_monday = snapshot()
    assert due([registered_monday], date(2026, 11, 24)) == []
    assert summary(due([registered_monday], date(2026, 11, 25))) == [
        ("U0LEADER1", "unassessed", "2026-11-25", 2),
        ("U0LEADER2", "unassessed", "2026-11-25", 2),
    ]


def test_once_there_is_a_responsible_leader_only_they_are_reminded():
    assigned = snapshot(responsible_leader="U0LEADER2")
    assert summary(due([assigned], date(2026, 11, 25))) == [("U0LEADER2", "unassessed", "2026-11-25", 2)]


def test_a_reminder_belongs_to_its_period_and_comes_again_after_the_repeat():
    registered = snapshot()
    wednesday, thursday, friday = date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)
    assert {n.period for n in due([registered], wednesday)} == {wednesday}
    # Thursday is still Wednesday's round: the same key, so nobody is reminded twice in it.
    assert {n.period for n in due([registered], thursday)} == {wednesday}
    assert {n.period for n in due([registered], friday)} == {friday}


def test_a_case_registered_before_easter_waits_for_workdays():
    before_easter = snapshot(since=date(2026, 4, 1))
    assert due([before_easter], date(2026, 4, 7)) == []
    assert {n.period for n in due([before_easter], date(2026, 4, 8))} == {date(2026, 4, 8)}


def test_a_case_registered_before_17_may_waits_for_workdays():
    before = snapshot(since=date(2028, 5, 16))  # Tuesday; 17 May 2028 is a Wednesday
    assert due([before], date(2028, 5, 18)) == []
    assert {n.period for n in due([before], date(2028, 5, 19))} == {date(2028, 5, 19)}


def test_an_overdue_action_reminds_its_owner_then_the_responsible_leader_three_workdays_later():
    ongoing = snapshot(State.ACTIONS_ONGOING, responsible_leader="U0LEADER2",
                   open_actions=(ActionSnapshot(7, "U0OWNER1", date(2026, 11, 20)),))
    # Due Friday: overdue on Monday, the owner is reminded that day.
    assert summary(due([ongoing], date(2026, 11, 20))) == []
    assert summary(due([ongoing], date(2026, 11, 23))) == [("U0OWNER1", "overdue_owner", "2026-11-23", 1)]
    assert [n.rule for n in due([ongoing], date(2026, 11, 25))] == [Rule.OVERDUE_OWNER]
    assert summary(due([ongoing], date(2026, 11, 26))) == [
        ("U0LEADER2", "overdue_leader", "2026-11-26", 4),
        ("U0OWNER1", "overdue_owner", "2026-11-25", 4),
    ]
    [nudge] = [n for n in due([ongoing], date(2026, 11, 26)) if n.rule is Rule.OVERDUE_LEADER]
    assert nudge.target == "action:7"


def test_an_owner_who_is_also_the_responsible_leader_gets_one_reminder_per_round():
    ongoing = snapshot(State.ACTIONS_ONGOING, responsible_leader="U0LEADER2",
                   open_actions=(ActionSnapshot(7, "U0LEADER2", date(2026, 11, 20)),))
    assert summary(due([ongoing], date(2026, 11, 26))) == [("U0LEADER2", "overdue_owner", "2026-11-25", 4)]


def test_a_case_ready_to_close_for_three_workdays_reminds_the_responsible_leader():
    ready = snapshot(State.READY_TO_CLOSE, responsible_leader="U0LEADER1")
    assert due([ready], date(2026, 11, 25)) == []
    assert summary(due([ready], date(2026, 11, 26))) == [("U0LEADER1", "ready_to_close", "2026-11-26", 3)]


def test_an_external_case_without_reference_reminds_the_reporter_never_an_anonymous_one():
    forwarded = snapshot(State.FORWARDED)
    anonymous = snapshot(State.FORWARDED, id=2, reference="AVV-2026-0002", reporter_id=None)
    referenced = snapshot(State.FORWARDED, id=3, reference="AVV-2026-0003", external_reference="ASYS-1")
    assert summary(due([forwarded, anonymous, referenced], date(2026, 11, 25))) == [
        ("U0STAFF1", "external_reference", "2026-11-25", 2)]


def test_one_message_per_person_gathers_all_their_reminders():
    deviations = [snapshot(), snapshot(State.READY_TO_CLOSE, id=2, reference="AVV-2026-0002",
                                       responsible_leader="U0LEADER1"),
             snapshot(State.FORWARDED, id=3, reference="AVV-2026-0003")]
    gathered = by_recipient(due(deviations, date(2026, 11, 26)))
    assert {person: [n.reference for n in nudges] for person, nudges in gathered.items()} == {
        "U0LEADER1": ["AVV-2026-0001", "AVV-2026-0002"],
        "U0LEADER2": ["AVV-2026-0001"],
        "U0STAFF1": ["AVV-2026-0003"],
    }


def _given(nudges, day):
    return [PastNudge(n.rule.value, n.deviation_id, n.target, n.period.isoformat(), at(day)) for n in nudges]


def test_after_three_rounds_without_progress_the_leader_channel_is_told_and_again_after_three_more():
    stalled = snapshot()
    history: list[PastNudge] = []
    first_told: dict[str, date] = {}
    day = date(2026, 11, 23)
    while day <= date(2026, 12, 18):
        nudges = due([stalled], day)
        for escalation in escalations([stalled], nudges, history, CADENCE):
            first_told.setdefault(escalation.period, day)  # the ledger's key: once per period
        history += _given(nudges, day)
        day += timedelta(days=1)
    # Rounds on 25 Nov, 27 Nov and 1 Dec change nothing: the fourth round (3 Dec) tells the
    # leader channel. Three more (3, 7 and 9 Dec) change nothing either: the seventh (11 Dec) tells it again.
    assert sorted(first_told.values()) == [date(2026, 12, 3), date(2026, 12, 11)]


def test_progress_starts_the_count_again():
    history = _given(due([snapshot()], date(2026, 11, 25)), date(2026, 11, 25))
    history += _given(due([snapshot()], date(2026, 11, 27)), date(2026, 11, 27))
    history += _given(due([snapshot()], date(2026, 12, 1)), date(2026, 12, 1))
    moved_on = snapshot(progress_at=at(date(2026, 12, 2)))
    assert escalations([moved_on], due([moved_on], date(2026, 12, 3)), history, CADENCE) == []
    assert len(escalations([snapshot()], due([snapshot()], date(2026, 12, 3)), history, CADENCE)) == 1


def test_a_reminder_is_dropped_when_the_case_moved_on_before_it_was_sent():
    assert still_due(Rule.UNASSESSED, "registrert")
    assert not still_due(Rule.UNASSESSED, "tiltak_pagar")
    assert not still_due(Rule.READY_TO_CLOSE, "lukket")
    assert not still_due(Rule.OVERDUE_OWNER, "tiltak_pagar", "utfort")
    assert still_due(Rule.OVERDUE_LEADER, "tiltak_pagar", "apen")
    assert not still_due(Rule.EXTERNAL_REFERENCE, "videresendt", external_reference="ASYS-9")


def test_weekly_messages_go_on_their_weekday_or_the_first_workday_after_it_that_week():
    assert weekly_due(date(2026, 11, 27), 4)  # Friday
    assert not weekly_due(date(2026, 11, 26), 4)
    assert not weekly_due(date(2026, 4, 3), 4)  # Good Friday: no digest that day
    assert weekly_due(date(2026, 4, 7), 0)  # Easter Monday: the summary goes on Tuesday


def test_the_rules_know_neither_slack_nor_sql():
    for name in ("reminders/rules.py", "workdays.py"):
        text = (ROOT / "bot" / name).read_text(encoding="utf-8")
        for forbidden in ("slack_sdk", "slack_bolt", "sqlalchemy", "from store", "import store"):
            assert forbidden not in text, (name, forbidden)
