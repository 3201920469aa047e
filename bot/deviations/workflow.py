"""Moving a case through its states: one function every route (button, modal, scheduler) uses.

Each change locks the case row, asks the state machine (bot/deviations/rules.py) whether the command is
allowed, applies the change, writes one audit event, and enters the card update (and a line
in the card's thread) in the ledger, all in one transaction. So a replayed or concurrent
request either finds the case already moved (InvalidTransition) or waits its turn; it never
half-applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock
from bot.deviations.rules import Command, State, next_state
from bot.errors import DeviationNotFound, StorageUnavailable
from bot.office import Office
from store import deviations as store
from store import ledger
from store.db import Database, Unavailable
from store.ledger import LedgerKey, MessageKind, Target
from store.models import Action, Deviation, Event

# Called inside the transaction with the locked case, before the state changes; may raise a
# DomainError to refuse (nothing is kept), and may set fields on the case.
Change = Callable[[Deviation], None]
# The messages a change sends, known once its event (and any new rows) have ids.
Messages = Sequence[LedgerKey] | Callable[[Deviation, Event], Sequence[LedgerKey]]


@dataclass(frozen=True)
class Moved:
    deviation_id: int
    reference: str
    from_state: State
    to_state: State
    event_id: int
    ledger_ids: list[int] = field(default_factory=list)


def card_update(session, office: Office, deviation: Deviation, event: Event) -> list[int]:
    """Enter an in-place update of the case card (chat.update) and a line in its thread for this event."""
    about, period = Target.deviation(deviation.id), Target.event(event.id)
    keys = [LedgerKey(MessageKind.LEADER_CARD, about, office.leader_channel, period),
            LedgerKey(MessageKind.CARD_THREAD, about, office.leader_channel, period)]
    return enter(session, office, keys, event.at)


def enter(session, office: Office, keys: Sequence[LedgerKey], now: datetime) -> list[int]:
    return [i for key in keys if (i := ledger.enter(session, office.id, key, now)) is not None]


def locked_deviation(session, office: Office, deviation_id: int) -> Deviation:
    deviation = store.by_id(session, deviation_id, lock=True)
    if deviation is None or deviation.office_id != office.id:
        raise DeviationNotFound()
    return deviation


def apply(session, office: Office, deviation: Deviation, command: Command, now: datetime, *,
          actor_id: str | None, change: Change | None = None, detail: dict | None = None,
          messages: Messages = ()) -> Moved:
    """The transition itself, inside the caller's transaction, on a case the caller has locked."""
    before = State(deviation.state)
    after = next_state(before, command)
    if change is not None:
        change(deviation)
    deviation.state = after.value
    deviation.updated_at = now
    _stamp(deviation, command, after, now)
    event = store.record_event(session, office_id=office.id, kind=command.value, at=now, actor_id=actor_id,
                               deviation=deviation, from_state=before.value, to_state=after.value,
                               detail=detail)
    session.flush()
    ids = card_update(session, office, deviation, event)
    ids += enter(session, office, messages(deviation, event) if callable(messages) else messages, now)
    return Moved(deviation.id, deviation.reference, before, after, event.id, ids)


def record_step(session, office: Office, deviation: Deviation, kind: str, now: datetime, *,
                actor_id: str | None, action: Action | None = None, detail: dict | None = None) -> list[int]:
    """A step that does not move the case (an action done or dropped): audit event, card and thread."""
    deviation.updated_at = now
    event = store.record_event(session, office_id=office.id, kind=kind, at=now, actor_id=actor_id,
                               deviation=deviation, action=action, detail=detail)
    session.flush()
    return card_update(session, office, deviation, event)


def _stamp(deviation: Deviation, command: Command, after: State, now: datetime) -> None:
    """The timestamps the reminders and reports read follow the state; a case that moves on starts its
    reminders afresh (a «Utsett» was about the state it left)."""
    deviation.snoozed_until = None
    if command in (Command.ASSESS_WITH_ACTIONS, Command.ASSESS_WITHOUT_ACTIONS):
        deviation.assessed_at = now
    if after is State.READY_TO_CLOSE:
        deviation.ready_at = now
    if after is State.CLOSED:
        deviation.closed_at = now
    if command in (Command.REOPEN, Command.BACK_TO_ASSESSMENT):
        # Back to the start: assessed again, ready again, closed again.
        deviation.assessed_at = deviation.ready_at = deviation.closed_at = None


def transition(db: Database, clock: Clock, office: Office, deviation_id: int, command: Command, *,
               actor_id: str | None, change: Change | None = None, detail: dict | None = None,
               messages: Messages = ()) -> Moved:
    """Apply `command` to a case; raises DeviationNotFound, InvalidTransition or the change's own error."""
    now = clock.now()
    try:
        with db.transaction() as session:
            deviation = locked_deviation(session, office, deviation_id)
            return apply(session, office, deviation, command, now, actor_id=actor_id, change=change,
                         detail=detail, messages=messages)
    except Unavailable as exc:
        raise StorageUnavailable() from exc
