"""Which office a row belongs to, and the office a person last chose (issue 24: many offices in one
Slack workspace). A request about a case is for the case's office, whatever the payload says."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.models import Action, Deviation, Exercise, NudgeEntry, OfficeChoice, QualityRound


class Subject(StrEnum):
    """What a button's value or a modal's metadata names: a row whose office the request is for."""

    CASE = "case"
    ACTION = "action"  # a deviation's action, or a quality round's measure
    NUDGE = "nudge"
    ROUND = "round"
    EXERCISE = "exercise"


def office_of(session: Session, subject: Subject, row_id: int) -> str | None:
    """The office id of the row, or None when there is no such row."""
    if subject is Subject.CASE:
        return session.scalar(select(Deviation.office_id).where(Deviation.id == row_id))
    if subject is Subject.ACTION:
        action = session.get(Action, row_id)
        if action is None:
            return None
        if action.deviation_id is not None:
            return office_of(session, Subject.CASE, action.deviation_id)
        return office_of(session, Subject.ROUND, action.round_id) if action.round_id is not None else None
    if subject is Subject.NUDGE:
        return session.scalar(select(NudgeEntry.office_id).where(NudgeEntry.id == row_id))
    if subject is Subject.ROUND:
        return session.scalar(select(QualityRound.office_id).where(QualityRound.id == row_id))
    return session.scalar(select(Exercise.office_id).where(Exercise.id == row_id))


def remembered(session: Session, team_id: str, user_id: str) -> str | None:
    """The office the person chose in the «Kontor» select last time, if any."""
    row = session.get(OfficeChoice, (team_id, user_id))
    return row.office_id if row else None


def remember(session: Session, team_id: str, user_id: str, office_id: str, now: datetime) -> None:
    """Keep the person's choice for next time (only ever for a report that is not anonymous)."""
    row = session.get(OfficeChoice, (team_id, user_id))
    if row is None:
        session.add(OfficeChoice(team_id=team_id, user_id=user_id, office_id=office_id, updated_at=now))
    else:
        row.office_id, row.updated_at = office_id, now


def forget_choices_before(session: Session, office_id: str, cutoff: datetime) -> int:
    """Forget who chose this office when they have not chosen since `cutoff` (the office's retention)."""
    result = session.execute(delete(OfficeChoice).where(OfficeChoice.office_id == office_id,
                                                        OfficeChoice.updated_at < cutoff))
    return result.rowcount or 0
