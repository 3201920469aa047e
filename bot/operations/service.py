"""Messages Slack refused for good: telling the leaders, and sending them again once fixed.

A message the messenger gives up on (bot/operations/rules.py, PERMANENT_ERRORS) stays in the
ledger as `failed`: nothing is lost. The leaders see it on App Home; when it is the leader
channel itself that refuses the bot, App Home is not enough (leaders look there last), so each
leader hears it by direct message, once a day at most. `avvik-bot deliver --failed` sends the
failed messages again after the operator fixed the setting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.messenger import DeliveryReport, Entry, MessageKind, WholeOffice
from bot.office import Office
from bot.services import Services
from store import ledger
from store.db import Database, Unavailable
from store.ledger import LedgerKey

log = logging.getLogger(__name__)

CHANNEL_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


@dataclass(frozen=True)
class Refusal:
    """The messages of one office Slack refused with one error."""

    error: str
    count: int
    last_at: datetime | None
    channel: str | None  # the office's channel they were for, when it was one


def refusals(session: Session, office: Office) -> list[Refusal]:
    """The office's failed messages, by Slack error, the latest first."""
    found: dict[str, list] = {}
    for row in ledger.failed(session, office.id):
        found.setdefault(row.last_error or "unknown", []).append(row)
    channels = {office.leader_channel, office.office_channel}
    return [Refusal(error, len(rows), rows[0].claimed_at,
                    next((r.recipient for r in rows if r.recipient in channels), None))
            for error, rows in found.items()]


def office_refusals(db: Database, office: Office) -> list[Refusal]:
    with db.reading() as session:
        return refusals(session, office)


def leader_channel_refusal(session: Session, entry: Entry) -> Refusal:
    """What a leader's DM about the refusing leader channel says (loader for DELIVERY_PROBLEM)."""
    office = entry.office
    found = [r for r in refusals(session, office) if r.channel == office.leader_channel]
    if not found:
        raise LookupError("the leader channel's messages went out in the meantime")
    return found[0]


def tell_leaders(services: Services, office: Office, error: str) -> None:
    """The leader channel refuses the bot: each leader hears it by DM, once a day per error."""
    if error not in CHANNEL_ERRORS:
        return
    now = services.clock.now()
    leaders = sorted(services.leaders.leaders(office, patient=True))
    period = f"{error}:{now.astimezone(office.tz).date().isoformat()}"
    try:
        with services.db.transaction() as session:
            ids = [entry_id for leader in leaders if (entry_id := ledger.enter(
                session, office.id, LedgerKey(MessageKind.DELIVERY_PROBLEM, WholeOffice(office.id), leader, period),
                now)) is not None]
    except Unavailable:
        log.warning("operations: database unavailable; the leaders are not told of %s now", error)
        return
    services.messenger.deliver(ids, limit=max(len(ids), 1))


def resend_failed(services: Services) -> DeliveryReport:
    """`avvik-bot deliver --failed`: every message Slack refused for good, sent again now."""
    with services.db.transaction() as session:
        ids = ledger.retry_failed(session, services.clock.now())
    return services.messenger.deliver(ids, limit=max(len(ids), 1))


def reason_key(error: str) -> str:
    """The catalogue key explaining a Slack error to a leader."""
    return f"delivery.reason.{error}" if error in CHANNEL_ERRORS else "delivery.reason.other"
