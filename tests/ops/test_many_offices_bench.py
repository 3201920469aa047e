"""The many-office benchmark (issue 24) runs at its smoke size, and what it measures holds: every
message a pass planned is one ledger row sent once, a second run the same day enters nothing, and a
larger history (five times the closed cases, the same open ones) changes nothing a pass sends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_quick_run_passes_its_own_checks_and_history_changes_nothing_sent(tmp_path):
    figures = tmp_path / "many.json"
    env = {key: value for key, value in os.environ.items() if key != "BENCH_DATABASE_URL"}
    run = subprocess.run([sys.executable, "bench/many_offices.py", "--quick", "--no-ack", "--sqlite-only",
                          "--json", str(figures)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    (sqlite,) = json.loads(figures.read_text())
    small, large = sqlite["sizes"]
    assert (small["cases"], small["open"]) == (2_000, 200)
    assert (large["cases"], large["open"]) == (10_000, 200)
    for size in (small, large):
        assert size["problems"] == []
        assert size["entered"] > 0 and size["posted"] == size["entered"]
        assert size["again_entered"] == 0
        assert 0 < size["digest_posts"] <= 20 and size["digest_posted"] == size["digest_posts"]
    for what in ("dry_items", "entered", "reminders", "digest_posts", "closures"):
        assert small[what] == large[what], what


def test_the_quick_ack_runs_in_one_workspace_and_each_case_lands_in_its_channels_office(tmp_path):
    """Issue 24: 20 offices under one team id, told apart by the channel `/avvik` is typed in; each
    form names that office, and each case is stored there with that office's reference prefix
    (read back from the database by the reporter, who belongs to one office)."""
    figures = tmp_path / "ack.json"
    env = {key: value for key, value in os.environ.items() if key != "BENCH_DATABASE_URL"}
    run = subprocess.run([sys.executable, "bench/many_offices.py", "--quick", "--ack-only", "--sqlite-only",
                          "--json", str(figures)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    (sqlite,) = json.loads(figures.read_text())
    assert sqlite["sizes"] == [] and sqlite["built"]["cases"] == 10_000
    one, many = sqlite["ack"]["rows"]
    assert sqlite["ack"]["problems"] == []
    assert many["shared_team"] is True
    assert many["opened"] == many["sealed"] == many["stored"] == many["placed"] == 40
    assert many["stored_offices"] == 20
    assert many["command"]["failed"] == many["submit"]["failed"] == 0
    assert one["stored"] == one["placed"] == 40
