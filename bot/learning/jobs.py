"""The month's discussion question (seed 000, «DRØFTING RUNDT 10 SPØRSMÅL OM AVVIKSHÅNDTERING»).

A daily workday job: on the first workday of a month (after a weekend or a holiday, the next
workday), the office channel gets the next of the seed's ten questions. The ledger's unique key
(the office and the month) keeps it to one post per month whichever replica runs first.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.clock import Clock
from bot.errors import StorageUnavailable
from bot.learning.rules import month_key, question_due
from bot.office import Office
from bot.services import Services
from bot.workdays import NORWAY, Workdays
from store import ledger
from store.db import Database, Unavailable
from store.ledger import LedgerKey, MessageKind, WholeOffice

log = logging.getLogger(__name__)


def question_key(office: Office, month: str) -> LedgerKey:
    return LedgerKey(MessageKind.DISCUSSION_QUESTION, WholeOffice(office.id), office.office_channel, month)


def plan_question(db: Database, office: Office, now: datetime, workdays: Workdays = NORWAY) -> list[int]:
    """Enter this month's question if it is due and the office wants it; the ledger ids entered."""
    today = now.astimezone(office.tz).date()
    if not office.learning.monthly_question or not question_due(today, workdays.is_workday):
        return []
    try:
        with db.transaction() as session:
            entered = ledger.enter(session, office.id, question_key(office, month_key(today)), now)
    except Unavailable as exc:
        raise StorageUnavailable() from exc
    return [entered] if entered is not None else []


def scheduled_question(services: Services, office_id: str | None = None, clock: Clock | None = None) -> list[int]:
    """One daily pass (every replica may run it): enter what is due, then send it."""
    now = (clock or services.clock).now()
    ids: list[int] = []
    for office in services.offices.office:
        if office_id is None or office.id == office_id:
            try:
                ids += plan_question(services.db, office, now)
            except StorageUnavailable:
                log.warning("discussion question: database unavailable; the next run catches up")
    services.messenger.deliver(ids)
    return ids
