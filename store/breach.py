"""Queries for the breach track (issue 21): the open breaches the hourly job reads, a decision
recorded, and the figures a period report counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Breach, Deviation


def add(session: Session, *, deviation: Deviation, answer: str, kind: str, discovered_at: datetime,
        deadline_at: datetime, now: datetime) -> Breach:
    breach = Breach(deviation_id=deviation.id, office_id=deviation.office_id, answer=answer, kind=kind,
                    discovered_at=discovered_at, deadline_at=deadline_at, created_at=now)
    session.add(breach)
    session.flush()
    return breach


def of_deviation(session: Session, deviation_id: int) -> Breach | None:
    return session.scalar(select(Breach).where(Breach.deviation_id == deviation_id))


def in_progress(session: Session, office_id: str, deadline_after: datetime) -> Sequence[tuple[Breach, Deviation]]:
    """Breaches still waiting for a decision or for the ASYS reference whose deadline is after
    `deadline_after`, with their deviations: a track long past its deadline has nothing left to send."""
    query = (select(Breach, Deviation).join(Deviation, Deviation.id == Breach.deviation_id)
             .where(Breach.office_id == office_id, Breach.deadline_at > deadline_after,
                    Breach.decided_at.is_(None) | Deviation.external_reference.is_(None))
             .order_by(Breach.id))
    return [(breach, deviation) for breach, deviation in session.execute(query)]


def undecided_deadlines(session: Session) -> Sequence[tuple[str, datetime]]:
    """Per office, the 72-hour deadline of its earliest breach still waiting for a decision."""
    query = (select(Breach.office_id, func.min(Breach.deadline_at)).where(Breach.decided_at.is_(None))
             .group_by(Breach.office_id))
    return [(office_id, deadline) for office_id, deadline in session.execute(query)]


def note_reference(session: Session, breach_id: int, at: datetime) -> None:
    breach = session.get(Breach, breach_id)
    if breach is not None and breach.reference_at is None:
        breach.reference_at = at


def decide(session: Session, breach: Breach, *, decision: str, decision_date: date | None, reason: str | None,
           actor_id: str, now: datetime) -> None:
    breach.decision, breach.decision_date, breach.decision_reason = decision, decision_date, reason
    breach.decided_by, breach.decided_at = actor_id, now


def discovered_between(session: Session, office_id: str, start: datetime, end: datetime) -> Sequence[Breach]:
    """Breaches discovered in [start, end): what a period report counts (no people, no text)."""
    query = select(Breach).where(Breach.office_id == office_id, Breach.discovered_at >= start,
                                 Breach.discovered_at < end).order_by(Breach.discovered_at)
    return list(session.scalars(query))


def missed(session: Session, office_id: str, since: datetime, now: datetime) -> Sequence[tuple[Breach, Deviation]]:
    """Breaches whose deadline passed with no decision: still undecided, or decided late since `since`
    (the leaders' weekly summary names them)."""
    late = Breach.decided_at > Breach.deadline_at
    query = (select(Breach, Deviation).join(Deviation, Deviation.id == Breach.deviation_id)
             .where(Breach.office_id == office_id, Breach.deadline_at <= now,
                    Breach.decided_at.is_(None) | (late & (Breach.deadline_at >= since)))
             .order_by(Breach.deadline_at))
    return [(breach, deviation) for breach, deviation in session.execute(query)]


def first_event_at(session: Session, deviation_id: int, kind: str) -> datetime | None:
    """When the deviation's first audit event of `kind` happened (the ASYS reference coming in)."""
    from store.models import Event

    return session.scalar(select(Event.at).where(Event.deviation_id == deviation_id, Event.kind == kind)
                          .order_by(Event.at).limit(1))
