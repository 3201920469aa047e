"""Real `avvik-bot breach` processes against one database and the Slack fake (issue 21): two at the
same hour send each breach reminder and escalation once; a dry run sends and stores nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.breach.rules import deadline
from store.db import Database
from store.models import Breach, LedgerEntry
from tests.ops.test_scheduler_processes import finish, run, start
from tests.support import seeding
from tests.support.flows import posted_to, text_of

pytestmark = pytest.mark.slow

OSLO = ZoneInfo("Europe/Oslo")
DISCOVERED = datetime(2026, 12, 4, 14, 30, tzinfo=OSLO)  # Friday afternoon


def seed(db: Database) -> None:
    """An ASYS case registered as a possible breach, waiting for its reference and its decision."""
    case = seeding.add_deviation(db, DISCOVERED, category="informasjonssikkerhet", destination="asys",
                                 state="videresendt")
    with db.transaction() as session:
        session.add(Breach(deviation_id=case, office_id=seeding.OFFICE, answer="ja", kind="konfidensialitet",
                           discovered_at=DISCOVERED, deadline_at=deadline(DISCOVERED),
                           created_at=DISCOVERED + timedelta(minutes=5)))


def breach_posts(slack, channel: str, marker: str) -> int:
    return len([p for p in posted_to(slack, channel) if marker in text_of(p)])


def test_two_processes_each_hour_send_every_breach_reminder_and_escalation_once(slack, db, tmp_path):
    seed(db)
    for moment in ("2026-12-04T15:00", "2026-12-04T16:00", "2026-12-05T15:00"):
        both = [start(slack, db.url, tmp_path, "breach", "--at", moment) for _ in range(2)]
        for process in both:
            finish(process)
    slack.settle(quiet=0.2)

    assert breach_posts(slack, "U0STAFF1", "i ASYS nå") == 3
    assert breach_posts(slack, "U0PRIVACY", "skal meldes til Datatilsynet") == 3
    assert breach_posts(slack, "C0LEADERS", "48 timer igjen") == 1
    assert "mandag 07.12.2026 kl. 14.30" in text_of(posted_to(slack, "C0LEADERS")[0])
    with db.transaction() as session:
        assert {e.status for e in session.scalars(select(LedgerEntry))} == {"sent"}


def test_a_dry_run_says_what_it_would_send_and_sends_nothing(slack, db, tmp_path):
    seed(db)
    output = run(slack, db.url, tmp_path, "breach", "--dry-run", "--at", "2026-12-05T15:00")
    assert "would send (dry run)" in output
    assert "DM to U0PRIVACY: breach reminder AVV-2026-0001" in output
    assert "leader channel: AVV-2026-0001 has 48 hours left" in output
    assert slack.of("chat.postMessage") == []
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
