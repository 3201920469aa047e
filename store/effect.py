"""Queries for «Har tiltaket virket?» (issue 22): the cases due a check, the checks themselves.

The scan for new checks reads a window of closure times through `ix_deviations_closed_at`
(office_id, closed_at), so it grows with the cases closed lately, never with every case the
office ever closed; the unanswered checks are read through `ix_effect_checks_open`.

A case has one check row, its latest round: a check asked before the case's latest closure (its
`created_at` is earlier than `closed_at`) belongs to a closure since reopened, and a closure with new
actions done asks again, in the same row (seed 000: «at forbedringer vedvarer»).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import Action, Deviation, EffectCheck

CLOSED = "lukket"
DONE = "utfort"

# The check is about the case's latest closure: asked after it (a round asked before belongs to a
# closure the case was reopened from).
CURRENT = EffectCheck.created_at >= Deviation.closed_at


def _of_last_assessment() -> ColumnElement[bool]:
    """An action of the case's latest assessment (a reopened case's earlier actions were another round's)."""
    return or_(Deviation.assessed_at.is_(None), Action.created_at >= Deviation.assessed_at)


def closed_with_actions(session: Session, office_id: str, closed_from: datetime,
                        closed_before: datetime) -> Sequence[tuple[int, datetime, str | None]]:
    """Cases closed in [closed_from, closed_before) with at least one action of their last assessment
    done, and no check of this closure yet (none, or one asked before the case was reopened and closed
    again): (id, closed_at, responsible leader). A case closed without actions (or whose every action was
    dropped) has nothing whose effect could be asked about."""
    done = exists().where(Action.deviation_id == Deviation.id, Action.state == DONE, _of_last_assessment())
    query = (
        select(Deviation.id, Deviation.closed_at, Deviation.responsible_leader)
        .outerjoin(EffectCheck, EffectCheck.deviation_id == Deviation.id)
        .where(Deviation.office_id == office_id, Deviation.closed_at >= closed_from,
               Deviation.closed_at < closed_before, Deviation.state == CLOSED,
               or_(EffectCheck.id.is_(None), ~CURRENT), done)
        .order_by(Deviation.closed_at, Deviation.id)
    )
    return [(row.id, row.closed_at, row.responsible_leader) for row in session.execute(query)]


def start_round(session: Session, *, office_id: str, deviation_id: int, closed_at: datetime, due_on: date,
                leader_id: str | None, now: datetime) -> int | None:
    """The check of the case's closure at `closed_at`, asked today: a new row, or the case's row of an
    earlier closure started afresh (its answer is kept in that answer's audit event). Its id, or None when
    this closure's check exists already (another process asked a moment ago: the unique deviation_id)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    fresh = {"due_on": due_on, "leader_id": leader_id, "answer": None, "note": None, "answered_by": None,
             "answered_at": None, "reopened": False, "created_at": now}
    statement = (
        insert(EffectCheck)
        .values(office_id=office_id, deviation_id=deviation_id, **fresh)
        .on_conflict_do_update(index_elements=["deviation_id"], set_=fresh,
                               where=EffectCheck.created_at < closed_at)
        .returning(EffectCheck.id)
    )
    return session.execute(statement).scalar_one_or_none()


def unanswered(session: Session, office_id: str) -> Sequence[tuple[EffectCheck, Deviation]]:
    """The office's unanswered checks of their case's latest closure (a case reopened is followed up
    anew, and asked again when it closes with actions), oldest first, with their cases."""
    query = (
        select(EffectCheck, Deviation)
        .join(Deviation, Deviation.id == EffectCheck.deviation_id)
        .where(EffectCheck.office_id == office_id, EffectCheck.answered_at.is_(None), Deviation.state == CLOSED,
               CURRENT)
        .order_by(EffectCheck.due_on, EffectCheck.id)
    )
    return [(check, deviation) for check, deviation in session.execute(query)]


def check_of(session: Session, deviation_id: int, *, lock: bool = False) -> EffectCheck | None:
    query = select(EffectCheck).where(EffectCheck.deviation_id == deviation_id)
    return session.scalar(query.with_for_update() if lock else query)


def done_actions(session: Session, deviation_id: int) -> Sequence[Action]:
    """The actions of the case's latest assessment that were carried out, in order: what the question is
    about (a case reopened and closed again is asked about its new actions)."""
    query = (
        select(Action)
        .join(Deviation, Deviation.id == Action.deviation_id)
        .where(and_(Action.deviation_id == deviation_id, Action.state == DONE), _of_last_assessment())
        .order_by(Action.id)
    )
    return session.scalars(query).all()
