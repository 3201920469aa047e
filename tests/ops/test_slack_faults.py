"""Slack's Web API fails or rate-limits while the bot sends a receipt: the case is stored at once,
and the receipt is retried from the ledger until it goes out, exactly once."""

from __future__ import annotations

import time

from sqlalchemy import select

from store.models import Deviation, LedgerEntry
from tests.support.flows import posted_to, register

REPORTER, LEADER_CHANNEL = "U0STAFF1", "C0LEADERS"


def _to_reporter(params: dict) -> bool:
    return params.get("channel") == REPORTER


def _receipt(bot, timeout: float = 20) -> LedgerEntry:
    """The receipt's ledger row, once the bot is done trying (it is `sending` while it tries)."""
    deadline = time.monotonic() + timeout
    while True:
        with bot.services.db.transaction() as session:
            entry = session.scalars(select(LedgerEntry).where(LedgerEntry.what == "receipt")).one()
        if entry.status != "sending":
            return entry
        assert time.monotonic() < deadline, "the receipt is still being sent"
        time.sleep(0.05)


def _deviations(bot) -> list[Deviation]:
    with bot.services.db.transaction() as session:
        return list(session.scalars(select(Deviation)))


def test_a_rate_limited_receipt_waits_as_slack_asks_then_goes_out_once(bot, clock):
    bot.fake.fail("chat.postMessage", status=429, retry_after=180, where=_to_reporter)
    answer = register(bot)
    assert answer["response_action"] == "update"
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADER_CHANNEL)
    bot.fake.settle()

    assert len(_deviations(bot)) == 1
    receipt = _receipt(bot)
    assert (receipt.status, receipt.last_error) == ("pending", "ratelimited")
    assert len(bot.fake.of("chat.postMessage", lambda c: _to_reporter(c.params), failed=True)) == 1  # no hammering

    clock.advance(minutes=2)  # Slack said three minutes
    assert bot.services.messenger.deliver().sent == []
    clock.advance(minutes=1, seconds=1)
    assert bot.services.messenger.deliver().sent == [receipt.id]
    assert bot.services.messenger.deliver().sent == []
    assert len(posted_to(bot.fake, REPORTER)) == 1
    assert len(posted_to(bot.fake, LEADER_CHANNEL)) == 1


def test_connections_slack_closed_while_idle_cost_no_message_and_no_double(bot):
    register(bot)  # the bot's threads now hold kept-alive connections to Slack
    bot.fake.close_idle()  # Slack closes them, idle
    register(bot, user="U0STAFF2")
    bot.fake.settle()

    assert len(posted_to(bot.fake, REPORTER)) == 1 and len(posted_to(bot.fake, "U0STAFF2")) == 1
    assert len(posted_to(bot.fake, LEADER_CHANNEL)) == 2
    # A closed connection is noticed before use, not after a post was sent into it: nothing was in doubt.
    assert bot.fake.of("conversations.history", failed=True) == []
    assert len(bot.fake.of("chat.postMessage", failed=True)) == 4


def test_a_web_api_hiccup_is_retried_at_once_and_sends_one_receipt(bot):
    bot.fake.fail("chat.postMessage", status=500, where=_to_reporter)
    register(bot)
    bot.fake.wait_for("chat.postMessage", where=lambda c: _to_reporter(c.params))
    bot.fake.settle()
    assert _receipt(bot).status == "sent"
    assert len(posted_to(bot.fake, REPORTER)) == 1


def test_a_web_api_that_stays_down_keeps_the_receipt_for_the_next_run(bot, clock):
    bot.fake.fail("chat.postMessage", times=2, status=503, where=_to_reporter)
    register(bot)
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADER_CHANNEL)
    bot.fake.settle()
    assert len(_deviations(bot)) == 1
    assert _receipt(bot).status == "pending"
    assert posted_to(bot.fake, REPORTER) == []

    clock.advance(minutes=1)
    bot.services.messenger.deliver()
    bot.services.messenger.deliver()
    assert len(posted_to(bot.fake, REPORTER)) == 1
    assert len(posted_to(bot.fake, LEADER_CHANNEL)) == 1
    assert _receipt(bot).status == "sent"
