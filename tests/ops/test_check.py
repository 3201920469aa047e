"""`avvik-bot check` asks Slack whether the bot can really work, before any staff member types /avvik:
the token, the app token in Socket Mode, and every channel, leader and reviewer of every office.
Run as an operator runs it, against the Slack fake (SLACK_API_URL), one line per problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import EXAMPLE_OFFICE_CONFIG
from tests.support.servers import environment

OFFICE = "lillehammer-gausdal"


def check(slack, db, cwd: Path, *args: str, **env: str | None) -> subprocess.CompletedProcess:
    base = environment(slack, db.url)
    variables = {k: v for k, v in {**base, **env}.items() if v is not None}
    return subprocess.run([sys.executable, "-m", "bot.cli", "check", *args], cwd=cwd, env=variables,
                          capture_output=True, text=True, timeout=60)


def lines(result: subprocess.CompletedProcess) -> list[str]:
    return result.stdout.strip().splitlines()


def config(tmp_path: Path, **replace: str) -> str:
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / "office.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_check_says_ok_when_slack_accepts_the_token_and_knows_every_channel_and_leader(slack, db, tmp_path):
    result = check(slack, db, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = lines(result)
    assert line.startswith("ok: ") and "the example config: replace it before real use" in line
    assert {c.params.get("channel") for c in slack.of("conversations.info")} == {"C0LEADERS", "C0OFFICE"}
    assert {c.params.get("user") for c in slack.of("users.info")} == {"U0LEADER1", "U0LEADER2"}


def test_the_readme_placeholder_token_is_not_ok(slack, db, tmp_path):
    result = check(slack, db, tmp_path, SLACK_BOT_TOKEN="xoxb-your-token")
    assert result.returncode == 1
    assert lines(result) == [
        "SLACK_BOT_TOKEN: Slack rejects the bot token: copy the Bot User OAuth Token (xoxb-…) from «OAuth & "
        "Permissions» into SLACK_BOT_TOKEN again (Slack said invalid_auth)."]


def test_without_the_slack_settings_check_is_not_ok(slack, db, tmp_path):
    result = check(slack, db, tmp_path, SLACK_BOT_TOKEN=None, SLACK_SIGNING_SECRET=None)
    assert result.returncode == 1
    assert [line.split(":")[0] for line in lines(result)] == ["SLACK_SIGNING_SECRET is not set",
                                                              "SLACK_BOT_TOKEN is not set"]


def test_channel_and_person_names_get_the_way_to_their_ids(slack, db, tmp_path):
    path = config(tmp_path, **{'"C0LEADERS"': '"#ledergruppa"', '"U0LEADER2"': '"@kari"'})
    result = check(slack, db, tmp_path, AVVIK_OFFICE_CONFIG=path)
    assert result.returncode == 1
    assert lines(result) == [
        f"office {OFFICE}: leader_channel #ledergruppa: a name, not an id: use the channel id, e.g. C0123ABCD: "
        "right-click the channel → Copy link",
        f"office {OFFICE}: leaders @kari: a name, not an id: use the member id, e.g. U0123ABCD: open the profile "
        "→ ⋮ → Copy member ID"]


def test_an_uninvited_bot_a_missing_channel_and_an_unknown_leader_are_one_line_each(slack, db, tmp_path):
    slack.uninvited.add("C0LEADERS")
    slack.unknown.update({"C0OFFICE", "U0LEADER2"})
    result = check(slack, db, tmp_path)
    assert result.returncode == 1
    assert lines(result) == [
        f"office {OFFICE}: leader_channel C0LEADERS: the bot is not in the channel: type /invite @Avviksboten in it",
        f"office {OFFICE}: office_channel C0OFFICE: no such channel, or a private one the bot is not in: check the "
        "id in the office config and /invite @Avviksboten (Slack said channel_not_found)",
        f"office {OFFICE}: leaders U0LEADER2: no such person in this workspace: check the id in the office config "
        "(Slack said user_not_found)"]


def test_a_leader_group_slack_does_not_know_is_a_problem(slack, db, tmp_path):
    path = config(tmp_path, **{'# leader_usergroup = "S0LEADERS"': 'leader_usergroup = "S0LEADERS"'})
    slack.unknown.add("S0LEADERS")
    result = check(slack, db, tmp_path, AVVIK_OFFICE_CONFIG=path)
    assert lines(result) == [f"office {OFFICE}: leader_usergroup S0LEADERS: no such user group: check the id in "
                             "the office config (Slack said no_such_subteam)"]


@pytest.mark.parametrize("token", ["xapp-rejected", None])
def test_socket_modes_app_token_is_checked_too(slack, db, tmp_path, token):
    result = check(slack, db, tmp_path, SLACK_APP_TOKEN=token or slack.app_token)
    if token is None:
        assert result.returncode == 0, result.stdout
        assert slack.of("apps.connections.open")
        return
    assert result.returncode == 1
    assert lines(result) == ["SLACK_APP_TOKEN: Slack rejects the app-level token (invalid_auth): create one with "
                             "the connections:write scope under «Basic Information» → «App-Level Tokens»."]


def test_offline_check_asks_slack_nothing_but_still_reads_the_ids(slack, db, tmp_path):
    assert check(slack, db, tmp_path, "--offline", SLACK_BOT_TOKEN=None).returncode == 0
    path = config(tmp_path, **{'"C0OFFICE"': '"kontoret"'})
    result = check(slack, db, tmp_path, "--offline", AVVIK_OFFICE_CONFIG=path)
    assert lines(result) == [f"office {OFFICE}: office_channel kontoret: not a Slack channel id: use the channel id, "
                             "e.g. C0123ABCD: right-click the channel → Copy link"]
    assert not [c for c in slack.calls if c.method in ("auth.test", "conversations.info", "users.info")]


def test_check_lists_the_offices_and_counties_a_config_folder_holds(slack, db, tmp_path):
    from tests.ops.test_config import _office_file, folder

    path = folder(tmp_path, **{"lillehammer.toml": _office_file("NAV Lillehammer", "T1", 1),
                               "hamar.toml": _office_file("NAV Hamar", "T2", 2)})
    result = check(slack, db, tmp_path, "--offline", AVVIK_OFFICE_CONFIG=str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    listed, ok = lines(result)[:-1], lines(result)[-1]
    assert listed == [f"office hamar: NAV Hamar ({path}/hamar.toml)",
                      f"office lillehammer: NAV Lillehammer ({path}/lillehammer.toml)",
                      f"county innlandet: NAV Innlandet; offices lillehammer, hamar ({path}/_defaults.toml)"]
    assert ok.startswith(f"ok: office config {path}; 2 office(s)")

    slack.unknown.add("U0COUNTY1")  # asked of Slack like an office's leaders
    result = check(slack, db, tmp_path, AVVIK_OFFICE_CONFIG=str(path))
    assert result.returncode == 1
    assert lines(result)[-1] == ("county innlandet: leaders U0COUNTY1: no such person in this workspace: check the id "
                                 "in the office config (Slack said user_not_found)")


def test_a_broken_office_file_stops_check_naming_the_file(slack, db, tmp_path):
    from tests.ops.test_config import _office_file, folder

    path = folder(tmp_path, **{"lillehammer.toml": _office_file("NAV Lillehammer", "T1", 1).replace(
        'leader_channel = "C1LEAD"\n', ""), "hamar.toml": _office_file("NAV Hamar", "T2", 2)})
    result = check(slack, db, tmp_path, "--offline", AVVIK_OFFICE_CONFIG=str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == (f"avvik-bot: AVVIK_OFFICE_CONFIG: {path}/lillehammer.toml: leader_channel: "
                                     "Field required.")
