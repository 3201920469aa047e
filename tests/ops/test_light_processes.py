"""The processes stay light: the CLI answers `--help` without loading the database layers."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlalchemy", "alembic", "pydantic", "slack_bolt", "gunicorn",
         "shutil", "typing")  # argparse finds the terminal's width with shutil (zlib, bz2, lzma) unless told


def test_help_answers_without_loading_the_database_or_slack_libraries():
    probe = ("import json, sys\nfrom bot.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert "usage: avvik-bot" in done.stdout
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_a_restart_on_a_current_sqlite_database_starts_without_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'avvik.db'}"
    probe = ("import sys\nfrom store.migrate import upgrade_if_behind\n"
             f"upgrade_if_behind({url!r})\nprint('alembic' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    again = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert first.stdout.split()[-1] == "True"  # a new database: migrated by Alembic
    assert again.stdout.split()[-1] == "False"  # already current: one query, and on
    from sqlalchemy import create_engine

    from store.migrate import is_current

    assert is_current(create_engine(url))


def test_the_quick_head_is_alembics_head():
    from store.migrate import _plain_head, head_revision

    assert _plain_head() == head_revision()


def test_the_readiness_check_reads_the_revision_without_alembic(database_url):
    """`serve` on PostgreSQL and /readyz ask whether the database is migrated: one query, no Alembic
    (loading it and every migration script cost start-up a tenth of a second and each process memory)."""
    probe = ("import sys\nfrom sqlalchemy import create_engine\nfrom store.migrate import is_current\n"
             f"print(is_current(create_engine({database_url!r})), 'alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split()[-2:] == ["True", "False"]


def test_a_new_database_is_migrated_when_the_history_of_migrations_branches(tmp_path, monkeypatch):
    """A merge of two lines of migrations has no plain head: the quick check must not take a new database
    (no revision recorded) for a current one, and start the bot on no tables."""
    from sqlalchemy import create_engine, inspect

    from store import migrate

    monkeypatch.setattr(migrate, "_plain_head", lambda: None)  # as a merge migration makes it
    url = f"sqlite:///{tmp_path / 'avvik.db'}"
    migrate.upgrade_if_behind(url)
    engine = create_engine(url)
    assert "deviations" in inspect(engine).get_table_names()
    assert migrate.is_current(engine)


def test_the_master_loads_the_scheduler_only_when_it_schedules():
    """`serve` loads everything its workers run before it forks them (shared, not loaded per worker):
    with the scheduler, APScheduler, the jobs and the public holidays its triggers skip (the `holidays`
    package's every country, ~8 MiB) too; with `--no-scheduler`, none of them."""
    probe = ("import sys\nfrom bot import server\nfrom bot.settings import load_settings\n"
             "server.GunicornServer.run = lambda self: None\nserver._metrics_directory = lambda: None\n"
             "server.serve(load_settings(_env_file=None), '127.0.0.1', 0, 1, 1, scheduler=sys.argv[1] == 'on')\n"
             "watched = {'apscheduler', 'bot.scheduler', 'bot.quality.jobs', 'holidays.countries'}\n"
             "print(sorted(watched & set(sys.modules)))")
    for scheduler, loaded in (("off", "[]"),
                              ("on", "['apscheduler', 'bot.quality.jobs', 'bot.scheduler', 'holidays.countries']")):
        done = subprocess.run([sys.executable, "-c", probe, scheduler], capture_output=True, text=True, timeout=60,
                              check=True)
        assert done.stdout.splitlines()[-1] == loaded, scheduler
