"""Queries for the leaders' side: actions, the open-case overview and single audit events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from store.models import Action, Deviation, Event


def action_by_id(session: Session, action_id: int) -> Action | None:
    return session.get(Action, action_id)


def deviation_of_action(session: Session, action_id: int) -> int | None:
    """The case an action belongs to, without loading the action (so the caller can lock the case first)."""
    return session.scalars(select(Action.deviation_id).where(Action.id == action_id)).one_or_none()


def event_by_id(session: Session, event_id: int) -> Event | None:
    return session.get(Event, event_id)


def open_deviations(session: Session, office_id: str, limit: int = 200) -> Sequence[Deviation]:
    """Every case not closed, oldest first (same predicate as the partial index `ix_deviations_open`)."""
    query = (
        select(Deviation)
        .where(Deviation.office_id == office_id, Deviation.state != "lukket")
        .order_by(Deviation.created_at, Deviation.id)
        .options(selectinload(Deviation.actions))
        .limit(limit)
    )
    return session.scalars(query).all()


def count_open(session: Session, office_id: str) -> int:
    query = select(func.count()).select_from(Deviation).where(Deviation.office_id == office_id,
                                                              Deviation.state != "lukket")
    return session.scalar(query) or 0
