"""A database that silently stops answering (a network or firewall that drops traffic rather than
closing connections): the person still gets the bot's own «try again» in the modal before
Slack's 3 seconds are up, nothing of that submission is stored afterwards, and `/healthz` answers
within a second. PostgreSQL is reached through a TCP proxy the test stalls.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from store.db import Database
from store.models import Deviation, Event, LedgerEntry
from tests.conftest import _empty
from tests.support.flows import ANSWERS, open_form, text_of
from tests.support.proxy import Proxy

STORAGE_ERROR = "Vi fikk ikke lagret avviksmeldingen akkurat nå"
SLACKS_LIMIT = 3.0  # seconds Slack waits for the answer to a form


@pytest.fixture
def proxy(database_url: str) -> Iterator[Proxy]:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("SQLite has no network to go silent (its outage is a held lock: test_db_outage.py)")
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    yield proxy
    proxy.close()


@pytest.fixture
def db(proxy: Proxy) -> Iterator[Database]:
    """The bot's database, reached through the proxy."""
    database = Database(proxy.url)
    _empty(database)
    yield database
    database.dispose()


def _stored(db: Database) -> int:
    with db.reading() as session:
        return sum(session.scalar(select(func.count()).select_from(m)) for m in (Deviation, Event, LedgerEntry))


def test_a_silent_database_gives_the_bots_error_within_slacks_limit_and_stores_nothing_after(bot, proxy):
    view = open_form(bot)
    proxy.silence()

    bot.client.timeout = SLACKS_LIMIT  # Slack gives up after 3 s: so does this client
    refused = bot.client.submit(view, ANSWERS, view_id="VSILENT").json()
    assert refused["response_action"] == "errors"
    assert STORAGE_ERROR in refused["errors"]["title"]

    bot.client.timeout = 1.0
    health = bot.client.get("/healthz")
    assert health.status == 503  # answered, and honest: the database does not answer

    time.sleep(SLACKS_LIMIT)  # whatever was on its way has had its chance
    proxy.restore()
    assert _stored(bot.services.db) == 0  # the person was told it was not stored, and it was not

    bot.client.timeout = 30.0
    answer = bot.client.submit(view, ANSWERS, view_id="VSILENT").json()  # the same modal, sent again
    assert answer["response_action"] == "update"
    assert "AVV-2026-0001" in text_of(answer["view"])
    assert bot.client.get("/healthz").status == 200
    with bot.services.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Deviation)) == 1
