"""Issue 25: `avvik-bot quality`, the quality rounds' job for a cron setup, as real processes against one
database and the Slack fake: a dry run says what it would do and stores nothing; a run opens the seed's
spring round once, however often cron starts it."""

from __future__ import annotations

import pytest

from store.models import LedgerEntry, QualityRound
from tests.ops.test_scheduler_processes import count, run
from tests.support.flows import posted_to, text_of

pytestmark = pytest.mark.slow

SPRING_OPENS = "2027-03-01T09:00"  # Monday 1 March 2027, the office's time zone


def test_a_dry_run_on_1_march_says_spring_would_open_and_stores_nothing(slack, db, tmp_path):
    output = run(slack, db.url, tmp_path, "quality", "--dry-run", "--at", SPRING_OPENS)
    assert "Monday 2027-03-01: dry run, nothing stored" in output
    assert "would open Quality measurement spring 2027 (2027-03-01–2027-04-30)" in output
    assert (count(db, QualityRound), count(db, LedgerEntry)) == (0, 0)
    slack.settle()
    assert slack.of("chat.postMessage") == []


def test_a_run_opens_spring_once_and_a_later_run_closes_it(slack, db, tmp_path):
    for _ in range(2):  # cron may start it twice
        output = run(slack, db.url, tmp_path, "quality", "--at", SPRING_OPENS)
    assert "nothing to do" in output
    assert count(db, QualityRound) == 1
    slack.settle()
    assert len([p for p in posted_to(slack, "C0LEADERS") if "Kvalitetsmåling vår 2027" in text_of(p)]) == 1

    preview = run(slack, db.url, tmp_path, "quality", "--dry-run", "--at", "2027-05-03T09:00")
    assert "would close Quality measurement spring 2027 (ended 2027-04-30; 0 review(s)): overall assessment to " \
           "the leader channel only (no reviews)" in preview
    run(slack, db.url, tmp_path, "quality", "--at", "2027-05-03T09:00")
    slack.settle()
    assert [text_of(p) for p in posted_to(slack, "C0OFFICE")] == []
    assert [p for p in posted_to(slack, "C0LEADERS") if "avsluttet uten gjennomganger" in text_of(p)]
