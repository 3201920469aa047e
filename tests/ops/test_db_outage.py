"""The database goes away while a person submits the form: they are told so in the modal, with
everything they typed still there, nothing half-written is kept, and sending again works.

PostgreSQL is reached through a TCP proxy the test cuts, as a failing network would. SQLite has
no network: its outage is another process holding the write lock (a backup, a stuck admin shell).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from store.db import Database, Unavailable
from store.deviations import next_sequence
from store.models import Deviation, Event, LedgerEntry, ReferenceCounter
from tests.conftest import _empty
from tests.support.flows import ANSWERS, open_form, posted_to, text_of
from tests.support.proxy import Proxy

LEADER_CHANNEL = "C0LEADERS"
STORAGE_ERROR = "Vi fikk ikke lagret avviksmeldingen akkurat nå"
SLACKS_LIMIT = 3.0  # seconds Slack waits for the answer to a form


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


def test_a_writer_stuck_in_another_replica_still_leaves_the_person_the_bots_error_in_time(bot, outage):
    """SQLite: another replica's writer holds the queued write lock (store/write_lock.py) and does not
    let go. The submission waits for it no longer than its deadline: the person reads the bot's own
    «try again» before Slack gives up, and sending again once the lock is free works."""
    if outage.networked:
        pytest.skip("PostgreSQL has no write lock file; its stalls are test_db_deadline.py's")
    view = open_form(bot)
    holder = os.open(os.path.realpath(outage.path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)  # as another process's writer would hold it
    try:
        bot.client.timeout = SLACKS_LIMIT  # Slack gives up after 3 s: so does this client
        refused = bot.client.submit(view, ANSWERS, view_id="VSTUCK").json()
        assert refused["response_action"] == "errors"
        assert STORAGE_ERROR in refused["errors"]["title"]
    finally:
        os.close(holder)  # the other replica lets go
    assert _nothing_stored(bot.services.db)

    answer = bot.client.submit(view, ANSWERS, view_id="VSTUCK").json()
    assert answer["response_action"] == "update"
    assert "AVV-2026-0001" in text_of(answer["view"])


def test_a_write_cut_at_its_deadline_lets_the_next_writer_have_the_lock(db, outage):
    """SQLite: the watchdog interrupts a write past its deadline; the queued write lock passes on, so the
    next writer is stored instead of waiting behind it."""
    if outage.networked:
        pytest.skip("the queued write lock is SQLite's")
    inside = threading.Event()

    def endless_write() -> None:
        with db.transaction(deadline=0.5) as session:
            next_sequence(session, "cut", 2026)
            inside.set()
            session.execute(text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                 "SELECT count(*) FROM c"))  # never ends on its own

    with ThreadPoolExecutor(max_workers=1) as pool:
        cut = pool.submit(endless_write)
        assert inside.wait(5)
        with db.transaction() as session:
            assert next_sequence(session, "next", 2026) == 1
        with pytest.raises(Unavailable):
            cut.result(timeout=10)
    with db.transaction() as session:
        counters = {c.office_id: c.last_seq for c in session.scalars(select(ReferenceCounter))}
    assert counters == {"next": 1}  # the cut write kept nothing
