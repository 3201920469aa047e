"""Every message the ledger sends reaches Slack exactly once, though `chat.postMessage` has no
idempotency key: not when Slack posts a message but answers only after the bot gave up waiting,
and not when one of two replicas is killed (kill -9) in the middle of a burst of registrations.

Each message carries metadata naming its ledger row; a row tried before is looked up in its
conversation before it is posted again. Messages are counted on the Slack fake, which records a
post even when the bot was no longer waiting for the answer.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from store.models import Deviation, LedgerEntry
from tests.conftest import SIGNING_SECRET
from tests.support.flows import ANSWERS, open_form, wait_until
from tests.support.servers import crash, run_cli, serve
from tests.support.slack_client import SlackClient

LEADER_CHANNEL = "C0LEADERS"


def _posts(slack) -> Counter:
    """How many times each ledger message (kind, what it is about) reached Slack."""
    return Counter((c.params["metadata"]["event_payload"]["what"], c.params["metadata"]["event_payload"]["target"])
                   for c in slack.of("chat.postMessage") if c.params.get("metadata"))


def _expected(db) -> Counter:
    """One card per case, and one receipt per case with a known reporter."""
    with db.reading() as session:
        deviations = session.execute(select(Deviation.id, Deviation.reporter_id)).all()
    return Counter([("leader_card", f"deviation:{d.id}") for d in deviations]
                   + [("receipt", f"deviation:{d.id}") for d in deviations if d.reporter_id])


def _unsent(db) -> list[tuple[str, str]]:
    with db.reading() as session:
        return [(e.what, e.status) for e in session.scalars(select(LedgerEntry).where(LedgerEntry.status != "sent"))]


def test_a_slack_that_answers_after_the_bot_gave_up_still_gets_every_message_once(bot, clock):
    bot.services.client.timeout = 1  # the bot waits 1 s for Slack here (10 s in production)
    bot.fake.late("chat.postMessage", seconds=1.5, times=6)  # posted at once, answered too late
    people = ["U0STAFF1", "U0STAFF2", "U0STAFF3"]
    for n, person in enumerate(people):
        view = open_form(bot, person)
        answer = bot.client.submit(view, ANSWERS, user=person, view_id=f"VLATE{n}").json()
        assert answer["response_action"] == "update"
    wait_until(lambda: len(_unsent(bot.services.db)) == 6 and all(s == "pending" for _, s in _unsent(bot.services.db)),
               timeout=30)  # each send timed out, and its row is back for the next run
    assert len(bot.fake.of("chat.postMessage")) == 6  # Slack has them all, the bot heard of none

    clock.advance(minutes=2)  # the next delivery run
    report = bot.services.messenger.deliver()
    assert (len(report.sent), report.failed) == (6, [])
    assert bot.services.messenger.deliver().sent == []

    assert len(bot.fake.of("chat.postMessage")) == 6  # not one posted again
    assert _posts(bot.fake) == _expected(bot.services.db)
    assert set(_posts(bot.fake).values()) == {1}
    with bot.services.db.reading() as session:
        cards = set(session.scalars(select(Deviation.card_ts)))
    assert None not in cards  # each card is known, so later changes update it in place
    assert cards == {m["ts"] for m in bot.fake.history[LEADER_CHANNEL]}
    assert _unsent(bot.services.db) == []


def test_killing_one_of_two_replicas_mid_burst_sends_every_card_and_receipt_once(slack, db, tmp_path):
    slack.late("chat.postMessage", seconds=0.3, times=10_000)  # a slow Slack: many posts in flight at the kill
    with serve(slack, db.url, tmp_path, workers=1) as first, serve(slack, db.url, tmp_path, workers=1) as second:
        replicas = [SlackClient(first, SIGNING_SECRET), SlackClient(second, SIGNING_SECRET)]
        assert replicas[0].command("").status == 200
        view = slack.wait_for("views.open")[0].params["view"]

        def submit(n: int) -> None:
            # One sent to the killed replica gets no answer: the person would send it again.
            with contextlib.suppress(OSError):
                replicas[n % 2].submit(view, {**ANSWERS, "title": f"Avvik nummer {n}"}, user=f"U0PERSON{n:03d}",
                                       view_id=f"VKILL{n:03d}")

        with ThreadPoolExecutor(max_workers=6) as pool:
            burst = [pool.submit(submit, n) for n in range(40)]
            slack.wait_for("chat.postMessage", 12, timeout=60)
            crash(first)  # kill -9, with messages claimed, some posted but not yet marked sent
            for future in burst:
                future.result()

        # The survivor goes on; the dead replica's rows are claimed again once its lease runs out
        # (seconds: nothing keeps it fresh any more) by whichever process delivers next.
        deadline = time.monotonic() + 90
        while _unsent(db):
            assert time.monotonic() < deadline, f"still unsent: {_unsent(db)}"
            result = run_cli(slack, db.url, tmp_path, "deliver")
            assert result.returncode == 0, result.stderr
            time.sleep(1)
        slack.settle()

    expected = _expected(db)
    assert len(expected) >= 2 * 20  # the survivor's registrations at least
    assert _posts(slack) == expected  # every card and every receipt, each exactly once
