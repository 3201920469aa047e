"""The message ledger: write before sending, claim with a lease, mark sent.

Several replicas share the ledger through the database alone: a unique key keeps a
message from being entered twice, and `FOR UPDATE SKIP LOCKED` (PostgreSQL) or SQLite's
single writer keeps two processes from claiming the same row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import literal_column, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import LedgerEntry

PENDING, SENDING, SENT = "pending", "sending", "sent"


@dataclass(frozen=True)
class LedgerKey:
    """What is sent, about what, to whom, in which period: unique in the ledger."""

    what: str
    target: str
    recipient: str
    period: str = ""


def enter(session: Session, office_id: str, key: LedgerKey, now: datetime) -> int | None:
    """Enter a message to send; None when the same key is already in the ledger."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(LedgerEntry)
        .values(office_id=office_id, what=key.what, target=key.target, recipient=key.recipient,
                period=key.period, status=PENDING, attempts=0, not_before=now, created_at=now)
        .on_conflict_do_nothing(index_elements=["what", "target", "recipient", "period"])
        .returning(LedgerEntry.id)
    )
    return session.execute(statement).scalar_one_or_none()


def claim(session: Session, now: datetime, lease: timedelta, ids: Sequence[int] | None = None,
          limit: int = 50) -> list[LedgerEntry]:
    """Claim due rows for sending: pending ones, and ones whose sender died mid-send (lease expired)."""
    query = (
        select(LedgerEntry)
        .where(
            or_(
                (LedgerEntry.status == PENDING) & (LedgerEntry.not_before <= now),
                (LedgerEntry.status == SENDING) & (LedgerEntry.claimed_at < now - lease),
            )
        )
        .order_by(LedgerEntry.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if ids is not None:
        query = query.where(LedgerEntry.id.in_(ids))
    entries = list(session.scalars(query))
    for entry in entries:
        entry.status = SENDING
        entry.claimed_at = now
        entry.attempts += 1
    return entries


def mark_sent(session: Session, entry_id: int, now: datetime) -> None:
    entry = session.get(LedgerEntry, entry_id)
    if entry is not None:
        entry.status, entry.sent_at, entry.last_error = SENT, now, None


def mark_failed(session: Session, entry_id: int, error: str, retry_at: datetime) -> None:
    """Give the row back for a later run; the error is a Slack error code, never message text."""
    entry = session.get(LedgerEntry, entry_id)
    if entry is not None:
        entry.status, entry.not_before, entry.last_error = PENDING, retry_at, error[:200]


def entries(session: Session, what: str | None = None) -> Sequence[LedgerEntry]:
    query = select(LedgerEntry).order_by(LedgerEntry.id)
    if what:
        query = query.where(LedgerEntry.what == what)
    return session.scalars(query).all()


def exists(session: Session, key: LedgerKey) -> bool:
    """Whether a message under this key was entered before (a dry run asks, without entering)."""
    query = select(LedgerEntry.id).where(LedgerEntry.what == key.what, LedgerEntry.target == key.target,
                                         LedgerEntry.recipient == key.recipient, LedgerEntry.period == key.period)
    return session.scalar(query) is not None


def unsent_ids(session: Session, whats: Sequence[str], office_id: str | None = None) -> list[int]:
    """Rows of these kinds not yet sent (through the partial index on unsent rows)."""
    query = select(LedgerEntry.id).where(LedgerEntry.status != literal_column(f"'{SENT}'"),
                                         LedgerEntry.what.in_(whats)).order_by(LedgerEntry.id)
    if office_id is not None:
        query = query.where(LedgerEntry.office_id == office_id)
    return list(session.scalars(query))
