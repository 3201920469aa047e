"""More than one office, each in its own Slack workspace: a request from a workspace none of them is
set up for gets a clear answer in Norwegian, never a 5xx or silence."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers import ids
from store.models import Deviation
from tests.support.flows import ANSWERS, open_form
from tests.support.slack_client import TEAM, fill


@pytest.fixture
def office_config(tmp_path: Path) -> Path:
    """Two offices, each in its own Slack workspace."""
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")
    first = text.replace('# team_id = "T0123456789"', f'team_id = "{TEAM}"')
    second = text.replace('# team_id = "T0123456789"', 'team_id = "T0OTHER"').replace(
        'id = "lillehammer-gausdal"', 'id = "hamar"')
    path = tmp_path / "offices.toml"
    path.write_text(first + "\n" + second[second.index("\n[[office]]"):], encoding="utf-8")
    return path


def test_a_workspace_no_office_is_set_up_for_gets_a_clear_answer(bot):
    form = {"command": "/avvik", "text": "", "user_id": "U0STAFF1", "team_id": "T0UNKNOWN", "channel_id": "C0X",
            "trigger_id": "1.2.x", "response_url": "https://hooks.invalid/1"}
    command = bot.client.post(urlencode(form), "application/x-www-form-urlencoded")
    assert command.status == 200
    assert "ikke koblet til noe NAV-kontor" in command.body
    assert bot.fake.of("views.open") == []

    view = open_form(bot)
    payload = {"type": "view_submission", "team": {"id": "T0UNKNOWN"}, "user": {"id": "U0STAFF1"},
               "api_app_id": "A0AVVIK", "view": {**view, "id": "VELSEWHERE", "state": {"values": fill(view, ANSWERS)}}}
    submitted = bot.client.interaction(payload)
    assert submitted.status == 200
    assert "ikke koblet til noe NAV-kontor" in submitted.json()["errors"][ids.Field.TITLE]
    with bot.services.db.transaction() as session:
        assert list(session.scalars(select(Deviation))) == []

    shortcut = {"type": "shortcut", "callback_id": ids.GLOBAL_SHORTCUT, "trigger_id": "9.9.x",
                "user": {"id": "U0STAFF1"}, "team": {"id": "T0UNKNOWN"}}
    assert bot.client.interaction(shortcut).status == 200
    notice = bot.fake.wait_for("views.open", 2)[-1].params["view"]
    assert notice["callback_id"] == ids.NOTICE_VIEW
    assert "ikke koblet til noe NAV-kontor" in json.dumps(notice, ensure_ascii=False)
