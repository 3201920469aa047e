"""Imports go one way: handlers → bot → store. The app factory is the one composition root."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPOSITION_ROOT = ROOT / "bot" / "app.py"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_store_imports_neither_bot_nor_handlers():
    for path in (ROOT / "store").rglob("*.py"):
        assert not _imports(path) & {"bot", "handlers"}, path


def test_bot_does_not_import_handlers_except_at_the_composition_root():
    for path in (ROOT / "bot").rglob("*.py"):
        if path != COMPOSITION_ROOT:
            assert "handlers" not in _imports(path), path


def test_domain_rules_know_neither_slack_nor_sql():
    for name in ("deviations/rules.py", "routing/rules.py", "privacy.py"):
        imported = _imports(ROOT / "bot" / name)
        assert not imported & {"slack_sdk", "slack_bolt", "sqlalchemy", "store"}, name
