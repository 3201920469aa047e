"""What the ledger's messages about a deviation read when they are sent, and what they write back.

A loader runs in the messenger's read-only session at send time, so a retried message renders
the deviation as it is now; it raises LookupError when its target is gone.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.messenger import Entry, Write
from store import deviations as store
from store.ledger import TargetKind, id_of
from store.models import Deviation


def deviation(session: Session, entry: Entry) -> Deviation:
    """The deviation an entry is about (receipt, card, alert, thread, ready to close, feedback); a new
    case's card, receipt and alert share one read of it (bot.messenger.SHARE_A_READ)."""
    found = store.by_id(session, id_of(entry.target, TargetKind.DEVIATION))
    if found is None:
        raise LookupError(f"ledger target {entry.target} is gone")
    return found


def card_posted(deviation_id: int, channel: str, ts: str) -> Write:
    """Remember where the card was posted, with the entry's «sent» mark, so later changes update it in place."""
    return lambda session: store.set_card(session, deviation_id, channel, ts)
