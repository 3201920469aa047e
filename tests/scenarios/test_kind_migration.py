"""Migration 0016: a case stored with the kind «forslag» (no kind any more, seed 000) still reads and
counts after the upgrade, through signed HTTP as the leaders use the bot.

This module brings its own database per backend: migrated to 0007, given cases as the bot of that
day stored them, then upgraded to the head.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from store.db import Database
from store.migrate import upgrade
from tests.conftest import BACKENDS, _create_pg_database, _drop_pg_database
from tests.support.flows import text_of

AT = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
OLD = sa.table("deviations", *(sa.column(c) for c in (
    "office_id", "year", "seq", "reference", "kind", "category", "destination", "severity", "citizen_rights",
    "title", "what_happened", "occurred_on", "anonymous", "reporter_id", "state", "created_at", "updated_at")))


def _old_cases(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for seq, kind in enumerate(("forslag", "brudd", "forslag"), 1):
            connection.execute(sa.insert(OLD).values(
                office_id="lillehammer-gausdal", year=2026, seq=seq, reference=f"AVV-2026-{seq:04d}", kind=kind,
                category="lokal_rutine", destination="kontoret", severity="lav", citizen_rights="nei",
                title="Ny rutine for timebestilling", what_happened="Forslag fra før.", occurred_on=date(2026, 11, 9),
                anonymous=False, reporter_id="U0STAFF1", state="registrert", created_at=AT, updated_at=AT))
    engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('migration') / 'avvik.db'}"
    else:
        url = _create_pg_database(os.environ["TEST_DATABASE_URL"])
    upgrade(url, "0007")
    _old_cases(url)
    upgrade(url)
    yield url
    if request.param != "sqlite":
        _drop_pg_database(os.environ["TEST_DATABASE_URL"], url)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)  # the old cases stay: this is what the test is about
    yield database
    database.dispose()


def test_old_proposals_read_and_count_as_events_to_learn_from_after_the_upgrade(bot, clock):
    """Seed 000 offers «brudd» and «andre hendelser … til læring og forbedring» (and observations);
    a «Forslag til endring» stored before becomes «hendelse», and the report still counts all three."""
    with bot.services.db.reading() as session:
        kinds = session.execute(sa.text("SELECT reference, kind FROM deviations ORDER BY seq")).all()
    assert [tuple(k) for k in kinds] == [("AVV-2026-0001", "hendelse"), ("AVV-2026-0002", "brudd"),
                                         ("AVV-2026-0003", "hendelse")]

    bot.client.command("rapport 2026-11", user="U0LEADER1")
    [dm] = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0LEADER1")
    text = text_of(dm.params)
    assert "Registrerte avvik: *3*" in text
    assert "Hendelse til læring: *2*" in text and "Brudd: *1*" in text
    assert "Forslag" not in text

    mine = text_of(bot.client.command("mine", user="U0STAFF1").json())
    assert "AVV-2026-0001" in mine and "AVV-2026-0003" in mine
