"""Background jobs inside the bot process (APScheduler 3).

Every job is idempotent through the ledger, so any number of replicas may run them.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot import retention
from bot.services import Services

log = logging.getLogger(__name__)


def create_scheduler(services: Services) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=services.offices.office[0].timezone)
    # Retries what the request cycle could not send (Slack down, rate limited, a crash).
    scheduler.add_job(services.messenger.deliver, "interval", seconds=60, id="deliver_ledger",
                      max_instances=1, coalesce=True)
    # Closed cases lose their free text after the office's retention period (bot/retention.py).
    scheduler.add_job(retention.run_daily, "cron", args=[services], hour=3, minute=30, id="erase_free_text",
                      max_instances=1, coalesce=True)
    return scheduler
