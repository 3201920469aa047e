"""Leaders act from where they look: `/avvik oversikt`, the leaders' App Home and their reminder DMs
link each case to its card in the leader channel (chat.getPermalink, asked once per case) and carry
the case's next button, which works as the card's does."""

from __future__ import annotations

from datetime import date

from handlers import ids
from tests.scenarios.test_scheduler import morning, reminders_to
from tests.support.flows import register

LEADER = "U0LEADER1"


def _case_block(blocks: list[dict], reference: str) -> dict:
    return next(b for b in blocks if b.get("type") == "section" and reference in str(b.get("text")))


def test_the_overview_links_each_case_to_its_card_and_its_next_button_opens_the_assessment(bot):
    register(bot)
    bot.fake.settle(quiet=0.1)
    answer = bot.client.command("oversikt", user=LEADER).json()
    block = _case_block(answer["blocks"], "AVV-2026-0001")
    assert "<https://nav-test.slack.com/archives/C0LEADERS/p" in block["text"]["text"]
    assert "|AVV-2026-0001>" in block["text"]["text"]
    button = block["accessory"]
    assert (button["action_id"], button["text"]["text"]) == (ids.ASSESS, "Vurder")

    assert bot.client.click(button["action_id"], value=button["value"], user=LEADER).status == 200
    assert bot.fake.wait_for("views.open")[-1].params["view"]["callback_id"]

    bot.client.command("oversikt", user=LEADER)
    assert len(bot.fake.of("chat.getPermalink")) == 1  # asked once per case, then kept


def test_the_leaders_app_home_links_the_cases_too(bot):
    register(bot)
    bot.fake.settle(quiet=0.1)
    bot.client.event({"type": "app_home_opened", "user": LEADER, "tab": "home"})
    view = bot.fake.wait_for("views.publish")[-1].params["view"]
    block = _case_block(view["blocks"], "AVV-2026-0001")
    assert "archives/C0LEADERS/p" in block["text"]["text"] and block["accessory"]["action_id"] == ids.ASSESS


def test_a_leaders_reminder_links_the_case_to_its_card(bot, clock):
    register(bot)
    bot.fake.settle(quiet=0.1)
    morning(bot, clock, date(2026, 11, 25))
    [dm] = reminders_to(bot.fake, LEADER)
    text = str(dm["blocks"])
    assert "archives/C0LEADERS/p" in text and "|AVV-2026-0001>" in text
    assert ids.ASSESS in text
