"""A privacy contact that is a Slack user group: the group is @-mentioned in the leader channel's
alert at once (a group has no DM), and each member gets the hourly decision reminders, once each
however many replicas run the job."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.breach.jobs import scheduled_breaches
from bot.settings import EXAMPLE_OFFICE_CONFIG
from tests.scenarios.test_breach import (
    ANSWERS,
    DECISION_REMINDER,
    FRIDAY,
    LEADERS,
    OFFICE,
    alert_in_leader_channel,
    messages,
    record_decision,
)
from tests.support.flows import choose_category, open_form, wait_until

MEMBERS = ["U0PRIVACYA", "U0PRIVACYB"]


@pytest.fixture
def office_config(tmp_path: Path) -> Path:
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")
    assert 'privacy_contact = "U0PRIVACY"' in text
    path = tmp_path / "office.toml"
    path.write_text(text.replace('privacy_contact = "U0PRIVACY"', 'privacy_contact = "S0PRIVACY"'), encoding="utf-8")
    return path


def test_each_member_of_the_privacy_group_is_reminded_hourly_until_the_decision(bot, clock):
    bot.fake.usergroups["S0PRIVACY"] = MEMBERS
    clock.set(FRIDAY + timedelta(minutes=10))
    view = choose_category(bot, open_form(bot), "informasjonssikkerhet")["view"]
    response = bot.client.submit(view, {**ANSWERS, "category": "informasjonssikkerhet", "breach_possible": "ja",
                                        "occurred_on": FRIDAY.date().isoformat(), "breach_kind": "konfidensialitet",
                                        "breach_discovered": int(FRIDAY.timestamp())})
    assert response.status == 200, response.body
    assert "<!subteam^S0PRIVACY>" in alert_in_leader_channel(bot)

    for hour in (1, 2):  # 15:00 and 16:00, each run twice (two replicas)
        moment = FRIDAY.replace(minute=0) + timedelta(hours=hour)
        for replica in range(2):
            clock.set(moment + timedelta(minutes=replica))
            scheduled_breaches(bot.services, OFFICE)
        bot.services.messenger.wait_idle()
        wait_until(lambda h=hour: all(len(messages(bot.fake, m, DECISION_REMINDER)) == h for m in MEMBERS))
    assert [len(messages(bot.fake, m, DECISION_REMINDER)) for m in MEMBERS] == [2, 2]
    assert messages(bot.fake, LEADERS, DECISION_REMINDER) == []  # the channel hears escalations, not the hourly DM

    clock.set(FRIDAY + timedelta(hours=2, minutes=30))
    assert record_decision(bot, {"breach_decision": "ikke_meldepliktig",
                                 "breach_reason": "Kun intern e-post, rettet samme dag"}) is None
    clock.set(FRIDAY.replace(minute=0) + timedelta(hours=3))
    scheduled_breaches(bot.services, OFFICE)
    bot.services.messenger.wait_idle()
    assert [len(messages(bot.fake, m, DECISION_REMINDER)) for m in MEMBERS] == [2, 2]
