"""Queries for «Har tiltaket virket?» (issue 22): the cases due a check, the checks themselves.

The scan for new checks reads a window of closure times through `ix_deviations_closed_at`
(office_id, closed_at), so it grows with the cases closed lately, never with every case the
office ever closed; the unanswered checks are read through `ix_effect_checks_open`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import Action, Deviation, EffectCheck

CLOSED = "lukket"
DONE = "utfort"


def closed_with_actions(session: Session, office_id: str, closed_from: datetime,
                        closed_before: datetime) -> Sequence[tuple[int, datetime, str | None]]:
    """Cases closed in [closed_from, closed_before) with at least one action of their last assessment
    done, and no check yet: (id, closed_at, responsible leader). A case closed without actions (or whose
    every action was dropped) has nothing whose effect could be asked about."""
    done = exists().where(Action.deviation_id == Deviation.id, Action.state == DONE,
                          or_(Deviation.assessed_at.is_(None), Action.created_at >= Deviation.assessed_at))
    query = (
        select(Deviation.id, Deviation.closed_at, Deviation.responsible_leader)
        .outerjoin(EffectCheck, EffectCheck.deviation_id == Deviation.id)
        .where(Deviation.office_id == office_id, Deviation.closed_at >= closed_from,
               Deviation.closed_at < closed_before, Deviation.state == CLOSED, EffectCheck.id.is_(None), done)
        .order_by(Deviation.closed_at, Deviation.id)
    )
    return [(row.id, row.closed_at, row.responsible_leader) for row in session.execute(query)]


def add_check(session: Session, *, office_id: str, deviation_id: int, due_on: date, leader_id: str | None,
              now: datetime) -> int | None:
    """One check per case: its id, or None when another process asked first (the unique deviation_id)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(EffectCheck)
        .values(office_id=office_id, deviation_id=deviation_id, due_on=due_on, leader_id=leader_id, reopened=False,
                created_at=now)
        .on_conflict_do_nothing(index_elements=["deviation_id"])
        .returning(EffectCheck.id)
    )
    return session.execute(statement).scalar_one_or_none()


def unanswered(session: Session, office_id: str) -> Sequence[tuple[EffectCheck, Deviation]]:
    """The office's unanswered checks whose case is still closed, oldest first, with their cases."""
    query = (
        select(EffectCheck, Deviation)
        .join(Deviation, Deviation.id == EffectCheck.deviation_id)
        .where(EffectCheck.office_id == office_id, EffectCheck.answered_at.is_(None), Deviation.state == CLOSED)
        .order_by(EffectCheck.due_on, EffectCheck.id)
    )
    return [(check, deviation) for check, deviation in session.execute(query)]


def check_of(session: Session, deviation_id: int, *, lock: bool = False) -> EffectCheck | None:
    query = select(EffectCheck).where(EffectCheck.deviation_id == deviation_id)
    return session.scalar(query.with_for_update() if lock else query)


def done_actions(session: Session, deviation_id: int) -> Sequence[Action]:
    """The case's actions that were carried out, in order: what the question is about."""
    query = select(Action).where(and_(Action.deviation_id == deviation_id, Action.state == DONE)).order_by(Action.id)
    return session.scalars(query).all()
