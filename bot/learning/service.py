"""The training case as a poll (`/avvik øvelse`): post, vote, reveal; each one unit of work.

Votes are stored only under `voter_hash` with the exercise's random key; the reveal keeps the tally,
and erases the key and every vote in the same transaction, so no table names who voted what.
The poll and the reveal are ledger messages, so a failed Slack call is retried, never lost.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bot.clock import Clock
from bot.errors import DomainError, StorageUnavailable
from bot.learning.rules import Outcome, Question, decide, tally, voter_hash
from bot.office import Office
from store import learning as store
from store import ledger
from store.db import Database, Unavailable
from store.ledger import LedgerKey, MessageKind, Target
from store.models import Exercise, ExerciseVote


class ExerciseNotFound(DomainError):
    key = "learning.exercise.not_found"


def start_exercise(db: Database, clock: Clock, office: Office, case_id: str, channel: str) -> tuple[int, list[int]]:
    """A new exercise in `channel`, its poll entered in the ledger. Who asked for it is not stored."""
    now = clock.now()
    try:
        with db.transaction() as session:
            exercise = Exercise(office_id=office.id, case_id=case_id, channel=channel, vote_key=secrets.token_hex(32),
                                state="apen", tally={}, created_at=now)
            session.add(exercise)
            session.flush()
            key = LedgerKey(MessageKind.EXERCISE_POLL, Target.exercise(exercise.id), channel)
            ids = [i for i in [ledger.enter(session, office.id, key, now)] if i is not None]
            return exercise.id, ids
    except Unavailable as exc:
        raise StorageUnavailable() from exc


@dataclass(frozen=True)
class Voted:
    outcome: Outcome
    exercise: Exercise
    counts: dict[str, int]  # question → how many people have answered it


def _counts(session, exercise_id: int) -> dict[str, int]:
    counted = tally(store.votes(session, exercise_id))
    return {q: sum(answers.values()) for q, answers in counted.items()}


def vote(db: Database, office: Office, exercise_id: int | None, user_id: str, question: Question,
         answer: str) -> Voted:
    """One person's answer: a first vote, a changed one (replacing the earlier), or the same again (refused)."""
    try:
        with db.transaction() as session:
            exercise = store.exercise(session, exercise_id, lock=True) if exercise_id is not None else None
            if exercise is None or exercise.office_id != office.id:
                raise ExerciseNotFound()
            if exercise.state != "apen" or exercise.vote_key is None:
                return Voted(Outcome.CLOSED, exercise, {})
            voter = voter_hash(bytes.fromhex(exercise.vote_key), user_id)
            earlier = store.vote_of(session, exercise.id, voter, question.value)
            outcome = decide(earlier.answer if earlier else None, answer)
            if outcome is Outcome.VOTED:
                session.add(ExerciseVote(exercise_id=exercise.id, voter=voter, question=question.value, answer=answer))
            elif outcome is Outcome.CHANGED and earlier is not None:
                earlier.answer = answer
            session.flush()
            return Voted(outcome, exercise, _counts(session, exercise.id))
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def reveal(db: Database, clock: Clock, office: Office, exercise_id: int | None) -> tuple[Exercise, list[int]]:
    """Keep the tally, erase the key and the votes, and enter the reveal in the ledger (once: a second
    «Vis svar» finds it revealed and enters nothing)."""
    now = clock.now()
    try:
        with db.transaction() as session:
            exercise = store.exercise(session, exercise_id, lock=True) if exercise_id is not None else None
            if exercise is None or exercise.office_id != office.id:
                raise ExerciseNotFound()
            if exercise.state != "apen":
                return exercise, []
            exercise.tally = tally(store.votes(session, exercise.id))
            store.erase_votes(session, exercise.id)
            exercise.vote_key, exercise.state, exercise.revealed_at = None, "vist", now
            key = LedgerKey(MessageKind.EXERCISE_REVEAL, Target.exercise(exercise.id), exercise.channel)
            ids = [i for i in [ledger.enter(session, office.id, key, now)] if i is not None]
            return exercise, ids
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def is_open(db: Database, exercise_id: int) -> bool:
    """Whether the exercise still takes votes (not revealed)."""
    try:
        with db.reading() as session:
            found = store.exercise(session, exercise_id)
            return found is not None and found.state == "apen"
    except Unavailable:
        return False


def record_poll(exercise_id: int, ts: str):  # type: ignore[no-untyped-def]
    """A write for the messenger: where the poll was posted, so votes and the reveal update it."""
    def write(session) -> None:  # type: ignore[no-untyped-def]
        exercise = store.exercise(session, exercise_id)
        if exercise is not None:
            exercise.message_ts = ts

    return write
