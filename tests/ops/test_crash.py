"""A bot process dies mid-delivery, after it has claimed its messages from the ledger: once its
lease runs out, the next delivery run sends every message exactly once. Nothing is lost and
nothing is sent twice."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from store.models import Deviation, LedgerEntry
from tests.conftest import SIGNING_SECRET
from tests.support.flows import ANSWERS, posted_to
from tests.support.servers import crash, run_cli, serve
from tests.support.slack_client import SlackClient

LEADER_CHANNEL = "C0LEADERS"


def _ledger(db) -> list[tuple[str, str]]:
    with db.transaction() as session:
        return [(e.what, e.status) for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))]


def _until(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the bot never got there"
        time.sleep(0.05)


def test_a_process_killed_while_sending_loses_and_repeats_nothing(slack, db, tmp_path):
    release = slack.stall("chat.postMessage", times=100)  # Slack hangs: the bot waits with its rows claimed
    with serve(slack, db.url, tmp_path, workers=1) as url:
        client = SlackClient(url, SIGNING_SECRET)
        assert client.command("").status == 200
        view = slack.wait_for("views.open")[0].params["view"]
        answer = client.submit(view, ANSWERS, view_id="VCRASH").json()
        assert "AVV-2026-0001" in str(answer["view"])
        _until(lambda: slack.attempts("chat.postMessage") >= 1)
        crash(url)
    release.set()

    assert _ledger(db) == [("leader_card", "sending"), ("receipt", "sending")]  # claimed by the dead process
    assert slack.of("chat.postMessage") == []
    restarted = run_cli(slack, db.url, tmp_path, "deliver")
    assert "sent 0" in restarted.stdout  # the dead process's lease has not run out yet

    with db.transaction() as session:  # five minutes pass: the dead process's lease runs out
        for entry in session.scalars(select(LedgerEntry)):
            entry.claimed_at -= timedelta(minutes=6)
    restarted = run_cli(slack, db.url, tmp_path, "deliver")
    assert restarted.returncode == 0, restarted.stderr
    assert "sent 2, postponed 0" in restarted.stdout
    assert "sent 0" in run_cli(slack, db.url, tmp_path, "deliver").stdout

    assert len(posted_to(slack, "U0STAFF1")) == 1
    assert len(posted_to(slack, LEADER_CHANNEL)) == 1
    assert _ledger(db) == [("leader_card", "sent"), ("receipt", "sent")]
    with db.transaction() as session:
        [deviation] = session.scalars(select(Deviation)).all()
        assert deviation.card_ts is not None  # the card is known, so later changes update it in place
