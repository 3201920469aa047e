"""Queries for learning: exercises and their keyed-hash votes, and shared «gode grep»."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.models import Exercise, ExerciseVote, GoodPractice, LedgerEntry


def exercise(session: Session, exercise_id: int, *, lock: bool = False) -> Exercise | None:
    query = select(Exercise).where(Exercise.id == exercise_id)
    return session.scalar(query.with_for_update() if lock else query)


def vote_of(session: Session, exercise_id: int, voter: str, question: str) -> ExerciseVote | None:
    return session.scalar(select(ExerciseVote).where(ExerciseVote.exercise_id == exercise_id,
                                                     ExerciseVote.voter == voter, ExerciseVote.question == question))


def votes(session: Session, exercise_id: int) -> list[tuple[str, str]]:
    """Every (question, answer) of an exercise: what is counted, never who."""
    query = select(ExerciseVote.question, ExerciseVote.answer).where(ExerciseVote.exercise_id == exercise_id)
    return [(q, a) for q, a in session.execute(query)]


def erase_votes(session: Session, exercise_id: int) -> None:
    session.execute(delete(ExerciseVote).where(ExerciseVote.exercise_id == exercise_id))


def months_posted_before(session: Session, office_id: str, what: str, period: str) -> int:
    """How many months' messages of a kind the office was sent before `period` (a «2026-12» key)."""
    query = select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.office_id == office_id, LedgerEntry.what == what, LedgerEntry.period < period)
    return session.scalar(query) or 0


def good_practices(session: Session, round_id: int, batch: str) -> list[GoodPractice]:
    return list(session.scalars(select(GoodPractice).where(GoodPractice.round_id == round_id,
                                                           GoodPractice.batch == batch).order_by(GoodPractice.id)))
