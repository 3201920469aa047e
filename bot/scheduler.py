"""Background jobs inside the bot process (APScheduler 3), in each office's time zone.

Every job is idempotent through the ledger and plans under a database lock, so any number
of replicas (and every gunicorn worker) may run them: each message still goes out once.
Reminders and digests run on workdays only: weekends and Norwegian public holidays are
skipped by the trigger itself, and checked again by the job.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, tzinfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot import metrics
from bot.breach.jobs import scheduled_breaches
from bot.deviations import retention
from bot.effect.jobs import scheduled_checks
from bot.learning.jobs import scheduled_question
from bot.quality.jobs import scheduled_rounds
from bot.reminders.digest import scheduled_digest
from bot.reminders.jobs import scheduled_nudges
from bot.services import Services
from bot.workdays import NORWAY, Workdays

log = logging.getLogger(__name__)

MISFIRE_GRACE = 3600  # a run delayed (busy process, suspended host) still runs within the hour


class WorkdayTrigger(BaseTrigger):
    """Fires at hour:minute in a time zone, on workdays only (Monday–Friday, not public holidays)."""

    def __init__(self, hour: int, minute: int, timezone: tzinfo, workdays: Workdays = NORWAY) -> None:
        self.cron = CronTrigger(day_of_week="mon-fri", hour=hour, minute=minute, timezone=timezone)
        self.workdays = workdays

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        fire = self.cron.get_next_fire_time(previous_fire_time, now)
        while fire is not None and not self.workdays.is_workday(fire.date()):
            fire = self.cron.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return fire

    def __str__(self) -> str:
        return f"workdays at {self.cron}"


def preload() -> None:
    """What starting the scheduler computes first, done by gunicorn's master before its workers fork: the
    public holidays its triggers skip. The `holidays` package loads every country's module to give
    Norway's (~8 MiB and ~60 ms of CPU in each process that asks), so the workers share one copy."""
    year = datetime.now(UTC).year
    for each in (year, year + 1):
        NORWAY.is_holiday(datetime(each, 1, 1).date())


def create_scheduler(services: Services) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=services.offices.office[0].timezone)

    def add(func, trigger, job_id: str, **options) -> None:  # type: ignore[no-untyped-def]
        """Every job's runs are counted and timed (bot/metrics.py), under its kind: the id up to `:`."""
        scheduler.add_job(metrics.timed_job(job_id.split(":", 1)[0], func), trigger, id=job_id, max_instances=1,
                          coalesce=True, **options)

    # Retries what the request cycle could not send (Slack down, rate limited, a crash).
    add(services.messenger.deliver, "interval", "deliver_ledger", seconds=60)
    for office in services.offices.office:
        cadence, office_jobs = office.cadence, (services, office.id)
        add(scheduled_nudges, WorkdayTrigger(cadence.nudge_hour, 0, office.tz), f"nudges:{office.id}",
            args=office_jobs, misfire_grace_time=MISFIRE_GRACE)
        add(scheduled_digest, WorkdayTrigger(cadence.digest_hour, 0, office.tz), f"digest:{office.id}",
            args=office_jobs, misfire_grace_time=MISFIRE_GRACE)
        # Seed 002: open the half-yearly quality rounds on their dates, close them, remind reviewers.
        add(scheduled_rounds, WorkdayTrigger(cadence.nudge_hour, 0, office.tz), f"quality:{office.id}",
            args=office_jobs, misfire_grace_time=MISFIRE_GRACE)
        # Seed 000's ten discussion questions: the month's on its first workday (bot/learning/jobs.py).
        add(scheduled_question, WorkdayTrigger(cadence.nudge_hour, 0, office.tz), f"discussion:{office.id}",
            args=office_jobs, misfire_grace_time=MISFIRE_GRACE)
        # Issue 22: «Har tiltaket virket?» N workdays after a case closed with actions, and its reminders.
        add(scheduled_checks, WorkdayTrigger(cadence.nudge_hour, 0, office.tz), f"effect:{office.id}",
            args=office_jobs, misfire_grace_time=MISFIRE_GRACE)
    # Issue 21: a possible personal-data breach's 72 hours run in calendar time: every hour, every day.
    for office in services.offices.office:
        add(scheduled_breaches, CronTrigger(minute=0, timezone=UTC), f"breach:{office.id}",
            args=(services, office.id), misfire_grace_time=1800)
    # Closed cases lose their free text after the office's retention period (bot/deviations/retention.py).
    add(retention.run_daily, "cron", "erase_free_text", args=[services], hour=3, minute=30)
    return scheduler

