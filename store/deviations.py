"""Queries and writes for deviations, their actions and the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, Insert, and_, bindparam, func, insert, literal_column, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from store.models import Action, Deviation, Event, ReferenceCounter

CLOSED = "lukket"
OPEN_ACTION = "apen"
# The partial index `ix_deviations_open`'s predicate, verbatim: a bound parameter would hide from the
# planner that the index applies.
IS_OPEN = Deviation.state != literal_column(f"'{CLOSED}'")


# Issue 22, bot.deviations.rules.risk_order in SQL: scored cases before «ikke vurdert», the highest risk
# (sannsynlighet × konsekvens) first, then the oldest.
RISK_SCORE = Deviation.risk_likelihood * Deviation.risk_consequence
BY_RISK = (RISK_SCORE.is_(None), RISK_SCORE.desc(), Deviation.created_at, Deviation.id)


def is_open(states: Sequence[str]) -> ColumnElement[bool]:
    """Open deviations: the partial index's predicate, and the open states named, so that SQLite without
    statistics (no ANALYZE) also prefers `ix_deviations_open (office_id, state)` to any index on
    office_id alone."""
    return and_(IS_OPEN, Deviation.state.in_(states))


def next_sequence(session: Session, office_id: str, year: int) -> int:
    """The next case number for an office and year, gap-free and unique across replicas.

    The counter row is entered or bumped with one INSERT … ON CONFLICT DO UPDATE … RETURNING inside
    the caller's transaction: a concurrent registration waits on the row lock, and a rolled-back
    one gives its number back. Call it last, just before COMMIT: the row stays locked until then,
    so taken early it would serialise whole registrations on PostgreSQL.
    """
    connection = session.connection()
    return connection.execute(_next_sequence_statement(connection.dialect.name),
                              {"office_id": office_id, "year": year}).scalar_one()


@lru_cache(maxsize=4)
def _next_sequence_statement(dialect: str) -> Insert:
    """Built once per dialect: the statement is the same every time, only its parameters change."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    counters = ReferenceCounter.__table__
    statement = insert(counters).values(office_id=bindparam("office_id"), year=bindparam("year"), last_seq=1)
    return statement.on_conflict_do_update(
        index_elements=["office_id", "year"], set_={"last_seq": counters.c.last_seq + 1}
    ).returning(counters.c.last_seq)


def number(session: Session, deviation: Deviation, head: str) -> int:
    """Give a new case the office's next number and its reference (`head` then the number, at least
    four digits), as the caller's transaction's last statement before COMMIT: its number.

    On PostgreSQL the counter is bumped and the case numbered in one statement, so the counter row
    is locked from there to COMMIT with no round trip, and no Python, in between: a holder starved
    of the GIL for a moment no longer holds up every other registration of the office. SQLite's
    writers are queued for the whole transaction anyway (store/write_lock.py): two statements.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        seq = connection.execute(_NUMBER_PG, {"office_id": deviation.office_id, "year": deviation.year,
                                              "deviation_id": deviation.id, "head": head}).scalar_one()
        set_committed_value(deviation, "seq", seq)
        set_committed_value(deviation, "reference", f"{head}{seq:04d}")
        return seq
    seq = next_sequence(session, deviation.office_id, deviation.year)
    set_reference(session, deviation, seq, f"{head}{seq:04d}")
    return seq


_NUMBER_PG = text(
    "WITH taken AS (INSERT INTO reference_counters (office_id, year, last_seq) VALUES (:office_id, :year, 1)"
    " ON CONFLICT (office_id, year) DO UPDATE SET last_seq = reference_counters.last_seq + 1 RETURNING last_seq)"
    " UPDATE deviations SET seq = taken.last_seq,"
    " reference = :head || CASE WHEN taken.last_seq < 10000 THEN lpad(taken.last_seq::text, 4, '0')"
    " ELSE taken.last_seq::text END"
    " FROM taken WHERE deviations.id = :deviation_id RETURNING deviations.seq")


def set_reference(session: Session, deviation: Deviation, seq: int, reference: str) -> None:
    """Give a case its number and reference: one UPDATE, with the loaded case told (no flush of it)."""
    session.connection().execute(_SET_REFERENCE, {"deviation_id": deviation.id, "seq": seq, "reference": reference})
    set_committed_value(deviation, "seq", seq)
    set_committed_value(deviation, "reference", reference)


_SET_REFERENCE = (update(Deviation.__table__).where(Deviation.__table__.c.id == bindparam("deviation_id"))
                  .values(seq=bindparam("seq"), reference=bindparam("reference")))
# Statements run on every registration and every message about a case, built once: only the
# parameters change, and building one cost more CPU than running it.
_ID_BY_SUBMISSION_KEY = select(Deviation.__table__.c.id).where(Deviation.__table__.c.submission_key == bindparam("key"))
# Reading a case with its actions and breach in one query (joined) rather than three (selectin): the
# messenger reads one for every message about a case. Locking takes the selectin form: PostgreSQL
# locks no row on the nullable side of an outer join.
_BY_ID = (select(Deviation).where(Deviation.id == bindparam("deviation_id"))
          .options(joinedload(Deviation.actions), joinedload(Deviation.breach)))
_BY_ID_LOCKED = (select(Deviation).where(Deviation.id == bindparam("deviation_id"))
                 .options(selectinload(Deviation.actions)).with_for_update())


def by_submission_key(session: Session, key: str) -> Deviation | None:
    """The case a submission stored, if any. Nearly always none (the submission is new): asked
    for the id alone, so the ORM builds nothing unless a case is there."""
    found = session.connection().execute(_ID_BY_SUBMISSION_KEY, {"key": key}).scalar_one_or_none()
    return None if found is None else session.get(Deviation, found)


def by_id(session: Session, deviation_id: int, *, lock: bool = False) -> Deviation | None:
    if not lock:
        return session.scalars(_BY_ID, {"deviation_id": deviation_id}).unique().one_or_none()
    return session.scalars(_BY_ID_LOCKED, {"deviation_id": deviation_id}).one_or_none()


def by_reference(session: Session, office_id: str, reference: str) -> Deviation | None:
    query = select(Deviation).where(Deviation.office_id == office_id, Deviation.reference == reference.upper())
    return session.scalars(query.options(selectinload(Deviation.actions))).one_or_none()


def by_reporter(session: Session, office_id: str | Sequence[str], reporter_id: str,
                limit: int = 20) -> Sequence[Deviation]:
    """A person's own cases, in one office or in several (the offices of one workspace)."""
    offices = [office_id] if isinstance(office_id, str) else list(office_id)
    query = (
        select(Deviation)
        .where(Deviation.office_id.in_(offices), Deviation.reporter_id == reporter_id)
        .order_by(Deviation.created_at.desc(), Deviation.id.desc())
        .limit(limit)
    )
    return session.scalars(query).all()


def open_deviations(session: Session, office_id: str, limit: int = 200) -> Sequence[Deviation]:
    """Every deviation not closed, by risk then age, with its actions (through `ix_deviations_open`): the
    `limit` cut keeps the most serious, not merely the oldest."""
    query = (
        select(Deviation)
        .where(Deviation.office_id == office_id, IS_OPEN)
        .order_by(*BY_RISK)
        .options(selectinload(Deviation.actions))
        .limit(limit)
    )
    return session.scalars(query).all()


def count_open(session: Session, office_id: str, states: Sequence[str]) -> int:
    query = select(func.count()).select_from(Deviation).where(Deviation.office_id == office_id, is_open(states))
    return session.scalar(query) or 0


def action_by_id(session: Session, action_id: int) -> Action | None:
    return session.get(Action, action_id)


def deviation_of_action(session: Session, action_id: int) -> int | None:
    """The deviation an action belongs to, without loading the action (so the caller can lock the
    deviation first)."""
    return session.scalars(select(Action.deviation_id).where(Action.id == action_id)).one_or_none()


def set_card(session: Session, deviation_id: int, channel: str, ts: str) -> None:
    """Remember where the case card was posted, so later changes update it in place."""
    session.connection().execute(_SET_CARD, {"deviation_id": deviation_id, "channel": channel, "ts": ts})


_SET_CARD = (update(Deviation.__table__).where(Deviation.__table__.c.id == bindparam("deviation_id"))
             .values(card_channel=bindparam("channel"), card_ts=bindparam("ts")))


def add_new(session: Session, **values: object) -> Deviation:
    """Store a new case with one INSERT … RETURNING id, and hand back its ORM object, persistent in the
    session as if loaded: no unit-of-work flush, which cost registration more CPU than the INSERT."""
    deviation_id = session.connection().execute(_INSERT_DEVIATION, values).scalar_one()
    deviation = Deviation(id=deviation_id, **values)
    make_transient_to_detached(deviation)  # what was not given (defaults) is read back only if asked for
    session.add(deviation)
    return deviation


_INSERT_DEVIATION = insert(Deviation.__table__).returning(Deviation.__table__.c.id)


def append_event(session: Session, *, office_id: str, kind: str, at: datetime, actor_id: str | None,
                 deviation_id: int | None = None, to_state: str | None = None, detail: dict | None = None) -> None:
    """`record_event` for a caller that needs no Event object back: one INSERT, at once (no flush at
    COMMIT, after the registration's counter statement, which should be its last)."""
    session.connection().execute(_INSERT_EVENT, {
        "office_id": office_id, "deviation_id": deviation_id, "action_id": None, "at": at, "actor_id": actor_id,
        "kind": kind, "from_state": None, "to_state": to_state, "detail": detail or {}})


_INSERT_EVENT = insert(Event.__table__)


def record_event(
    session: Session,
    *,
    office_id: str,
    kind: str,
    at: datetime,
    actor_id: str | None,
    deviation: Deviation | None = None,
    action: Action | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    detail: dict | None = None,
) -> Event:
    """Append one row to the audit log."""
    event = Event(
        office_id=office_id,
        deviation_id=deviation.id if deviation else None,
        action_id=action.id if action else None,
        at=at,
        actor_id=actor_id,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        detail=detail or {},
    )
    session.add(event)
    return event


def event_by_id(session: Session, event_id: int) -> Event | None:
    return session.get(Event, event_id)


def events_of(session: Session, deviation_id: int) -> Sequence[Event]:
    return session.scalars(select(Event).where(Event.deviation_id == deviation_id).order_by(Event.id)).all()


def redirect_counted(session: Session, office_id: str, submission_key: str) -> bool:
    """Whether this form's redirect to user support is already counted (a Slack retry counts once)."""
    query = select(Event.id).where(Event.office_id == office_id, Event.kind == "omdirigert",
                                   Event.detail["submission"].as_string() == submission_key).limit(1)
    return session.scalar(query) is not None


def count_events(session: Session, office_id: str, kind: str, start: datetime, end: datetime) -> dict[str, int]:
    """How many events of `kind` an office had in [start, end), per category (for statistics)."""
    category = Event.detail["category"].as_string()
    query = (select(category, func.count()).where(Event.office_id == office_id, Event.kind == kind,
                                                   Event.at >= start, Event.at < end).group_by(category))
    return {name or "": count for name, count in session.execute(query)}
