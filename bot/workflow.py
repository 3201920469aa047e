"""Moving a case through its states: one function every route (button, modal, scheduler) uses.

Each change locks the case row, asks the state machine (bot/cases.py) whether the command is
allowed, applies the change, writes one audit event, and enters the card update in the
ledger, all in one transaction. So a replayed or concurrent request either finds the case
already moved (InvalidTransition) or waits its turn; it never half-applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.cases import Command, State, next_state
from bot.clock import Clock
from bot.errors import CaseNotFound, StorageUnavailable
from bot.office import Office
from store import cases as store
from store import ledger
from store.db import Database, Unavailable
from store.models import Deviation, Event

# Called inside the transaction with the locked case, before the state changes; may raise a
# DomainError to refuse (nothing is kept), and may set fields on the case.
Change = Callable[[Deviation], None]


@dataclass(frozen=True)
class Moved:
    deviation_id: int
    reference: str
    from_state: State
    to_state: State
    event_id: int
    ledger_ids: list[int] = field(default_factory=list)


def card_update(session, office: Office, deviation: Deviation, event: Event) -> list[int]:
    """Enter an in-place update of the case card (chat.update) for this event."""
    key = ledger.LedgerKey("leader_card", f"deviation:{deviation.id}", office.leader_channel, f"event:{event.id}")
    entry_id = ledger.enter(session, office.id, key, event.at)
    return [entry_id] if entry_id is not None else []


def transition(db: Database, clock: Clock, office: Office, deviation_id: int, command: Command, *,
               actor_id: str | None, change: Change | None = None, detail: dict | None = None,
               messages: Sequence[ledger.LedgerKey] = ()) -> Moved:
    """Apply `command` to a case; raises CaseNotFound, InvalidTransition or the change's own error."""
    now = clock.now()
    try:
        with db.transaction() as session:
            deviation = store.by_id(session, deviation_id, lock=True)
            if deviation is None or deviation.office_id != office.id:
                raise CaseNotFound()
            before = State(deviation.state)
            after = next_state(before, command)
            if change is not None:
                change(deviation)
            deviation.state = after.value
            deviation.updated_at = now
            event = store.record_event(session, office_id=office.id, kind=command.value, at=now, actor_id=actor_id,
                                       deviation=deviation, from_state=before.value, to_state=after.value,
                                       detail=detail)
            session.flush()
            ids = card_update(session, office, deviation, event)
            ids += [i for key in messages if (i := ledger.enter(session, office.id, key, now)) is not None]
            return Moved(deviation.id, deviation.reference, before, after, event.id, ids)
    except Unavailable as exc:
        raise StorageUnavailable() from exc
