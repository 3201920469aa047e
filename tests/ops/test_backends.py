"""Every test that touches the database runs on every backend: SQLite always, PostgreSQL when
TEST_DATABASE_URL is set (as CI does). A test that made its own SQLite database would quietly
skip PostgreSQL; this finds it."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from tests.conftest import BACKENDS

TESTS = Path(__file__).resolve().parents[1]
# Tests that are about SQLite itself (the default database, the settings' example URLs).
SQLITE_ON_PURPOSE = {
    ("test_serve.py", "test_sqlite_default_is_migrated_on_start"),
    ("test_config.py", "test_the_cli_stops_with_one_line_when_a_setting_is_missing"),
    ("test_light_processes.py", "test_a_restart_on_a_current_sqlite_database_starts_without_alembic"),
    # `upgrade_if_behind` is the SQLite start-up's (bot/cli.py); PostgreSQL is migrated by `avvik-bot migrate`
    ("test_light_processes.py", "test_a_new_database_is_migrated_when_the_history_of_migrations_branches"),
    ("test_nais.py", "test_the_cloud_sql_variables_become_the_database_url"),  # a URL as data, never opened
}
# Fixtures that build their own database on every backend (params=BACKENDS), as a migration test must.
SQLITE_ON_PURPOSE |= {("test_kind_migration.py", "database_url"), ("test_kind_migration.py", "db")}
ENGINE_FACTORIES = {"Database", "create_engine", "make_engine", "upgrade"}


def _own_sqlite(path: Path) -> list[str]:
    """Tests in `path` that name a SQLite URL or build an engine themselves instead of using `db`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef) or (path.name, node.name) in SQLITE_ON_PURPOSE:
            continue
        for inner in ast.walk(node):
            text = inner.value if isinstance(inner, ast.Constant) and isinstance(inner.value, str) else ""
            if text.startswith("sqlite"):
                found.append(f"{path.name}::{node.name} names {text!r}")
            if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in ENGINE_FACTORIES
                    and not any(isinstance(a, ast.Attribute) and a.attr == "url" for a in ast.walk(inner))):
                found.append(f"{path.name}::{node.name} calls {inner.func.id}() on its own database")
    return found


def test_no_test_makes_its_own_sqlite_database():
    offenders = [f for path in sorted(TESTS.rglob("test_*.py")) if path.name != Path(__file__).name
                 for f in _own_sqlite(path)]
    assert offenders == []


def test_postgresql_is_a_backend_whenever_ci_provides_it():
    if os.environ.get("TEST_DATABASE_URL"):
        assert BACKENDS == ["sqlite", "postgresql"]
    if os.environ.get("CI"):
        assert os.environ.get("TEST_DATABASE_URL"), "CI must run the suite on PostgreSQL too (.ci/run sets it)"
