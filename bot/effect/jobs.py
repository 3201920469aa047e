"""The effect-check job (issue 22): ask «Har tiltaket virket?» of cases closed with actions, and remind
the unanswered questions.

On workdays at the office's nudge hour. Planning takes a lock per office (an advisory lock on
PostgreSQL; SQLite has one writer) and, in one transaction, writes each case's `effect_checks` row
(unique per case) and its ledger row (unique key) before anything is sent: two replicas, or the
scheduler and `avvik-bot effect`, ask each closure once, and a restart sends what is still unsent.

A case reopened (a «Nei» to the question, or «Gjenåpne» on its card) and closed again with new actions
done is asked again after the new closure (seed 000: «at forbedringer vedvarer»): its row starts a new
round, and the question's ledger period is the closure's date, so each round is asked once.

The scan reads only the cases closed in a window of days (`bot.effect.rules.closure_window`), through
`ix_deviations_closed_at`: it grows with the cases closed lately, not with every case closed since
the office began.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.effect.rules import closure_window, reminder_round, who_is_asked
from bot.office import Office
from bot.reminders.rules import local_date
from bot.services import Services
from bot.workdays import NORWAY, Workdays
from store import effect as store
from store import ledger
from store.db import Database
from store.ledger import LedgerKey, MessageKind, Target
from store.reminders import lock

log = logging.getLogger(__name__)

SCHEDULED = (MessageKind.EFFECT_CHECK, MessageKind.EFFECT_REMINDER)


@dataclass
class EffectPlan:
    """What one run decided: the cases asked and the checks reminded, only what was not done before."""

    office: Office
    today: date
    workday: bool = True
    asked: list[int] = field(default_factory=list)  # deviation ids
    reminded: list[int] = field(default_factory=list)  # deviation ids
    ledger_ids: list[int] = field(default_factory=list)


def question_key(office: Office, deviation_id: int, leader_id: str | None, closed_on: date) -> LedgerKey:
    """One question per closure: a case closed again after a reopening is asked again, under its own key."""
    return LedgerKey(MessageKind.EFFECT_CHECK, Target.deviation(deviation_id), leader_id or office.leader_channel,
                     closed_on.isoformat())


def reminder_key(office: Office, deviation_id: int, leader_id: str | None, round_day: date) -> LedgerKey:
    return LedgerKey(MessageKind.EFFECT_REMINDER, Target.deviation(deviation_id), leader_id or office.leader_channel,
                     round_day.isoformat())


def _start_of(day: date, office: Office) -> datetime:
    return datetime.combine(day, time(0), tzinfo=office.tz)


def plan_checks(db: Database, clock: Clock, office: Office, leaders: Iterable[str], *, dry_run: bool = False,
                workdays: Workdays = NORWAY) -> EffectPlan:
    """Decide today's questions and reminders and (unless a dry run) write them, each with its ledger
    row, in one transaction. Nothing is sent here."""
    now = clock.now()
    today = local_date(now, office.tz)
    after = office.cadence.effect_check_after_workdays
    if not workdays.is_workday(today):
        return EffectPlan(office, today, workday=False)
    plan = EffectPlan(office, today)
    if after == 0:
        return plan  # the office has turned the question off
    leaders = frozenset(leaders)
    first, last = closure_window(today, after, workdays)
    cadence = office.cadence
    with db.transaction() as session:
        lock(session, f"effect:{office.id}")
        due = store.closed_with_actions(session, office.id, _start_of(first, office),
                                        _start_of(last + timedelta(days=1), office))
        for deviation_id, closed_at, responsible in due:
            leader_id = who_is_asked(responsible, leaders)
            if dry_run:
                plan.asked.append(deviation_id)
                continue
            if store.start_round(session, office_id=office.id, deviation_id=deviation_id, closed_at=closed_at,
                                 due_on=today, leader_id=leader_id, now=now) is None:
                continue  # another process asked it a moment ago
            key = question_key(office, deviation_id, leader_id, local_date(closed_at, office.tz))
            entered = ledger.enter(session, office.id, key, now)
            plan.asked.append(deviation_id)
            plan.ledger_ids += [entered] if entered is not None else []
        for check, _ in store.unanswered(session, office.id):
            round_day = reminder_round(check.due_on, today, cadence.repeat_after_workdays,
                                       cadence.escalate_after_nudges, workdays)
            if round_day is None:
                continue
            key = reminder_key(office, check.deviation_id, check.leader_id, round_day)
            if dry_run:
                if not ledger.exists(session, key):
                    plan.reminded.append(check.deviation_id)
                continue
            entered = ledger.enter(session, office.id, key, now)
            if entered is not None:
                plan.reminded.append(check.deviation_id)
                plan.ledger_ids.append(entered)
    return plan


def run_checks(services: Services, office: Office, *, dry_run: bool = False) -> EffectPlan:
    plan = plan_checks(services.db, services.clock, office, services.leaders.leaders(office, patient=True),
                       dry_run=dry_run)
    if not dry_run and plan.workday:
        services.messenger.deliver_unsent(SCHEDULED, office.id)  # this run's, and any an earlier run left
    return plan


def scheduled_checks(services: Services, office_id: str) -> None:
    """The effect-check job (APScheduler), on workdays at the office's nudge hour."""
    plan = services.run_for_office("effect checks", office_id, run_checks)
    if plan is not None and plan.workday and (plan.asked or plan.reminded):
        log.info("effect checks: %s: %s asked, %s reminded", office_id, len(plan.asked), len(plan.reminded))


def describe(plan: EffectPlan, dry_run: bool) -> list[str]:
    """What `avvik-bot effect` prints: counts and case ids, never a title or a person."""
    office = plan.office
    if not plan.workday:
        return [f"{office.name}: {plan.today:%A %Y-%m-%d} is not a workday; no effect checks"]
    if office.cadence.effect_check_after_workdays == 0:
        return [f"{office.name}: effect checks are off (effect_check_after_workdays = 0)"]
    verb = "would ask" if dry_run else "asked"
    return [f"{office.name}: {verb} «Har tiltaket virket?» for {len(plan.asked)} case(s), "
            f"reminded {len(plan.reminded)} unanswered check(s)"]
