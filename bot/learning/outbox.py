"""What the learning messages read when they are sent: an exercise with its case, counts or tally;
the month's discussion question by its place in the office's sequence."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.learning.rules import Case, find_case, question_number, tally
from bot.messenger import Entry
from store import learning as store
from store.ledger import MessageKind, TargetKind, id_of
from store.models import Exercise


@dataclass(frozen=True)
class ExerciseView:
    exercise: Exercise
    case: Case
    tally: dict[str, dict[str, int]]  # live counts while open; the kept tally once revealed


def exercise(session: Session, entry: Entry) -> ExerciseView:
    found = store.exercise(session, id_of(entry.target, TargetKind.EXERCISE))
    if found is None or found.office_id != entry.office.id:
        raise LookupError(f"ledger target {entry.target} is gone")
    case = find_case(entry.office.learning, entry.office.locale, found.case_id)
    if case is None:
        raise LookupError(f"exercise case {found.case_id} is no longer in the office config")
    counted = found.tally if found.state != "apen" else tally(store.votes(session, found.id))
    return ExerciseView(found, case, counted)


def question(session: Session, entry: Entry) -> int:
    """The month's question number, 1–10: the office's months posted before this one, in order."""
    return question_number(store.months_posted_before(session, entry.office.id, MessageKind.DISCUSSION_QUESTION.value,
                                                      entry.period))
