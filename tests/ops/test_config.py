"""Settings and the office config: a wrong value stops start-up with one clear line."""

from __future__ import annotations

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
