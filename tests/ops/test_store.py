"""The store: migrations match the models; references stay unique and gap-free under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from store import deviations as store
from store.db import Database
from store.models import Base


def test_migrations_from_empty_match_the_models(db: Database):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_sequences_are_gap_free_under_concurrent_transactions(db: Database):
    def allocate(_: int) -> int:
        with db.transaction() as session:
            return store.next_sequence(session, "kontor", 2026)

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(allocate, range(40)))
    assert sorted(numbers) == list(range(1, 41))


def test_a_rolled_back_registration_gives_its_number_back(db: Database):
    try:
        with db.transaction() as session:
            assert store.next_sequence(session, "kontor", 2026) == 1
            raise RuntimeError("the insert failed")
    except RuntimeError:
        pass
    with db.transaction() as session:
        assert store.next_sequence(session, "kontor", 2026) == 1
        assert store.next_sequence(session, "annet-kontor", 2026) == 1
        assert store.next_sequence(session, "kontor", 2027) == 1


def test_a_reading_session_refuses_writes_and_takes_no_write_lock(db: Database):
    import pytest

    from store.db import ReadOnlySession
    from store.models import ReferenceCounter

    with db.reading() as reader:
        reader.get(ReferenceCounter, ("kontor", 2026))
        with db.transaction() as writer:  # would wait for the reader's lock if the reader held one
            store.next_sequence(writer, "kontor", 2026)
        reader.add(ReferenceCounter(office_id="x", year=2026, last_seq=0))
        with pytest.raises(ReadOnlySession):
            reader.flush()


def test_a_case_is_numbered_with_at_least_four_digits_and_past_9999(db: Database):
    from datetime import UTC, datetime

    from sqlalchemy import update

    from store.models import Deviation, ReferenceCounter
    from tests.support.seeding import add_deviation

    first = add_deviation(db, datetime(2026, 3, 2, 9, tzinfo=UTC))
    second = add_deviation(db, datetime(2026, 3, 2, 9, tzinfo=UTC))
    with db.transaction() as session:
        assert store.number(session, session.get(Deviation, first), "AVV-LHG-2026-") == 3
        session.execute(update(ReferenceCounter).values(last_seq=9999))
        assert store.number(session, session.get(Deviation, second), "AVV-LHG-2026-") == 10000
    with db.reading() as session:
        assert session.get(Deviation, first).reference == "AVV-LHG-2026-0003"
        assert session.get(Deviation, second).reference == "AVV-LHG-2026-10000"
