"""The quality rounds' scheduled work (seed 002): each workday, open the season's round on its date,
close the rounds whose period has ended, remind reviewers who are behind near the end, and the
owners of measures past their due date. Idempotent through the ledger, so any replica may run it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.clock import Clock
from bot.office import Office
from bot.quality.rules import behind_target, season_running
from bot.quality.service import close_round, open_round, reviewers_of
from bot.services import Services
from store import ledger
from store import quality as store
from store.db import Database
from store.ledger import LedgerKey, MessageKind, Target


@dataclass
class RoundsRun:
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    ledger_ids: list[int] = field(default_factory=list)


def run_due(db: Database, clock: Clock, office: Office, reviewers: list[str]) -> RoundsRun:
    """The scheduler's daily pass: open the season's round on its configured date, close rounds
    whose period has ended, and remind reviewers who are behind near the end."""
    today = clock.now().astimezone(office.tz).date()
    run = RoundsRun()
    season = season_running(office.quality, today)
    if season is not None:
        opened = open_round(db, clock, office, season, today.year, opened_by=None, reviewers=reviewers)
        if opened.created:
            run.opened.append(opened.round_id)
            run.ledger_ids += opened.ledger_ids
    with db.transaction() as session:
        rounds = [(r.id, r.closes_on) for r in store.open_rounds(session, office.id)]
    run.ledger_ids += _overdue_measures(db, clock, office, today)
    for round_id, closes_on in rounds:
        if today > closes_on:
            run.ledger_ids += close_round(db, clock, office, round_id, closed_by=None)
            run.closed.append(round_id)
        elif today >= closes_on - timedelta(days=office.quality.remind_days_before_close):
            run.ledger_ids += _progress_nudges(db, clock, office, round_id, today)
    return run


def _overdue_measures(db: Database, clock: Clock, office: Office, today: date) -> list[int]:
    """Measures past their due date: the owner hears once a week until it is done or dropped."""
    year, week, _ = today.isocalendar()
    with db.transaction() as session:
        keys = [LedgerKey(MessageKind.MEASURE_OVERDUE, Target.action(m.id), m.owner_id, f"{year}-W{week:02d}")
                for m in store.overdue_measures(session, office.id, today)]
        return [i for key in keys if (i := ledger.enter(session, office.id, key, clock.now())) is not None]


def _progress_nudges(db: Database, clock: Clock, office: Office, round_id: int, today: date) -> list[int]:
    """Reviewers behind their target get one reminder a week near the end of the round."""
    year, week, _ = today.isocalendar()
    with db.transaction() as session:
        rnd = store.by_id(session, round_id)
        lacking = behind_target(rnd.reviewers, store.reviews_per_reviewer(session, rnd.id), rnd.target_per_reviewer)
        keys = [LedgerKey(MessageKind.QUALITY_PROGRESS, Target.quality_round(rnd.id), reviewer, f"{year}-W{week:02d}")
                for reviewer in sorted(lacking)]
        return [i for key in keys if (i := ledger.enter(session, office.id, key, clock.now())) is not None]


def scheduled_rounds(services: Services, office_id: str | None = None) -> RoundsRun:
    """One workday pass over the quality rounds (of one office, or all); idempotent, so any replica may
    run it."""
    total = RoundsRun()
    for office in services.offices.office:
        if office_id is not None and office.id != office_id:
            continue
        run = run_due(services.db, services.clock, office, reviewers_of(services.leaders, office, patient=True))
        total.opened += run.opened
        total.closed += run.closed
        total.ledger_ids += run.ledger_ids
    services.messenger.deliver(total.ledger_ids)
    return total
