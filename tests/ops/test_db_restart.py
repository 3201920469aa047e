"""PostgreSQL ends the bot's connections while they wait in the pool (a restart, a failover, an
administrator's `pg_terminate_backend`): the next person to submit is stored all the same, and
the messages about it go out. The pool checks a connection before use only when it may be stale
(store/db.py, `_stale`), not with a round trip on every checkout.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from store.db import Database
from store.models import Deviation
from tests.support.flows import ANSWERS, open_form, posted_to, text_of

LEADER_CHANNEL = "C0LEADERS"


@pytest.fixture(autouse=True)
def _postgresql(database_url: str) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("SQLite has no server to end its connections")


def _end_connections(db: Database) -> int:
    """End every backend of the bot's database, as a restart does, and wait until they are gone."""
    admin = create_engine(db.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return connection.scalar(
                text("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    finally:
        admin.dispose()


def test_a_submission_after_the_database_ended_the_bots_connections_is_stored(bot):
    view = open_form(bot)
    first = bot.client.submit(view, ANSWERS, user="U0STAFF1", view_id="VBEFORE").json()
    assert "AVV-2026-0001" in text_of(first["view"])
    bot.fake.wait_for("chat.postMessage", 2)
    bot.services.messenger.wait_idle()
    bot.fake.settle()

    assert _end_connections(bot.services.db) >= 1  # the pool's idle connections, all dead now

    answer = bot.client.submit(view, ANSWERS, user="U0STAFF2", view_id="VAFTER").json()
    assert answer["response_action"] == "update"
    assert "AVV-2026-0002" in text_of(answer["view"])
    bot.fake.wait_for("chat.postMessage", 4)
    bot.fake.settle()
    assert len(posted_to(bot.fake, "U0STAFF2")) == 1
    assert len(posted_to(bot.fake, LEADER_CHANNEL)) == 2


def test_reads_and_writes_after_the_connections_ended_find_a_live_one(db: Database):
    with db.transaction() as session:
        session.execute(text("SELECT 1"))
    with db.reading() as session:
        session.execute(text("SELECT 1"))
    assert _end_connections(db) >= 1

    with db.reading() as session:
        assert session.scalars(select(Deviation)).all() == []
    with db.transaction() as session:
        assert session.scalar(text("SELECT 1")) == 1
    assert db.ping()
