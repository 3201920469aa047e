"""A workspace with more offices than one Slack select list holds (100): the registration form's
«Kontor» offers every office, in named groups of up to 100, and a case for an office far down the
list is stored there and the choice is remembered, through signed requests as Slack sends them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers import ids
from tests.support.flows import ANSWERS
from tests.support.slack_client import TEAM

OFFICES = 150


def name(n: int) -> str:
    return f"NAV Kontor {n:03d}"


@pytest.fixture
def office_config(tmp_path: Path) -> Path:
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")
    body = text[text.index("\n[[office]]"):]
    offices = [body.replace('id = "lillehammer-gausdal"', f'id = "kontor-{n:03d}"')
               .replace('name = "NAV Lillehammer–Gausdal"', f'name = "{name(n)}"')
               .replace('# team_id = "T0123456789"', f'team_id = "{TEAM}"\nreference_prefix = "K{n:03d}"')
               .replace('leader_channel = "C0LEADERS"', f'leader_channel = "C{n:03d}LEAD"')
               .replace('office_channel = "C0OFFICE"', f'office_channel = "C{n:03d}OFF"')
               for n in range(OFFICES, 0, -1)]  # the config's order is not the list's: the list goes by name
    path = tmp_path / "offices.toml"
    path.write_text("\n".join(offices), encoding="utf-8")
    return path


def open_form(bot: Any, user: str) -> dict[str, Any]:
    before = len(bot.fake.of("views.open"))
    assert bot.client.command("", user=user, channel="D0DIRECT").status == 200
    return bot.fake.wait_for("views.open", before + 1)[-1].params["view"]


def office_element(view: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == ids.Field.OFFICE)["element"]


def test_every_office_can_be_chosen_when_there_are_more_than_a_select_list_holds(bot):
    element = office_element(open_form(bot, "U0STAFF7"))
    groups = element["option_groups"]
    assert "options" not in element and all(len(g["options"]) <= 100 for g in groups)
    listed = [o["text"]["text"] for g in groups for o in g["options"]]
    assert listed == [name(n) for n in range(1, OFFICES + 1)]  # every office once, by name
    assert [g["label"]["text"] for g in groups] == [f"{name(1)} – {name(100)}", f"{name(101)} – {name(150)}"]
    assert "initial_option" not in element  # nobody's choice is guessed

    view = open_form(bot, "U0STAFF7")
    response = bot.client.submit(view, {**ANSWERS, ids.Field.OFFICE: "kontor-140"}, user="U0STAFF7", view_id="VFAR1")
    assert response.status == 200, response.body
    assert "AVV-K140-" in str(response.json())

    again = office_element(open_form(bot, "U0STAFF7"))
    assert again["initial_option"]["value"] == "kontor-140"  # remembered, from the second group
