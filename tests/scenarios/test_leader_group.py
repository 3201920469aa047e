"""Leaders from a Slack user group (`leader_usergroup`): who is a leader is asked before a
leader's button is answered, so a Slack that hangs on the user group must not keep the button
from being answered inside Slack's 3 seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers import ids
from tests.support.leader_flows import LEADER, report
from tests.support.leader_flows import press as press_button

GROUP_LEADER = "U0GROUPLEADER"


@pytest.fixture
def office_config(tmp_path: Path) -> Path:
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")
    path = tmp_path / "office.toml"
    path.write_text(text.replace('# leader_usergroup = "S0LEADERS"', 'leader_usergroup = "S0LEADERS"'),
                    encoding="utf-8")
    return path


def test_a_member_of_the_leader_user_group_assesses_and_a_colleague_may_not(bot):
    bot.fake.usergroups["S0LEADERS"] = [GROUP_LEADER]
    deviation = report(bot)
    assert press_button(bot, ids.ASSESS, deviation.id, user=GROUP_LEADER)["callback_id"] == "assessment"
    assert press_button(bot, ids.ASSESS, deviation.id, user="U0STAFF2")["callback_id"] == ids.NOTICE_VIEW


def test_a_leaders_button_is_answered_in_time_while_slack_hangs_on_the_user_group(bot):
    deviation = report(bot)
    bot.fake.hold("usergroups.users.list")
    bot.client.timeout = 3.0  # Slack gives up on the answer after 3 seconds
    try:
        view = press_button(bot, ids.ASSESS, deviation.id, user=LEADER)  # a leader by the office config
    finally:
        bot.fake.release("usergroups.users.list", drop=True)
    assert view["callback_id"] == "assessment"
