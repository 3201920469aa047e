"""Retention: a closed case keeps its statistics, not its words.

The office config says how long a closed case keeps its free text
(`[office.retention] erase_free_text_after_days`, 730 days unless the office says otherwise).
After that, what people wrote about it (title, narrative, actions, assessment, feedback,
lesson) is erased, while everything that counts stays: state, kind, category, destination,
severity, dates and actions. Each erasure is written to the audit log, and the case card in
the leader channel is updated so it no longer shows the text either.

The office a person last chose in the registration form's «Kontor» (issue 24) is forgotten once
they have not chosen it for as long.

`avvik-bot purge --dry-run` lists what would go; `avvik-bot purge` and a daily job erase it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.deviations.workflow import card_update
from bot.office import Office, OfficeDirectory
from bot.services import Services
from store import deviations as store
from store import offices as offices_store
from store import retention
from store.db import Database

log = logging.getLogger(__name__)

ERASED = "fritekst_slettet"  # the audit event's kind


@dataclass(frozen=True)
class Erasure:
    office_id: str
    deviation_id: int
    reference: str
    closed_at: datetime
    fields: tuple[str, ...]
    ledger_ids: list[int] = field(default_factory=list)


def cutoff(office: Office, now: datetime) -> datetime:
    return now - timedelta(days=office.retention.erase_free_text_after_days)


def purge(db: Database, clock: Clock, offices: OfficeDirectory, *, dry_run: bool = False) -> list[Erasure]:
    """Erase (or, with `dry_run`, only list) the free text of every case closed longer than its office keeps it.

    One transaction per office; several replicas may run it at once (rows being erased are skipped).
    """
    now = clock.now()
    done: list[Erasure] = []
    for office in offices.office:
        with db.transaction() as session:
            for deviation in retention.closed_before(session, office.id, cutoff(office, now), lock=not dry_run):
                closed_at = deviation.closed_at or deviation.updated_at
                fields = tuple(retention.text_fields(deviation))
                if dry_run:
                    done.append(Erasure(office.id, deviation.id, deviation.reference, closed_at, fields))
                    continue
                retention.erase_text(session, deviation, now)
                event = store.record_event(session, office_id=office.id, kind=ERASED, at=now, actor_id=None,
                                           deviation=deviation,
                                           detail={"fields": list(fields),
                                                   "after_days": office.retention.erase_free_text_after_days})
                session.flush()
                ledger_ids = card_update(session, office, deviation, event) if deviation.card_ts else []
                done.append(Erasure(office.id, deviation.id, deviation.reference, closed_at, fields, ledger_ids))
            if not dry_run:  # and who last chose this office in «Kontor», once they have not for as long
                offices_store.forget_choices_before(session, office.id, cutoff(office, now))
    if done and not dry_run:
        log.info("retention: erased the free text of %s closed case(s)", len(done))
    return done


def run_daily(services: Services) -> None:
    """The scheduler's job: erase what is due, then update the cards in the leader channel."""
    erased = purge(services.db, services.clock, services.offices)
    services.messenger.deliver([i for e in erased for i in e.ledger_ids])
