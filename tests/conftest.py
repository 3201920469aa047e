"""Fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set), the Slack Web API
fake, a controllable clock, and the bot itself served over real HTTP."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app import WsgiApp, create_app
from bot.services import Services, build_services
from bot.settings import EXAMPLE_OFFICE_CONFIG, Settings
from store.db import Database
from store.migrate import upgrade
from store.models import Base
from tests.support.slack_client import SlackClient
from tests.support.slack_fake import SlackFake

SIGNING_SECRET = "test-signing-secret"
OSLO_MORNING = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Oslo


class FakeClock:
    """A clock the test sets; it never moves on its own."""

    def __init__(self, now: datetime = OSLO_MORNING) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


# --- databases -------------------------------------------------------------------------------

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _create_pg_database(admin_url: str) -> str:
    name = f"avvik_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database per backend, shared by the session; tests start from empty tables."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'avvik.db'}"
        upgrade(url)
        yield url
        return
    admin = os.environ["TEST_DATABASE_URL"]
    url = _create_pg_database(admin)
    upgrade(url)
    yield url
    _drop_pg_database(admin, url)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    _empty(database)
    yield database
    database.dispose()


def _empty(database: Database) -> None:
    with database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


# --- Slack, clock, the bot ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def slack_session() -> Iterator[SlackFake]:
    fake = SlackFake().start()
    yield fake
    fake.stop()


@pytest.fixture
def slack(slack_session: SlackFake) -> Iterator[SlackFake]:
    slack_session.reset()
    yield slack_session
    assert not slack_session.invalid, f"the bot sent invalid Block Kit: {slack_session.invalid}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def office_config() -> Path:
    return EXAMPLE_OFFICE_CONFIG


def make_settings(slack: SlackFake, database_url: str, office_config: Path) -> Settings:
    return Settings(
        slack_bot_token=slack.token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.url,
        database_url=database_url,
        avvik_office_config=office_config,
        _env_file=None,
    )


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Bot:
    """The bot under test, served over HTTP; `slack` sends it signed requests."""

    services: Services
    url: str
    client: SlackClient
    fake: SlackFake


@pytest.fixture
def bot(slack: SlackFake, db: Database, clock: FakeClock, office_config: Path) -> Iterator[Bot]:
    settings = make_settings(slack, db.url, office_config)
    services = build_services(settings, clock=clock, db=db)
    wsgi = WsgiApp(create_app(services), services)
    server = make_server("127.0.0.1", 0, wsgi, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    yield Bot(services, url, SlackClient(url, SIGNING_SECRET), slack)
    services.messenger.wait_idle()
    slack.settle(quiet=0.1, timeout=5)
    services.messenger.close()  # its heartbeat would keep opening this test's database
    server.shutdown()
    server.server_close()
