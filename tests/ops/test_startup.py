"""The processes stay light: the CLI answers `--help` without loading the database layers."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlalchemy", "alembic", "pydantic", "slack_bolt", "gunicorn")


def test_help_answers_without_loading_the_database_or_slack_libraries():
    probe = ("import json, sys\nfrom bot.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert "usage: avvik-bot" in done.stdout
    assert json.loads(done.stdout.splitlines()[-1]) == []
