"""Settings and the office config: a wrong value stops start-up with one clear line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.office import load_offices
from bot.settings import EXAMPLE_OFFICE_CONFIG, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_example_office_config_is_valid():
    [office] = load_offices(EXAMPLE_OFFICE_CONFIG).office
    assert office.name == "NAV Lillehammer–Gausdal"
    assert "Porten" in office.destination("asys").instructions


def test_the_example_office_config_gives_no_link_the_seeds_do_not():
    """Issue 19: the seeds name no addresses (only «Logg inn via applikasjonen Porten», «Du finner
    Samspillet på NAVET»), so the example leaves every link for the office to fill in."""
    [office] = load_offices(EXAMPLE_OFFICE_CONFIG).office
    assert {name: info.link for name, info in office.destinations.items() if info.link} == {}


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "office.toml"
    path.write_text(EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def test_an_unknown_category_in_the_config_is_a_startup_error(tmp_path):
    with pytest.raises(ConfigError, match=r"routes\.barnevern"):
        load_offices(_config(tmp_path, '\n[office.routes]\nbarnevern = "asys"\n'))


def test_a_missing_config_file_says_how_to_fix_it(tmp_path):
    with pytest.raises(ConfigError, match=r"office\.example\.toml"):
        load_offices(tmp_path / "nope.toml")


def test_a_wrong_token_names_the_setting(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "not-a-token")
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN is invalid .*xoxb-"):
        load_settings(_env_file=None)


def test_the_cli_stops_with_one_line_when_a_setting_is_missing(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "avvik-bot: SLACK_BOT_TOKEN is not set: set it to the app's Bot User OAuth Token (xoxb-…) "
        "from «OAuth & Permissions»."]


# --- a folder of office files (issue 24, «Config that scales») -----------------------------------

def _shared(text: str) -> str:
    """The example's office table without what is each office's own: id, name, channels, leaders."""
    text = text.replace("[[office]]", "[office]")
    head, rest = text.split("\n[office.", 1)
    head = re.sub(r"^(id|name|leader_channel|office_channel|leaders) = .*\n", "", head, flags=re.MULTILINE)
    return head + "\n[office." + rest


DEFAULTS = _shared(EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8"))
COUNTY = ('\n[[county]]\nid = "innlandet"\nname = "NAV Innlandet"\noffices = ["lillehammer", "hamar"]\n'
          'leaders = ["U0COUNTY1"]\n')


def _office_file(name: str, team: str, n: int, extra: str = "") -> str:
    return (f'[office]\nname = "{name}"\nteam_id = "{team}"\nleader_channel = "C{n}LEAD"\n'
            f'office_channel = "C{n}OFF"\nleaders = ["U{n}LEAD"]\n{extra}')


def folder(tmp_path: Path, **files: str) -> Path:
    """A config folder: `_defaults.toml` is the example's office table (destinations, cadence …) under
    every office, and a county of the offices named; each keyword argument is one more file."""
    where = tmp_path / "offices"
    where.mkdir()
    files.setdefault("_defaults.toml", DEFAULTS + COUNTY)
    for name, text in files.items():
        if text is not None:
            (where / name).write_text(text, encoding="utf-8")
    return where


def test_a_folder_holds_one_office_per_file_with_the_shared_defaults_under_each(tmp_path):
    path = folder(tmp_path, **{
        "lillehammer.toml": _office_file("NAV Lillehammer", "T1", 1, "[office.cadence]\nnudge_hour = 7\n"),
        "hamar.toml": _office_file("NAV Hamar", "T2", 2).replace("[office]", "[[office]]")})
    offices = load_offices(path)
    lillehammer, hamar = offices.by_id("lillehammer"), offices.by_id("hamar")
    assert (lillehammer.name, hamar.name) == ("NAV Lillehammer", "NAV Hamar")  # the id is the file's name
    # deep-merged: the office's own nudge hour, the defaults' digest hour beside it
    assert (lillehammer.cadence.nudge_hour, lillehammer.cadence.digest_hour) == (7, 13)
    assert (hamar.cadence.nudge_hour, hamar.cadence.digest_hour) == (9, 13)
    assert "Porten" in hamar.destination("asys").instructions
    assert hamar.privacy_contact == "U0PRIVACY"
    [county] = offices.county
    assert (county.id, county.offices, county.leaders) == ("innlandet", ("lillehammer", "hamar"), ("U0COUNTY1",))
    assert offices.source_of("hamar") == str(path / "hamar.toml")


def test_an_error_in_an_office_file_names_the_file_and_the_field(tmp_path):
    text = _office_file("NAV Lillehammer", "T1", 1).replace('leader_channel = "C1LEAD"\n', "")
    path = folder(tmp_path, **{"lillehammer.toml": text, "hamar.toml": _office_file("NAV Hamar", "T2", 2)})
    with pytest.raises(ConfigError) as raised:
        load_offices(path)
    assert str(raised.value) == f"AVVIK_OFFICE_CONFIG: {path}/lillehammer.toml: leader_channel: Field required."


def test_a_wrong_default_names_the_defaults_file(tmp_path):
    shared = DEFAULTS.replace("nudge_hour = 9", "nudge_hour = 25")
    path = folder(tmp_path, **{"_defaults.toml": shared, "hamar.toml": _office_file("NAV Hamar", "T2", 2)})
    with pytest.raises(ConfigError, match=rf"^AVVIK_OFFICE_CONFIG: {path}/hamar.toml: cadence\.nudge_hour: "):
        load_offices(path)


def test_a_county_error_names_the_defaults_file(tmp_path):
    shared = DEFAULTS + COUNTY
    path = folder(tmp_path, **{"_defaults.toml": shared.replace('leaders = ["U0COUNTY1"]\n', ""),
                               "lillehammer.toml": _office_file("L", "T1", 1),
                               "hamar.toml": _office_file("H", "T2", 2)})
    with pytest.raises(ConfigError, match=rf"^AVVIK_OFFICE_CONFIG: {path}/_defaults.toml: county\.0: .*leaders"):
        load_offices(path)
    shared = shared.replace('"lillehammer", "hamar"', '"lillehammer", "gjovik"')
    (path / "_defaults.toml").write_text(shared, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^AVVIK_OFFICE_CONFIG: {path}/_defaults.toml: county innlandet names "
                                          "offices not configured: gjovik"):
        load_offices(path)


def test_two_office_files_with_one_id_or_one_channel_are_refused_naming_both_files(tmp_path):
    path = folder(tmp_path, **{"lillehammer.toml": _office_file("L", "T1", 1),
                               "hamar.toml": _office_file("H", "T1", 2, 'id = "lillehammer"\n')})
    with pytest.raises(ConfigError, match=rf"{path}/lillehammer.toml: id: {path}/hamar.toml has the id"):
        load_offices(path)
    (path / "hamar.toml").write_text(_office_file("H", "T1", 2).replace("C2LEAD", "C1LEAD"), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_offices(path)
    assert str(raised.value).startswith(f"AVVIK_OFFICE_CONFIG: {path}/hamar.toml, {path}/lillehammer.toml: ")


def test_a_file_with_two_offices_is_refused(tmp_path):
    two = _office_file("L", "T1", 1).replace("[office]", "[[office]]") + \
        _office_file("H", "T2", 2).replace("[office]", "[[office]]")
    path = folder(tmp_path, **{"both.toml": two})
    with pytest.raises(ConfigError, match=rf"^AVVIK_OFFICE_CONFIG: {path}/both.toml: several \[\[office\]\] tables"):
        load_offices(path)


def test_an_empty_folder_says_what_to_put_in_it(tmp_path):
    (tmp_path / "offices").mkdir()
    with pytest.raises(ConfigError, match=r"no office file in .*one TOML file per office"):
        load_offices(tmp_path / "offices")


def test_a_single_file_with_a_county_still_reads_as_before(tmp_path):
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8") + (
        '\n[[county]]\nid = "innlandet"\nname = "NAV Innlandet"\noffices = ["lillehammer-gausdal"]\n'
        'leader_usergroup = "S0COUNTY"\n')
    offices = load_offices(_config(tmp_path, text[len(EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")):]))
    assert [c.leader_usergroup for c in offices.county] == ["S0COUNTY"]
    assert offices.source_of("lillehammer-gausdal") is None


def test_a_county_in_an_office_file_is_sent_to_the_defaults_file(tmp_path):
    path = folder(tmp_path, **{"lillehammer.toml": _office_file("L", "T1", 1) + COUNTY,
                               "hamar.toml": _office_file("H", "T2", 2)})
    with pytest.raises(ConfigError, match=rf"^AVVIK_OFFICE_CONFIG: {path}/lillehammer.toml: \[\[county\]\] tables go "
                                          r"in _defaults\.toml\.$"):
        load_offices(path)


def test_a_missing_or_shared_reference_prefix_names_only_the_offices_at_fault(tmp_path):
    path = folder(tmp_path, **{
        "lillehammer.toml": _office_file("L", "T1", 1, 'reference_prefix = "LHG"\n'),
        "hamar.toml": _office_file("H", "T1", 2, 'reference_prefix = "LHG"\n'),
        "gjovik.toml": _office_file("G", "T1", 3, 'reference_prefix = "GJO"\n')})
    with pytest.raises(ConfigError) as raised:
        load_offices(path)
    assert str(raised.value) == (
        f"AVVIK_OFFICE_CONFIG: {path}/hamar.toml, {path}/lillehammer.toml: offices in one workspace (hamar, "
        "lillehammer) have the same reference_prefix 'LHG'; give each its own, so references never collide.")
    (path / "hamar.toml").write_text(_office_file("H", "T1", 2), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_offices(path)
    assert str(raised.value) == (f"AVVIK_OFFICE_CONFIG: {path}/hamar.toml: no reference_prefix for hamar: offices "
                                 "that share a workspace each need their own, so references never collide.")
