"""Slack refuses a message for good (the bot is not in the leader channel, the token was revoked):
the message is marked failed instead of retried forever, /healthz says so (while /readyz stays about
this process), the leaders hear it, `avvik-bot check` counts it, and `avvik-bot deliver --failed`
sends it once the setting is fixed, exactly once."""

from __future__ import annotations

from sqlalchemy import select

from store.models import LedgerEntry
from tests.support.flows import posted_to, register, wait_until
from tests.support.servers import run_cli

LEADERS, LEADER_CHANNEL, REPORTER = ("U0LEADER1", "U0LEADER2"), "C0LEADERS", "U0STAFF1"


def _rows(bot, what: str) -> list[LedgerEntry]:
    with bot.services.db.transaction() as session:
        return list(session.scalars(select(LedgerEntry).where(LedgerEntry.what == what)))


def test_an_uninvited_bot_fails_the_card_once_tells_the_leaders_and_sends_it_when_invited(bot, clock, tmp_path):
    bot.fake.uninvited.add(LEADER_CHANNEL)
    register(bot)
    wait_until(lambda: [r.status for r in _rows(bot, "leader_card")] == ["failed"])  # sent after the ack
    wait_until(lambda: [r.status for r in _rows(bot, "delivery_problem")] == ["sent", "sent"])
    [card] = _rows(bot, "leader_card")
    assert (card.status, card.last_error, card.attempts) == ("failed", "not_in_channel", 1)
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == REPORTER)
    assert len(posted_to(bot.fake, REPORTER)) == 1  # the reporter's receipt went out

    # Each leader hears it by DM, once, with the fix.
    for leader in LEADERS:
        [dm] = posted_to(bot.fake, leader)
        assert "<#C0LEADERS>" in dm["text"] and "/invite @Avviksboten" in dm["text"]
        assert "avvik-bot deliver --failed" in dm["text"]

    # Not retried forever: later runs leave it alone.
    clock.advance(hours=2)
    bot.services.messenger.deliver()
    assert len(bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == LEADER_CHANNEL, failed=True)) == 1

    health = bot.client.get("/healthz").json()
    assert health["ok"] is True and health["slack"]["failed_messages"] == 1
    last = health["slack"]["last_error"]
    assert (last["error"], last["office"], last["message"]) == ("not_in_channel", "lillehammer-gausdal",
                                                                "leader_card")
    assert last["at"].startswith("2026-11-23T08:00")
    assert bot.client.get("/readyz").status == 200  # a Slack setting takes no replica out

    check = run_cli(bot.fake, bot.services.db.url, tmp_path, "check")
    assert check.returncode == 1
    assert check.stdout.strip().splitlines() == [
        "office lillehammer-gausdal: leader_channel C0LEADERS: the bot is not in the channel: type /invite "
        "@Avviksboten in it",
        "office lillehammer-gausdal: 1 message(s) not sent (not_in_channel): the bot is not in the channel: type "
        "/invite @Avviksboten in it, then run avvik-bot deliver --failed"]

    # The leader's App Home says it too.
    bot.client.event({"type": "app_home_opened", "user": LEADERS[0], "tab": "home"})
    home = bot.fake.wait_for("views.publish")[-1].params["view"]
    assert any("Meldinger fra boten som ikke er sendt: 1" in str(block) for block in home["blocks"])

    bot.fake.uninvited.clear()  # the bot is invited: it can work; the waiting card is still told of
    check = run_cli(bot.fake, bot.services.db.url, tmp_path, "check")
    assert check.returncode == 0
    assert check.stdout.startswith("office lillehammer-gausdal: 1 message(s) not sent (not_in_channel)")
    assert check.stdout.strip().splitlines()[-1].startswith("ok: ")
    again = run_cli(bot.fake, bot.services.db.url, tmp_path, "deliver", "--failed")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.startswith("sent 1")
    assert len(posted_to(bot.fake, LEADER_CHANNEL)) == 1
    assert [r.status for r in _rows(bot, "leader_card")] == ["sent"]
    assert bot.client.get("/healthz").json()["slack"] == {"failed_messages": 0, "last_error": None}
    assert run_cli(bot.fake, bot.services.db.url, tmp_path, "deliver", "--failed").stdout.startswith("sent 0")
    assert len(posted_to(bot.fake, LEADER_CHANNEL)) == 1


def test_a_revoked_token_fails_the_receipt_and_healthz_names_it_without_dming_leaders(bot):
    bot.fake.fail("chat.postMessage", times=5, error="invalid_auth",
                  where=lambda params: params.get("channel") == REPORTER)
    register(bot)
    wait_until(lambda: [r.status for r in _rows(bot, "receipt")] == ["failed"])  # sent after the ack
    [receipt] = _rows(bot, "receipt")
    assert (receipt.status, receipt.last_error) == ("failed", "invalid_auth")
    last = bot.client.get("/healthz").json()["slack"]["last_error"]
    assert (last["error"], last["message"]) == ("invalid_auth", "receipt")
    assert "SLACK_BOT_TOKEN" in last["fix"]
    assert _rows(bot, "delivery_problem") == []
