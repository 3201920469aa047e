"""Answering «Har tiltaket virket?» (issue 22): one unit of work per answer.

Only a leader of the office answers, once per check, and only the round the question was sent for: a
button or modal of an earlier round (the case reopened and closed again since, and asked anew) is
refused, so it never answers the newer round. The answer, the audit event (with the card's
update and a line in its thread) and, for «Delvis» or «Nei» with «Gjenåpne avviket» ticked, the case
reopened with the note as its reason (lukket → registrert, the same transition the card's «Gjenåpne»
makes), all in one transaction: a refused or failed answer changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.deviations.rules import Command, State, check_reopen
from bot.deviations.workflow import apply, locked_deviation, record_step
from bot.effect.outbox import Question
from bot.effect.rules import AlreadyAnswered, Answer, CheckNotFound, QuestionReplaced, check_answer, round_of
from bot.errors import DeviationNotFound, StorageUnavailable
from bot.leaders.directory import LeaderDirectory
from bot.leaders.service import authorize, load_deviation
from bot.office import Office
from store import deviations as deviations_store
from store import effect as store
from store.db import Database, Unavailable
from store.ledger import LedgerKey, MessageKind, Target
from store.models import Deviation, EffectCheck, Event

ANSWERED = "effekt_vurdert"  # audit event kind of an answer


@dataclass(frozen=True)
class Answered:
    answer: Answer
    reopened: bool
    ledger_ids: list[int]


def _reporter_told(deviation: Deviation, event: Event, actor_id: str) -> list[LedgerKey]:
    """The reporter hears their case was reopened, as from the card's «Gjenåpne»: never an anonymous
    reporter (nobody is stored to tell), nor one who did it themselves."""
    if deviation.anonymous or not deviation.reporter_id or deviation.reporter_id == actor_id:
        return []
    return [LedgerKey(MessageKind.REPORTER_REOPENED, Target.deviation(deviation.id), deviation.reporter_id,
                      Target.event(event.id))]


def _same_round(check: EffectCheck, asked: int | None) -> None:
    """The button or modal is this round's (`asked`: the round it was sent for); an earlier round's, or
    one that names none, is refused."""
    if asked is None or asked != round_of(check.created_at):
        raise QuestionReplaced()


def question_for(db: Database, clock: Clock, leaders: LeaderDirectory, office: Office, deviation_id: int | None,
                 user_id: str, asked: int | None) -> Question:
    """What the answer's modal shows: an unanswered check of this office, of the round the button was
    sent for (`asked`), for one of its leaders (anyone else is refused, and the attempt audited)."""
    authorize(db, clock, leaders, office, user_id, ANSWERED, deviation_id)
    try:
        with db.transaction() as session:  # committed, not rolled back: what it read stays loaded
            deviation = deviations_store.by_id(session, deviation_id) if deviation_id else None
            check = store.check_of(session, deviation_id) if deviation is not None else None
            if deviation is None or check is None or deviation.office_id != office.id:
                raise CheckNotFound()
            _same_round(check, asked)
            if check.answered_at is not None:
                raise AlreadyAnswered()
            return Question(check, deviation, store.done_actions(session, deviation.id))
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def answer_check(db: Database, clock: Clock, leaders: LeaderDirectory, office: Office, deviation_id: int | None,
                 answer: Answer, note: str | None, reopen: bool, *, actor_id: str, asked: int | None) -> Answered:
    """Store the answer (once, on the round the modal was opened for: `asked`), audit it, and reopen the
    case when asked to, in one transaction."""
    authorize(db, clock, leaders, office, actor_id, ANSWERED, deviation_id)
    if deviation_id is None:
        raise CheckNotFound()
    now = clock.now()
    note = (note or "").strip() or None
    try:
        with db.transaction() as session:
            try:
                deviation = locked_deviation(session, office, deviation_id)  # the case first, as every change does
            except DeviationNotFound:
                raise CheckNotFound() from None
            check = store.check_of(session, deviation.id, lock=True)
            if check is None or check.office_id != office.id:
                raise CheckNotFound()
            _same_round(check, asked)  # under the row's lock: a round started meanwhile is seen
            check_answer(check.answered_at is not None, answer, reopen, note,
                         closed=deviation.state == State.CLOSED.value)
            # A case whose words retention has erased already gets none back: nothing would erase them again.
            kept = note if deviation.text_erased_at is None else None
            check.answer, check.note, check.answered_by, check.answered_at = answer.value, kept, actor_id, now
            ids = record_step(session, office, deviation, ANSWERED, now, actor_id=actor_id,
                              detail={"answer": answer.value, "reopen": reopen})
            if reopen:
                reason = note or ""
                moved = apply(session, office, deviation, Command.REOPEN, now, actor_id=actor_id,
                              change=lambda d: check_reopen(State(d.state), reason),
                              detail={"reason": reason, "effect_check": check.id},
                              messages=lambda d, e: _reporter_told(d, e, actor_id))
                check.reopened = True
                ids += moved.ledger_ids
            return Answered(answer, reopen, ids)
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def load_case(db: Database, office: Office, deviation_id: int) -> Deviation:
    """The case as it is now, to show the answer in the DM."""
    return load_deviation(db, office, deviation_id)
