"""A measure «i fylkets regi» past its due date (seed 002, issue 24) is the county's: its overdue notice
goes to the county's leaders only, exactly once, even when Slack could not name them on an earlier run;
the office's leader channel is never told it as well."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.quality.jobs import scheduled_rounds
from bot.settings import EXAMPLE_OFFICE_CONFIG
from tests.support.flows import posted_to, text_of

OSLO = ZoneInfo("Europe/Oslo")
COUNTY_GROUP, COUNTY_LEADER = "S0COUNTY", "U0COUNTY2"
OVERDUE = "passert fristen"


@pytest.fixture
def office_config(tmp_path: Path) -> Path:
    """The example office, in the county of Innlandet, whose leaders are the members of a user group."""
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")
    text += ('\n[[county]]\nid = "innlandet"\nname = "NAV Innlandet"\noffices = ["lillehammer-gausdal"]\n'
             f'leader_usergroup = "{COUNTY_GROUP}"\n')
    path = tmp_path / "offices.toml"
    path.write_text(text, encoding="utf-8")
    return path


def oslo(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO).astimezone(UTC)


def overdue_notices(bot, recipient: str) -> list[str]:
    return [text_of(p) for p in posted_to(bot.fake, recipient) if OVERDUE in text_of(p)]


def test_an_overdue_county_measure_waits_for_the_countys_leaders_rather_than_tell_the_office_too(bot, clock):
    clock.set(oslo(date(2027, 3, 1)))
    scheduled_rounds(bot.services)  # the spring round opens
    assert bot.client.command("tiltak", command="/kvalitet", user="U0LEADER2").status == 200
    view = bot.fake.wait_for("views.open")[-1].params["view"]
    response = bot.client.submit(view, {"description": "Felles opplæring i arbeidsrettet oppfølging",
                                        "area": "fremdrift", "scope": "fylke", "owner": "U0REV2",
                                        "due_on": "2027-03-19"}, user="U0LEADER2", view_id="VCOUNTY")
    assert response.status == 200 and response.body == ""

    # Past its due date, the day the leaders are to hear: the county's group has no members just now.
    bot.fake.usergroups[COUNTY_GROUP] = []
    clock.set(oslo(date(2027, 3, 30)))
    scheduled_rounds(bot.services)
    bot.services.messenger.wait_idle()
    bot.fake.settle()
    assert any("Fristen for tiltaket" in text_of(p) for p in posted_to(bot.fake, "U0REV2"))  # its owner, weekly
    assert overdue_notices(bot, "C0LEADERS") == []  # not the office's leaders: the measure is the county's

    # A week on, the group names the county's leader: they hear of it, once; the office's channel never does.
    bot.fake.usergroups[COUNTY_GROUP] = [COUNTY_LEADER]
    for day in (date(2027, 4, 6), date(2027, 4, 7)):
        clock.set(oslo(day))
        scheduled_rounds(bot.services)
        scheduled_rounds(bot.services)
    bot.services.messenger.wait_idle()
    bot.fake.settle()
    [told] = overdue_notices(bot, COUNTY_LEADER)
    assert "Tiltaket i fylkets regi" in told and "Felles opplæring" in told
    assert overdue_notices(bot, "C0LEADERS") == []
