"""Reads for period reports: only the columns a report needs, never the reporter.

The report itself is computed in bot/reports/figures.py; these queries just fetch the rows that can
matter for a period, in one pass each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.orm import Session

from store.models import Action, Deviation, EffectCheck, Event

# Never Deviation.reporter_id, title, what_happened, cause, immediate_action or suggested_action: a
# report has no use for them, so they are not even read.
DEVIATION_COLUMNS = (
    Deviation.id, Deviation.reference, Deviation.kind, Deviation.category, Deviation.destination,
    Deviation.severity, Deviation.citizen_rights, Deviation.state, Deviation.created_at, Deviation.assessed_at,
    Deviation.closed_at, Deviation.lesson, Deviation.no_new_lesson, Deviation.risk_likelihood,
    Deviation.risk_consequence, Deviation.cause_types,
)


def deviations_during(session: Session, office_id: str, start: datetime, end: datetime,
                      columns: Sequence[object] = DEVIATION_COLUMNS) -> Sequence[Row]:
    """Every case that existed and was not yet closed at some moment in [start, end): registered
    before `end`, and open or closed on or after `start`; `columns` of it (COUNTING_COLUMNS: no text)."""
    query = (
        select(*columns)
        .where(Deviation.office_id == office_id, Deviation.created_at < end,
               or_(Deviation.closed_at.is_(None), Deviation.closed_at >= start))
        .order_by(Deviation.created_at, Deviation.id)
    )
    return session.execute(query).all()


def actions_during(session: Session, office_id: str, start: datetime, end: datetime) -> Sequence[Row]:
    """Every action that existed and was not yet finished at some moment in [start, end), with its
    case's reference, category and destination."""
    query = (
        select(Action.id, Action.deviation_id, Deviation.reference, Deviation.category, Deviation.destination,
               Action.term, Action.description, Action.owner_id, Action.due_on, Action.state, Action.created_at,
               Action.finished_at)
        .join(Deviation, Action.deviation_id == Deviation.id)
        .where(Deviation.office_id == office_id, Action.created_at < end,
               or_(Action.finished_at.is_(None), Action.finished_at >= start))
        .order_by(Action.due_on, Action.id)
    )
    return session.execute(query).all()


def redirected_between(session: Session, office_id: str, start: datetime, end: datetime) -> int:
    """How many reports were guided to user support (technical problems: no case, no name)."""
    query = select(func.count(Event.id)).where(Event.office_id == office_id, Event.kind == "omdirigert",
                                               Event.at >= start, Event.at < end)
    return session.execute(query).scalar_one()


def effect_checks_during(session: Session, office_id: str, first: date, last: date, start: datetime,
                         end: datetime) -> Sequence[Row]:
    """Every effect check answered in [start, end) or due on a day from `first` to `last`: when it was
    due and the answer, never the note or who answered. A case has one row, its latest round (a case
    asked again after a new closure counts by its latest answer; earlier answers are in the audit log)."""
    query = (
        select(EffectCheck.deviation_id, EffectCheck.due_on, EffectCheck.answer, EffectCheck.answered_at)
        .where(EffectCheck.office_id == office_id,
               or_(and_(EffectCheck.answered_at >= start, EffectCheck.answered_at < end),
                   and_(EffectCheck.due_on >= first, EffectCheck.due_on <= last)))
        .order_by(EffectCheck.due_on, EffectCheck.id)
    )
    return session.execute(query).all()


# The county report (issue 24) counts only: it reads neither the lesson nor any action text.
COUNTING_COLUMNS = tuple(column for column in DEVIATION_COLUMNS if column.key != "lesson")


def action_dates_during(session: Session, office_id: str, start: datetime, end: datetime) -> Sequence[Row]:
    """actions_during's actions without their description and owner: enough to count the overdue ones."""
    query = (
        select(Action.id, Action.deviation_id, Deviation.reference, Deviation.category, Deviation.destination,
               Action.term, Action.due_on, Action.state, Action.created_at, Action.finished_at)
        .join(Deviation, Action.deviation_id == Deviation.id)
        .where(Deviation.office_id == office_id, Action.created_at < end,
               or_(Action.finished_at.is_(None), Action.finished_at >= start))
        .order_by(Action.due_on, Action.id)
    )
    return session.execute(query).all()
