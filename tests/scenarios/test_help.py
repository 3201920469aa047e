"""Help where people get stuck: an unknown `/avvik` word is named before the help, the help names
/kvalitet and the two shortcuts, and `/kvalitet` outside a round says when the next one opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import EXAMPLE_OFFICE_CONFIG
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


# --- issue 22: what a leader's assessment asks, and «Har tiltaket virket?» ----------------------------------

LEADERS_HELP = ("Vurderingen spør etter risiko, sannsynlighet × konsekvens", "årsakstyper", "«Endre risiko» på kortet",
                "«Har tiltaket virket?»")


def test_a_leader_s_help_tells_risk_cause_and_when_the_effect_check_comes(bot):
    text = text_of(bot.client.command("hjelp", user="U0LEADER1").json())
    for needed in LEADERS_HELP:
        assert needed in text, needed
    assert ("60 virkedager etter at et avvik er lukket med tiltak, spør boten den ansvarlige lederen: "
            "«Har tiltaket virket?»") in text  # the office's cadence (office.example.toml)
    unknown = text_of(bot.client.command("blabla", user="U0LEADER1").json())
    assert "«Endre risiko» på kortet" in unknown


def test_staff_help_says_nothing_of_the_leaders_risk_form(bot):
    text = text_of(bot.client.command("hjelp", user="U0STAFF1").json())
    assert "*For ledere*" not in text and "«Endre risiko»" not in text and "Har tiltaket virket?" not in text


class TestTheNumberOfWorkdaysIsTheOfficeSOwn:
    """The office's cadence says when «Har tiltaket virket?» comes; 0 turns it off, and the help says nothing
    of it."""

    @pytest.fixture(params=[(1, "• 1 virkedag etter at et avvik er lukket med tiltak"),
                            (25, "• 25 virkedager etter at et avvik er lukket med tiltak"), (0, None)])
    def cadence(self, request: pytest.FixtureRequest) -> tuple[int, str | None]:
        return request.param

    @pytest.fixture
    def office_config(self, tmp_path: Path, cadence: tuple[int, str | None]) -> Path:
        path = tmp_path / "office.toml"
        path.write_text(EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8").replace(
            "effect_check_after_workdays = 60", f"effect_check_after_workdays = {cadence[0]}"), encoding="utf-8")
        return path

    def test_in_a_leader_s_help(self, bot, cadence):
        text = text_of(bot.client.command("hjelp", user="U0LEADER1").json())
        assert "«Endre risiko» på kortet" in text
        shown = cadence[1]
        if shown:
            assert shown in text
        else:
            assert "Har tiltaket virket?" not in text
