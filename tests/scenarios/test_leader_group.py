"""Leaders from a Slack user group (`leader_usergroup`): who is a leader is asked before a
leader's button is answered, so a Slack that hangs on the user group must not keep the button
from being answered inside Slack's 3 seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers import ids
from tests.support.flows import text_of
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


def test_help_is_acked_while_slack_hangs_on_the_user_group_and_a_group_leader_then_gets_the_leaders_help(bot):
    bot.fake.usergroups["S0LEADERS"] = [GROUP_LEADER]
    bot.fake.hold("usergroups.users.list")  # Slack has not said who leads yet
    bot.client.timeout = 3.0  # Slack gives up on the answer after 3 seconds
    try:
        answer = bot.client.command("hjelp", user=GROUP_LEADER, response_url=bot.fake.response_url())
        assert answer.status == 200
        bot.fake.wait_held("usergroups.users.list", timeout=0)  # acked while Slack still holds the question
        assert bot.fake.of("response_url") == []
    finally:
        bot.fake.release("usergroups.users.list", drop=False)  # Slack answers
    [later] = bot.fake.wait_for("response_url")
    assert later.params["response_type"] == "ephemeral"  # to the person only, as the ack's answer is
    assert "*For ledere*" in text_of(later.params)


def test_help_from_the_cached_user_group_is_answered_in_the_ack_without_asking_slack_again(bot):
    bot.fake.usergroups["S0LEADERS"] = [GROUP_LEADER]
    assert "*For ledere*" in text_of(bot.client.command("hjelp", user=GROUP_LEADER).json())
    bot.fake.hold("usergroups.users.list")
    try:
        assert "*For ledere*" in text_of(bot.client.command("hjelp", user=GROUP_LEADER).json())
    finally:
        bot.fake.release("usergroups.users.list", drop=True)
    assert len(bot.fake.of("usergroups.users.list")) == 1


@pytest.mark.parametrize(("command", "text", "answer"), [("/avvik", "mine", "Dine avviksmeldinger"),
                                                          ("/kvalitet", "hjelp", "Kvalitetssystemet gir")])
def test_an_answer_no_leader_group_decides_comes_in_the_ack_while_slack_hangs_on_the_user_group(
        bot, command, text, answer):
    bot.fake.usergroups["S0LEADERS"] = [GROUP_LEADER]
    bot.fake.hold("usergroups.users.list")  # Slack has not said who leads, and does not need to
    try:
        reply = bot.client.command(text, command=command, user=GROUP_LEADER, response_url=bot.fake.response_url())
        assert answer in reply.body  # the answer itself, not an empty ack with the words to follow
    finally:
        bot.fake.release("usergroups.users.list", drop=True)
    assert bot.fake.of("response_url") == []
