"""Background jobs inside the bot process (APScheduler 3).

Every job is idempotent through the ledger, so any number of replicas may run them.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot import quality_rounds
from bot.services import Services

log = logging.getLogger(__name__)


def create_scheduler(services: Services) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=services.offices.office[0].timezone)
    # Retries what the request cycle could not send (Slack down, rate limited, a crash).
    scheduler.add_job(services.messenger.deliver, "interval", seconds=60, id="deliver_ledger",
                      max_instances=1, coalesce=True)
    # Seed 002: open the half-yearly quality rounds on their dates, close them, remind reviewers.
    scheduler.add_job(run_quality_rounds, "cron", hour=6, minute=30, args=[services], id="quality_rounds",
                      max_instances=1, coalesce=True)
    return scheduler


def run_quality_rounds(services: Services) -> quality_rounds.RoundsRun:
    """One daily pass over every office's quality rounds; idempotent, so any replica may run it."""
    total = quality_rounds.RoundsRun()
    for office in services.offices.office:
        run = quality_rounds.run_due(services.db, services.clock, office,
                                     quality_rounds.reviewers_of(services.leaders, office))
        total.opened += run.opened
        total.closed += run.closed
        total.ledger_ids += run.ledger_ids
    services.messenger.deliver(total.ledger_ids)
    return total
