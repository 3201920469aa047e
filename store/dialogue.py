"""The anonymous reporter's dialogue (issue 20): case codes, stored as hashes only, and the
questions and answers of a case. No row here holds who the reporter is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from store.deviations import is_open
from store.models import Deviation, DialogueCode, DialogueMessage

LEADER, REPORTER = "leder", "melder"


def set_code(session: Session, deviation_id: int, lookup: str, secret_hash: str, now: datetime) -> None:
    """The case's code: a new one replaces the old (a retried registration shows a fresh code). The case
    row is locked first, so two deliveries of one submission at once replace the code one after the other."""
    session.execute(select(Deviation.id).where(Deviation.id == deviation_id).with_for_update())
    session.execute(delete(DialogueCode).where(DialogueCode.deviation_id == deviation_id))
    session.add(DialogueCode(deviation_id=deviation_id, lookup=lookup, secret_hash=secret_hash, created_at=now))
    session.flush()


def codes_with_lookup(session: Session, lookup: str) -> Sequence[DialogueCode]:
    """The few codes sharing a lookup prefix (through `ix_dialogue_codes_lookup`)."""
    return session.scalars(select(DialogueCode).where(DialogueCode.lookup == lookup).order_by(DialogueCode.id)).all()


def add_message(session: Session, deviation_id: int, author: str, text: str, now: datetime, *,
                leader_id: str | None = None) -> DialogueMessage:
    message = DialogueMessage(deviation_id=deviation_id, author=author, leader_id=leader_id, text=text,
                              created_at=now)
    session.add(message)
    session.flush()
    return message


def message_by_id(session: Session, message_id: int) -> DialogueMessage | None:
    return session.get(DialogueMessage, message_id)


def messages_of(session: Session, deviation_id: int) -> Sequence[DialogueMessage]:
    query = select(DialogueMessage).where(DialogueMessage.deviation_id == deviation_id).order_by(DialogueMessage.id)
    return session.scalars(query).all()


def open_anonymous(session: Session, office_id: str, states: Sequence[str]) -> Sequence[Deviation]:
    """An office's open anonymous cases (`states`: every open state), oldest first, with their dialogue
    (for what waits on a reporter).

    Through `ix_deviations_open` (office, state) and sorted here: SQLite, without statistics, would
    otherwise walk an index on the office alone (`ix_deviations_created` for an ORDER BY), every case
    the office ever had (bench/many_offices.py).
    """
    query = (
        select(Deviation)
        .where(Deviation.office_id == office_id, is_open(states), Deviation.anonymous.is_(True))
        .options(selectinload(Deviation.dialogue))
    )
    return sorted(session.scalars(query).all(), key=lambda deviation: (deviation.created_at, deviation.id))
