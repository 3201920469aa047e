"""Help where people get stuck: an unknown `/avvik` word is named before the help, the help names
/kvalitet and the two shortcuts, and `/kvalitet` outside a round says when the next one opens."""

from __future__ import annotations

from tests.support.flows import text_of


def test_an_unknown_subcommand_is_named_before_the_help(bot):
    answer = bot.client.command("blabla").json()
    assert answer["blocks"][0]["text"]["text"] == "Jeg kjenner ikke `/avvik blabla`. Dette kan jeg:"
    assert "/avvik mine" in text_of(answer)


def test_help_mentions_kvalitet_and_both_shortcuts(bot):
    text = text_of(bot.client.command("hjelp").json())
    assert "Jeg kjenner ikke" not in text
    for needed in ("`/kvalitet`", "«Meld avvik»", "«Meld avvik fra melding»"):
        assert needed in text, needed


def test_kvalitet_outside_a_round_says_when_the_next_opens(bot):
    # The test clock stands on Monday 23 November 2026: autumn's round (September–October) is over.
    answer = bot.client.command("", command="/kvalitet", user="U0LEADER1").body
    assert answer == ("Det er ingen åpen kvalitetsmåling nå. Neste er Kvalitetsmåling vår 2027, "
                              "som åpner 01.03.2027.")
