"""Alembic, driven from code: `avvik-bot db upgrade`, and the readiness check.

Alembic is imported when it has work to do: a restart on a database that is already current
(`upgrade_if_behind`), and the readiness check (`is_current`: `serve` on PostgreSQL, /readyz), read
its version with one query and go on without loading it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def upgrade_if_behind(url: str) -> None:
    """Upgrade to head, unless the database is there already (the usual restart: no Alembic loaded)."""
    from store.db import Database

    head = _plain_head()
    if head is not None:  # None: the history branches (and a new database records None too): Alembic decides
        db = Database(url)
        try:
            if _recorded_revision(db.engine) == head:
                return
        finally:
            db.dispose()
    upgrade(url)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_current(engine: Engine) -> bool:
    """Migrated to head: on a straight line of migrations one query and the scripts' own lines (no Alembic
    loaded, so start-up and /readyz stay light); Alembic decides where the history branches."""
    head = _plain_head()
    if head is not None:
        return _recorded_revision(engine) == head
    return current_revision(engine) == head_revision()


def _plain_head() -> str | None:
    """The one head of a straight line of migrations, read from the scripts' `revision` and
    `down_revision` lines; None where that is not plain (a merge, two heads): Alembic decides then."""
    revisions: set[str] = set()
    parents: set[str | None] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        lines = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if "revision" not in lines:
            continue
        try:
            revision, parent = ast.literal_eval(lines["revision"]), ast.literal_eval(lines.get("down_revision", "None"))
        except (ValueError, SyntaxError):
            return None
        if not isinstance(revision, str) or not (parent is None or isinstance(parent, str)):
            return None
        revisions.add(revision)
        parents.add(parent)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _recorded_revision(engine: Engine) -> str | None:
    """The revision Alembic recorded in the database; None for a new database (or several rows)."""
    from store.db import READ_ONLY

    try:
        with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        return None
    return rows[0] if len(rows) == 1 else None
