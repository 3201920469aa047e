"""The feedback digest job: once a week, the office channel hears what was closed, done and learnt.

Seed 000: leaders «gir tilbakemelding til kontoret om hva som er gjort». Like the reminders
(bot/reminders/jobs.py), the digest is planned in one transaction under a lock per office,
written to the ledger under its unique key, and sent afterwards; a `hoy` closure, whose
feedback the office channel had at once, is counted but not told again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.office import Office
from bot.reminders.jobs import OPEN, send_scheduled
from bot.reminders.rules import iso_week, local_date, weekly_due
from bot.services import Services
from bot.workdays import NORWAY, Workdays
from store import ledger
from store import reminders as store
from store.db import Database
from store.deviations import count_open
from store.ledger import LedgerKey, MessageKind, Target

log = logging.getLogger(__name__)

DIGEST_FIRST_SPAN = timedelta(days=7)  # the first digest tells the last week's closures
# A closure stamped just before the previous digest but committed just after it is still told.
DIGEST_OVERLAP = timedelta(days=1)


@dataclass(frozen=True)
class DigestItem:
    """One closure as the office channel reads it: never who reported it or whom it concerned."""

    reference: str
    category: str
    kind: str
    severity: str
    feedback: str | None
    lesson: str | None


@dataclass
class DigestPlan:
    office: Office
    period: str
    since: datetime | None = None
    until: datetime | None = None
    items: list[DigestItem] = field(default_factory=list)
    reported: int = 0
    open: int = 0
    told_at_once: int = 0  # `hoy` closures whose feedback the office had the moment they closed
    already: bool = False  # this week's digest was made before
    posts: bool = False  # a message goes to the office channel
    ledger_ids: list[int] = field(default_factory=list)

    @property
    def closed(self) -> int:
        return len(self.items) + self.told_at_once


def plan_digest(db: Database, clock: Clock, office: Office, *, dry_run: bool = False) -> DigestPlan:
    """This week's feedback digest: the closures no digest has told yet, and the week's counts.

    Seed 000: leaders «gir tilbakemelding til kontoret om hva som er gjort». Each closure is
    told in exactly one digest (a closure is recorded with the digest that told it); a week
    with nothing closed and nothing reported posts nothing, unless the office asks for it. A
    `hoy` closure, whose feedback the office got at once, is counted but not told again.
    """
    now = clock.now()
    period = iso_week(local_date(now, office.tz))
    with db.transaction() as session:
        store.lock(session, f"digest:{office.id}")
        if store.digest_for(session, office.id, period) is not None:
            return DigestPlan(office, period, already=True)
        previous = store.last_digest(session, office.id)
        since = previous.until if previous else now - DIGEST_FIRST_SPAN
        after = since - DIGEST_OVERLAP if previous else since
        closed = store.untold_closures(session, office.id, after, now)
        at_once = store.told_at_once(session, [(d.id, d.closed_at) for d in closed])
        plan = DigestPlan(office, period, since, now, reported=store.count_registered(session, office.id, since, now),
                          open=count_open(session, office.id, OPEN), told_at_once=len(at_once))
        plan.items = [DigestItem(d.reference, d.category, d.kind, d.severity, d.closure_feedback, d.lesson)
                      for d in closed if (d.id, d.closed_at) not in at_once]
        plan.posts = bool(plan.items or plan.reported or office.cadence.post_empty_digest)
        if dry_run:
            return plan
        digest = store.add_digest(session, office_id=office.id, period=period, since=since, until=now,
                                  closures=[(d.id, d.closed_at) for d in closed], reported=plan.reported,
                                  open_now=plan.open, now=now)
        if plan.posts:
            key = LedgerKey(MessageKind.DIGEST, Target.digest(digest.id), office.office_channel, period)
            ledger_id = ledger.enter(session, office.id, key, now)
            if ledger_id is not None:
                digest.ledger_id = ledger_id
                plan.ledger_ids.append(ledger_id)
        return plan


def run_digest(services: Services, office: Office, *, dry_run: bool = False) -> DigestPlan:
    plan = plan_digest(services.db, services.clock, office, dry_run=dry_run)
    if not dry_run:
        send_scheduled(services, office)
    return plan


def scheduled_digest(services: Services, office_id: str, workdays: Workdays = NORWAY) -> None:
    """The digest job, on workdays at the digest hour: posts once a week, on the digest weekday or,
    when that is a holiday, the first workday after it that week."""
    office = services.offices.by_id(office_id)
    today = local_date(services.clock.now(), office.tz)
    if not weekly_due(today, office.cadence.digest_weekday, workdays):
        return
    plan = services.run_for_office("digest", office_id, run_digest)
    if plan is not None and not plan.already:
        log.info("digest: %s %s: %s closure(s), posted: %s", office.id, plan.period, plan.closed, plan.posts)
