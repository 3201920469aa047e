"""Queries for the scheduler: the open cases it scans, the reminders it gave, the digests it posted.

The scan reads open cases only, through the partial index `ix_deviations_open` (its
predicate, `state <> 'lukket'`, is written out literally in `store.deviations.IS_OPEN` so
both PostgreSQL and SQLite see that the index applies), and joins actions and events by the
case's id. Its cost follows the number of open cases, not how many cases the office has
closed over the years.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, Select, and_, case, exists, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.deviations import CLOSED, IS_OPEN, OPEN_ACTION, is_open
from store.ledger import MessageKind, Target, TargetKind, id_of, parse_target
from store.models import Action, Deviation, Digest, DigestDeviation, Event, LedgerEntry, NudgeEntry


def lock(session: Session, name: str) -> None:
    """Serialise one job across processes for the rest of the transaction.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: every transaction already begins
    IMMEDIATE (store.db), which holds the database's single write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


# --- the nudge scan ---------------------------------------------------------------------------

def nudge_scan_query(office_id: str, states: Sequence[str]) -> Select:
    """The office's open cases, with only the columns the reminder rules read."""
    return (
        select(Deviation.id, Deviation.reference, Deviation.state, Deviation.created_at, Deviation.ready_at,
               Deviation.reporter_id, Deviation.responsible_leader, Deviation.external_reference,
               Deviation.snoozed_until)
        .where(Deviation.office_id == office_id, is_open(states))
    )  # no ORDER BY: ordering by created_at would tempt the planner into ix_deviations_created (every case)


def nudge_scan(session: Session, office_id: str, states: Sequence[str]) -> Sequence[Row]:
    return session.execute(nudge_scan_query(office_id, states)).all()


def open_actions(session: Session, office_id: str, states: Sequence[str]) -> Sequence[Row]:
    """Open actions of open cases: (id, deviation_id, owner_id, due_on, snoozed_until)."""
    query = (
        select(Action.id, Action.deviation_id, Action.owner_id, Action.due_on, Action.snoozed_until)
        .join(Deviation, Deviation.id == Action.deviation_id)
        .where(Deviation.office_id == office_id, is_open(states), Action.state == OPEN_ACTION)
    )
    return session.execute(query).all()


def change_times(session: Session, office_id: str,
                 states: Sequence[str]) -> dict[int, tuple[datetime | None, datetime | None]]:
    """Per open case: when its state last changed, and when anything last moved it on
    (a state change or something done to one of its actions). From the audit log."""
    state_changed = func.max(case((Event.to_state.is_not(None), Event.at)))
    progressed = func.max(case((Event.to_state.is_not(None) | Event.action_id.is_not(None), Event.at)))
    query = (
        select(Event.deviation_id, state_changed, progressed)
        .join(Deviation, Deviation.id == Event.deviation_id)
        .where(Deviation.office_id == office_id, is_open(states))
        .group_by(Event.deviation_id)
    )
    return {row[0]: (row[1], row[2]) for row in session.execute(query)}


@dataclass(frozen=True)
class GivenNudge:
    rule: str
    deviation_id: int
    target: str
    recipient: str
    period: str
    created_at: datetime


def nudges_given(session: Session, deviation_ids: Iterable[int], chunk: int = 500) -> list[GivenNudge]:
    """Every reminder given about these cases (through ix_nudges_deviation)."""
    ids = sorted(set(deviation_ids))
    given: list[GivenNudge] = []
    for start in range(0, len(ids), chunk):
        query = select(NudgeEntry.rule, NudgeEntry.deviation_id, NudgeEntry.target, NudgeEntry.recipient,
                       NudgeEntry.period, NudgeEntry.created_at).where(
            NudgeEntry.deviation_id.in_(ids[start:start + chunk]))
        given += [GivenNudge(*row) for row in session.execute(query)]
    return given


NudgeKey = tuple[str, str, str, str]  # rule, target, recipient, period: unique among reminders given


@dataclass(frozen=True)
class NewNudge:
    rule: str
    target: str
    deviation_id: int
    action_id: int | None
    recipient: str
    period: str
    workdays: int

    @property
    def key(self) -> NudgeKey:
        return self.rule, self.target, self.recipient, self.period


def enter_nudges(session: Session, office_id: str, nudges: Sequence[NewNudge], now: datetime,
                 chunk: int = 500) -> dict[NudgeKey, int]:
    """Record reminders, a few hundred to a statement; the ids of those entered now, by key. One given
    before under the same key (rule, target, recipient, period) is left as it was and has no id here.

    One INSERT per chunk rather than per reminder: a day's run enters thousands over many offices,
    and each statement's own cost was most of the run (bench/many_offices.py)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    entered: dict[NudgeKey, int] = {}
    for start in range(0, len(nudges), chunk):
        rows = [{"office_id": office_id, "rule": n.rule, "target": n.target, "deviation_id": n.deviation_id,
                 "action_id": n.action_id, "recipient": n.recipient, "period": n.period, "workdays": n.workdays,
                 "created_at": now} for n in nudges[start:start + chunk]]
        statement = (
            insert(NudgeEntry).values(rows)
            .on_conflict_do_nothing(index_elements=["rule", "target", "recipient", "period"])
            .returning(NudgeEntry.id, NudgeEntry.rule, NudgeEntry.target, NudgeEntry.recipient, NudgeEntry.period)
        )
        for nudge_id, *key in session.execute(statement):
            entered[tuple(key)] = nudge_id  # type: ignore[index]
    return entered


def attach_to_message(session: Session, nudge_ids: Sequence[int], ledger_id: int) -> None:
    session.execute(update(NudgeEntry).where(NudgeEntry.id.in_(nudge_ids)).values(ledger_id=ledger_id))


def nudges_of_message(session: Session, ledger_id: int) -> list[tuple[NudgeEntry, Deviation, Action | None]]:
    """The reminders one message carries, with their case and action as they are now."""
    query = (
        select(NudgeEntry, Deviation, Action)
        .join(Deviation, Deviation.id == NudgeEntry.deviation_id)
        .outerjoin(Action, Action.id == NudgeEntry.action_id)
        .where(NudgeEntry.ledger_id == ledger_id)
        .order_by(Deviation.created_at, Deviation.id, NudgeEntry.id)
    )
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


# --- the leaders' weekly summary ----------------------------------------------------------------

def registered_since(session: Session, office_id: str, since: datetime, until: datetime) -> Sequence[Deviation]:
    query = (
        select(Deviation)
        .where(Deviation.office_id == office_id, Deviation.created_at > since, Deviation.created_at <= until)
        .order_by(Deviation.created_at, Deviation.id)
    )
    return session.scalars(query).all()


def open_in_state(session: Session, office_id: str, state: str) -> Sequence[Deviation]:
    """Open cases in one state, the longest-waiting first."""
    query = (
        select(Deviation)
        .where(Deviation.office_id == office_id, IS_OPEN, Deviation.state == state)
        .order_by(Deviation.created_at, Deviation.id)
    )
    return session.scalars(query).all()


def overdue_actions(session: Session, office_id: str, states: Sequence[str],
                    today: date) -> list[tuple[Action, Deviation]]:
    query = (
        select(Action, Deviation)
        .join(Deviation, Deviation.id == Action.deviation_id)
        .where(Deviation.office_id == office_id, is_open(states), Action.state == OPEN_ACTION, Action.due_on < today)
        .order_by(Action.due_on, Action.id)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


# --- the feedback digest ----------------------------------------------------------------------

def digest_for(session: Session, office_id: str, period: str) -> Digest | None:
    return session.scalars(select(Digest).where(Digest.office_id == office_id, Digest.period == period)).one_or_none()


def last_digest(session: Session, office_id: str) -> Digest | None:
    query = select(Digest).where(Digest.office_id == office_id).order_by(Digest.until.desc(), Digest.id.desc())
    return session.scalars(query.limit(1)).one_or_none()


def untold_closures(session: Session, office_id: str, after: datetime, until: datetime) -> Sequence[Deviation]:
    """Closed cases whose closure (case, closed_at) no digest has told yet, oldest first."""
    told = exists().where(DigestDeviation.deviation_id == Deviation.id,
                          DigestDeviation.closed_at == Deviation.closed_at)
    query = (
        select(Deviation)
        .where(Deviation.office_id == office_id, Deviation.closed_at > after, Deviation.closed_at <= until,
               Deviation.state == CLOSED, ~told)
        .order_by(Deviation.closed_at, Deviation.id)
    )
    return session.scalars(query).all()


def count_registered(session: Session, office_id: str, since: datetime, until: datetime) -> int:
    query = select(func.count()).select_from(Deviation).where(
        and_(Deviation.office_id == office_id, Deviation.created_at > since, Deviation.created_at <= until))
    return session.scalar(query) or 0


def add_digest(session: Session, *, office_id: str, period: str, since: datetime, until: datetime,
               closures: Sequence[tuple[int, datetime]], reported: int, open_now: int, now: datetime) -> Digest:
    digest = Digest(office_id=office_id, period=period, since=since, until=until, reported=reported,
                    closed=len(closures), open=open_now, created_at=now)
    session.add(digest)
    session.flush()
    session.add_all(DigestDeviation(digest_id=digest.id, deviation_id=deviation_id, closed_at=closed_at)
                    for deviation_id, closed_at in closures)
    session.flush()
    return digest


def digest_by_id(session: Session, digest_id: int) -> Digest | None:
    return session.get(Digest, digest_id)


def deviations_of_digest(session: Session, digest_id: int) -> list[tuple[Deviation, datetime]]:
    """The closures a digest covers: each case with the moment of the closure it tells."""
    query = (
        select(Deviation, DigestDeviation.closed_at)
        .join(DigestDeviation, DigestDeviation.deviation_id == Deviation.id)
        .where(DigestDeviation.digest_id == digest_id)
        .order_by(DigestDeviation.closed_at, Deviation.id)
    )
    return [(deviation, closed_at) for deviation, closed_at in session.execute(query)]


def told_at_once(session: Session, closures: Iterable[tuple[int, datetime]]) -> set[tuple[int, datetime]]:
    """The closures (case id, closed at) whose feedback went to the office channel the moment they
    closed (a `hoy` case, DESIGN.md: «posted to the office channel at once instead of waiting for
    the digest»), known by the ledger entry the closing transaction wrote, stamped with its time."""
    wanted = set(closures)
    if not wanted:
        return set()
    query = select(LedgerEntry.target, LedgerEntry.created_at).where(
        LedgerEntry.what == MessageKind.OFFICE_FEEDBACK.value,
        LedgerEntry.target.in_({str(Target.deviation(i)) for i, _ in wanted}))
    told = {(id_of(parse_target(target), TargetKind.DEVIATION), at) for target, at in session.execute(query)}
    return told & wanted


def nudge_by_id(session: Session, nudge_id: int) -> NudgeEntry | None:
    """One reminder given (what «Utsett» on it is about)."""
    return session.get(NudgeEntry, nudge_id)
