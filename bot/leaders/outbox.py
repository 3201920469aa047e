"""What the leaders' ledger messages read when they are sent: a step of a deviation for its card's
thread, and an action for its owner's DM.

Each loader runs in the messenger's read-only session at send time, so a retried message renders
the rows as they are now; it raises LookupError when what it names is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.deviations.outbox import deviation
from bot.messenger import Entry
from store import deviations as store
from store.ledger import TargetKind, id_of, parse_target
from store.models import Action, Deviation, Event


@dataclass(frozen=True)
class Step:
    """One event of a deviation, for a line in its card's thread."""

    deviation: Deviation
    event: Event


def step(session: Session, entry: Entry) -> Step:
    """The deviation an entry is about and the event its period names."""
    found = deviation(session, entry)
    event = store.event_by_id(session, id_of(parse_target(entry.period), TargetKind.EVENT))
    if event is None:
        raise LookupError(f"ledger period {entry.period} names no event")
    return Step(found, event)


def action(session: Session, entry: Entry) -> Action:
    """A deviation's action an entry is about (its deviation loaded with it)."""
    found = store.action_by_id(session, id_of(entry.target, TargetKind.ACTION))
    if found is None or found.deviation is None:
        raise LookupError(f"ledger target {entry.target} is gone")
    return found
