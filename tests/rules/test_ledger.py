"""The ledger's kinds and targets are types, stored as the strings rows were always written with,
so a ledger filled by an earlier version still reads the same."""

from __future__ import annotations

import pytest

from store.ledger import (
    LedgerKey,
    MessageKind,
    Target,
    TargetKind,
    UnknownTarget,
    WholeOffice,
    id_of,
    parse_target,
)

# The strings rows were written with before the kinds were an enum: a production ledger holds them.
KINDS_IN_LEDGERS = {
    "receipt", "leader_card", "leader_alert", "card_thread", "action_assigned", "action_dropped", "ready_to_close",
    "office_feedback", "nudges", "escalation", "leader_summary", "digest", "quality_opened", "quality_invite",
    "quality_progress", "quality_assessment", "quality_assessment_short", "measure_assigned", "measure_overdue",
    "reporter_closed", "reporter_reopened", "action_reassigned",  # issue 16
    "measure_overdue_leaders",  # issue 25: the leader channel hears of an overdue measure once
    "dialogue_thread", "dialogue_answer",  # issue 20
    "breach_alert", "breach_reminder", "breach_escalation", "breach_countdown",  # issue 21: the 72-hour track
    "delivery_problem",
    "exercise_poll", "exercise_reveal", "discussion_question", "quality_good_practice",  # issue 23: learning
    "effect_check", "effect_reminder",  # issue 22: «Har tiltaket virket?»
    "measure_county",  # issue 24: a county's leaders hear of a new measure «i fylkets regi»
}


def test_every_kind_keeps_the_string_rows_were_written_with():
    assert {kind.value for kind in MessageKind} == KINDS_IN_LEDGERS


@pytest.mark.parametrize("text, target", [
    ("deviation:42", Target.deviation(42)),
    ("action:7", Target.action(7)),
    ("round:3", Target.quality_round(3)),
    ("nudge:11", Target.nudge(11)),
    ("digest:5", Target.digest(5)),
    ("event:900", Target.event(900)),
    ("exercise:4", Target.exercise(4)),
    ("office:nav-grorud", WholeOffice("nav-grorud")),
])
def test_a_target_reads_back_from_the_string_it_is_stored_as(text, target):
    assert str(target) == text
    assert parse_target(text) == target


@pytest.mark.parametrize("text", ["", "deviation", "deviation:", "deviation:x", "deviation:-1", "case:4", "office:",
                                  "2026-W48", "20261123T080000:2"])
def test_a_string_that_names_no_row_is_a_lookup_error(text):
    with pytest.raises(LookupError):
        parse_target(text)


def test_a_target_of_another_kind_is_not_taken_for_the_one_asked_for():
    assert id_of(Target.deviation(4), TargetKind.DEVIATION) == 4
    with pytest.raises(UnknownTarget):
        id_of(Target.action(4), TargetKind.DEVIATION)
    with pytest.raises(UnknownTarget):
        id_of(WholeOffice("nav-grorud"), TargetKind.DEVIATION)


def test_a_key_is_stored_as_the_strings_it_always_was():
    key = LedgerKey(MessageKind.CARD_THREAD, Target.deviation(4), "C0LEADERS", Target.event(12))
    assert key.columns() == {"what": "card_thread", "target": "deviation:4", "recipient": "C0LEADERS",
                             "period": "event:12"}
    assert all(type(value) is str for value in key.columns().values())
