"""Issue 22: `avvik-bot effect`, «Har tiltaket virket?» for a cron setup, as real processes against one
database and the Slack fake: a dry run says what it would ask and stores nothing; two processes started at
once ask the case once."""

from __future__ import annotations

import pytest

from store.models import EffectCheck, LedgerEntry
from tests.ops.test_scheduler_processes import count, finish, run, start
from tests.scenarios.test_effect import DUE, MARKER, OTHER_LEADER, closed_with_action, closed_without_action
from tests.support.flows import posted_to, text_of

pytestmark = pytest.mark.slow

AT = f"{DUE.isoformat()}T09:00"  # the 60th workday after the closure, the office's time zone


def test_a_dry_run_says_what_would_be_asked_and_stores_nothing(slack, db, tmp_path):
    closed_with_action(db)
    closed_without_action(db)
    output = run(slack, db.url, tmp_path, "effect", "--dry-run", "--at", AT)
    assert "would ask «Har tiltaket virket?» for 1 case(s), reminded 0 unanswered check(s)" in output
    assert (count(db, EffectCheck), count(db, LedgerEntry)) == (0, 0)
    slack.settle()
    assert slack.of("chat.postMessage") == []


def test_two_processes_at_once_ask_the_case_once(slack, db, tmp_path):
    closed_with_action(db)
    both = [start(slack, db.url, tmp_path, "effect", "--at", AT) for _ in range(2)]
    outputs = [finish(process) for process in both]
    assert sorted("for 1 case(s)" in output for output in outputs) == [False, True]  # one of them asked
    slack.settle()
    assert len([p for p in posted_to(slack, OTHER_LEADER) if MARKER in text_of(p)]) == 1
    assert (count(db, EffectCheck), count(db, LedgerEntry)) == (1, 1)
