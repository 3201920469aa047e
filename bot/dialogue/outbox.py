"""What the dialogue's ledger messages read when they are sent: the case, the event, and the
message (a question or an answer) that event records. LookupError when any is gone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.deviations.outbox import deviation
from bot.messenger import Entry
from store import deviations as deviation_store
from store import dialogue as store
from store.ledger import TargetKind, id_of, parse_target
from store.models import Deviation, DialogueMessage, Event


@dataclass(frozen=True)
class Said:
    deviation: Deviation
    event: Event
    message: DialogueMessage


def said(session: Session, entry: Entry) -> Said:
    found = deviation(session, entry)
    event = deviation_store.event_by_id(session, id_of(parse_target(entry.period), TargetKind.EVENT))
    message_id = event.detail.get("message") if event is not None else None
    message = store.message_by_id(session, message_id) if isinstance(message_id, int) else None
    if event is None or message is None or message.deviation_id != found.id:
        raise LookupError(f"ledger period {entry.period} names no dialogue message")
    return Said(found, event, message)
