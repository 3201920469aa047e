"""The database goes away while a person submits the form: they are told so in the modal, with
everything they typed still there, nothing half-written is kept, and sending again works.

PostgreSQL is reached through a TCP proxy the test cuts, as a failing network would. SQLite has
no network: its outage is another process holding the write lock (a backup, a stuck admin shell).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from store.db import Database
from store.models import Deviation, Event, LedgerEntry, ReferenceCounter
from tests.conftest import _empty
from tests.support.flows import ANSWERS, open_form, posted_to, text_of
from tests.support.proxy import Proxy

LEADER_CHANNEL = "C0LEADERS"
STORAGE_ERROR = "Vi fikk ikke lagret avviksmeldingen akkurat nå"


class Outage:
    """Make the database unreachable for the bot, and reachable again."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self.networked = url.get_backend_name() == "postgresql"
        self._lock: sqlite3.Connection | None = None
        if self.networked:
            self.proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
            self.url = url.set(host="127.0.0.1", port=self.proxy.port).render_as_string(hide_password=False)
        else:
            self.path, self.url = url.database, database_url

    def cut(self) -> None:
        if self.networked:
            self.proxy.cut()
        else:
            self._lock = sqlite3.connect(self.path, isolation_level=None)
            self._lock.execute("BEGIN IMMEDIATE")

    def restore(self) -> None:
        if self.networked:
            self.proxy.restore()
        elif self._lock is not None:
            self._lock.execute("ROLLBACK")
            self._lock.close()
            self._lock = None

    def close(self) -> None:
        self.restore()
        if self.networked:
            self.proxy.close()


@pytest.fixture
def outage(database_url: str) -> Iterator[Outage]:
    outage = Outage(database_url)
    yield outage
    outage.close()


@pytest.fixture
def db(outage: Outage) -> Iterator[Database]:
    """The bot's database, reached the way the outage can cut."""
    database = Database(outage.url)
    _empty(database)
    yield database
    database.dispose()


def _count(db: Database, model) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def _nothing_stored(db: Database) -> bool:
    with db.transaction() as session:
        last = session.scalar(select(func.max(ReferenceCounter.last_seq)))
    return (last or 0) == 0 and all(_count(db, m) == 0 for m in (Deviation, Event, LedgerEntry))


def test_with_the_database_away_the_form_says_so_and_can_be_sent_again(bot, outage):
    view = open_form(bot)

    outage.cut()
    refused = bot.client.submit(view, ANSWERS, view_id="VOUTAGE")
    assert refused.status == 200
    assert refused.json()["response_action"] == "errors"
    assert STORAGE_ERROR in refused.json()["errors"]["title"]
    assert bot.client.get("/healthz").status == 503

    outage.restore()
    assert _nothing_stored(bot.services.db)
    assert bot.client.get("/healthz").status == 200
    answer = bot.client.submit(view, ANSWERS, view_id="VOUTAGE").json()  # the same modal, sent again
    assert answer["response_action"] == "update"
    assert "AVV-2026-0001" in text_of(answer["view"])

    bot.fake.wait_for("chat.postMessage", 2)
    bot.fake.settle()
    assert len(posted_to(bot.fake, "U0STAFF1")) == 1
    assert len(posted_to(bot.fake, LEADER_CHANNEL)) == 1
    assert (_count(bot.services.db, Deviation), _count(bot.services.db, Event)) == (1, 1)


def test_a_connection_lost_at_commit_keeps_nothing_and_the_form_can_be_sent_again(bot, outage):
    if not outage.networked:
        pytest.skip("SQLite has no connection to lose; its outage is the held lock above")
    view = open_form(bot)

    outage.proxy.cut_at_commit()
    refused = bot.client.submit(view, ANSWERS, view_id="VCOMMIT").json()
    assert refused["response_action"] == "errors"
    assert STORAGE_ERROR in refused["errors"]["title"]
    assert _nothing_stored(bot.services.db)  # the case, its event, its messages and its number: all gone

    answer = bot.client.submit(view, ANSWERS, view_id="VCOMMIT").json()
    assert "AVV-2026-0001" in text_of(answer["view"])  # the lost attempt did not use up a number
    bot.fake.wait_for("chat.postMessage", 2)
    bot.fake.settle()
    assert len(posted_to(bot.fake, "U0STAFF1")) == 1
    assert len(posted_to(bot.fake, LEADER_CHANNEL)) == 1
