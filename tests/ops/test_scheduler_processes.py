"""Real `avvik-bot nudge` and `avvik-bot digest` processes against one database and the Slack fake:
a dry run sends nothing; two processes at once send everything once; a process killed between
writing the ledger and sending is made good by the next run, once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from store.db import Database
from store.models import Digest, LedgerEntry, NudgeEntry
from tests.support import seeding
from tests.support.flows import posted_to, text_of
from tests.support.slack_fake import SlackFake

pytestmark = pytest.mark.slow

OSLO = ZoneInfo("Europe/Oslo")
WEDNESDAY = "2026-11-25T09:00"  # the office's time zone
ROOT = Path(__file__).resolve().parents[2]


def oslo(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)


def seed(db: Database) -> None:
    """A week of cases, as of Wednesday 25 November 2026."""
    seeding.add_deviation(db, oslo(date(2026, 11, 23)))  # unassessed for 2 workdays → both leaders
    ongoing = seeding.add_deviation(db, oslo(date(2026, 11, 9)), state="tiltak_pagar", responsible_leader="U0LEADER2")
    seeding.add_action(db, ongoing, "U0OWNER1", date(2026, 11, 20), oslo(date(2026, 11, 9)))  # → its owner
    seeding.add_deviation(db, oslo(date(2026, 11, 20)), state="klar_for_lukking", responsible_leader="U0LEADER1")
    seeding.add_deviation(db, oslo(date(2026, 11, 23)), category="informasjonssikkerhet", destination="asys",
                     state="videresendt")  # no ASYS reference after 2 workdays → its reporter
    closed = seeding.add_deviation(db, oslo(date(2026, 11, 16)))
    seeding.close(db, closed, oslo(date(2026, 11, 24)), feedback="Sjekklisten er tatt i bruk.")


EXPECTED_DMS = {"U0LEADER1": 1, "U0LEADER2": 1, "U0OWNER1": 1, "U0STAFF1": 1}


def start(slack: SlackFake, database_url: str, cwd: Path, *args: str) -> subprocess.Popen:
    env = {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV")},
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": database_url,
    }
    return subprocess.Popen([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def finish(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=90)
    assert process.returncode == 0, output
    return output


def run(slack: SlackFake, database_url: str, cwd: Path, *args: str) -> str:
    return finish(start(slack, database_url, cwd, *args))


def dms(slack: SlackFake) -> dict[str, int]:
    return {user: len([p for p in posted_to(slack, user) if "Påminnelser om avvik" in text_of(p)])
            for user in EXPECTED_DMS}


def channel_posts(slack: SlackFake, channel: str, marker: str) -> int:
    return len([p for p in posted_to(slack, channel) if marker in text_of(p)])


def count(db: Database, model) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_dry_run_prints_what_would_be_sent_and_sends_and_stores_nothing(slack, db, tmp_path):
    seed(db)
    nudges = run(slack, db.url, tmp_path, "nudge", "--dry-run", "--at", WEDNESDAY)
    digest = run(slack, db.url, tmp_path, "digest", "--dry-run", "--at", WEDNESDAY)

    assert "Wednesday 2026-11-25: would send (dry run)" in nudges
    assert "DM to U0LEADER1: 2 reminder(s)" in nudges
    assert "AVV-2026-0001  unassessed  2 workday(s)" in nudges
    assert "AVV-2026-0003  ready_to_close  3 workday(s)" in nudges
    assert "DM to U0OWNER1: 1 reminder(s)" in nudges
    assert "AVV-2026-0004  external_reference" in nudges
    assert "weekly summary 2026-W48" in nudges
    assert "would post to the office channel C0OFFICE (dry run)" in digest
    assert "done: Sjekklisten er tatt i bruk." in digest
    assert slack.of("chat.postMessage") == []
    assert count(db, NudgeEntry) == count(db, LedgerEntry) == count(db, Digest) == 0


def test_two_processes_at_the_same_time_send_each_reminder_and_digest_once(slack, db, tmp_path):
    seed(db)
    both = [start(slack, db.url, tmp_path, "nudge", "--at", WEDNESDAY) for _ in range(2)]
    for process in both:
        finish(process)
    both = [start(slack, db.url, tmp_path, "digest", "--at", WEDNESDAY) for _ in range(2)]
    outputs = [finish(process) for process in both]
    slack.settle(quiet=0.2)

    assert dms(slack) == EXPECTED_DMS
    leader1 = text_of(posted_to(slack, "U0LEADER1")[0])
    assert leader1.count("AVV-2026-0001") == 1 and leader1.count("AVV-2026-0003") == 1
    assert channel_posts(slack, "C0LEADERS", "Avvik denne uken") == 1
    assert channel_posts(slack, "C0OFFICE", "Tilbakemelding til kontoret") == 1
    assert sum("made before" in output for output in outputs) == 1
    with db.transaction() as session:
        assert {e.status for e in session.scalars(select(LedgerEntry))} == {"sent"}


def test_a_second_process_running_while_the_first_is_sending_sends_nothing_itself(slack, db, tmp_path):
    seed(db)
    slack.hold("chat.postMessage")
    first = start(slack, db.url, tmp_path, "nudge", "--at", WEDNESDAY)
    slack.wait_held("chat.postMessage")  # the first has planned and is sending
    # Moments later, well inside the first's lease (20 s, kept fresh while it sends).
    second = run(slack, db.url, tmp_path, "nudge", "--at", "2026-11-25T09:00:05")
    assert "nothing to send" in second
    slack.release("chat.postMessage", drop=False)
    finish(first)
    slack.settle(quiet=0.2)
    assert dms(slack) == EXPECTED_DMS
    assert channel_posts(slack, "C0LEADERS", "Avvik denne uken") == 1


def test_a_process_killed_between_the_ledger_and_sending_is_made_good_once_by_the_next_run(slack, db, tmp_path):
    seed(db)
    slack.hold("chat.postMessage")
    killed = start(slack, db.url, tmp_path, "nudge", "--at", WEDNESDAY)
    slack.wait_held("chat.postMessage")  # the ledger is written, the first message is on its way
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    slack.release("chat.postMessage", drop=True)  # the request dies with the process: Slack never had it

    with db.transaction() as session:
        statuses = sorted(e.status for e in session.scalars(select(LedgerEntry)))
    assert statuses and set(statuses) == {"sending"}
    assert slack.of("chat.postMessage") == []

    # Restarted ten minutes later: the dead process's claim has lapsed, and it is sent, once.
    run(slack, db.url, tmp_path, "nudge", "--at", "2026-11-25T09:10")
    run(slack, db.url, tmp_path, "nudge", "--at", "2026-11-25T09:20")
    slack.settle(quiet=0.2)
    assert dms(slack) == EXPECTED_DMS
    assert channel_posts(slack, "C0LEADERS", "Avvik denne uken") == 1
    with db.transaction() as session:
        assert {e.status for e in session.scalars(select(LedgerEntry))} == {"sent"}
