"""The reminder job: today's reminders, escalations and the leaders' weekly summary; and what every
scheduled message shares (its ledger kinds, sending what is still unsent). The office's feedback
digest is its own job, in bot/reminders/digest.py.

Each job plans in one transaction and sends afterwards. Planning takes a lock per office and
job (an advisory lock on PostgreSQL; SQLite has one writer), reads the open cases, asks the
rules in `bot/reminders/rules.py`, and writes every message to the ledger under its unique key
before anything is sent. So two replicas (or the scheduler and an admin's CLI run) at the
same moment plan it once, a restart finds the rows and sends what is still unsent, and a
message that failed is sent on the next run, not lost and not doubled.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.deviations.rules import OPEN_STATES, State
from bot.office import Office
from bot.reminders.rules import (
    ActionSnapshot,
    DeviationSnapshot,
    Escalation,
    Nudge,
    PastNudge,
    by_recipient,
    due_nudges,
    escalations,
    iso_week,
    local_date,
    weekly_due,
)
from bot.services import Services
from bot.workdays import NORWAY, Workdays
from store import ledger
from store import reminders as store
from store.db import Database
from store.ledger import LedgerKey, MessageKind, Target, WholeOffice

log = logging.getLogger(__name__)

# The messages the scheduler sends (handlers register their senders).
SCHEDULED = (MessageKind.NUDGES, MessageKind.ESCALATION, MessageKind.LEADER_SUMMARY, MessageKind.DIGEST)

OPEN = sorted(state.value for state in OPEN_STATES)  # what the store counts as open, by index
# A case escalated (at one level of one stall) is a row in nudge_entries under a rule of its own, so it
# is told once; a run's escalations are gathered in one post to the leader channel (issue 16).
ESCALATED = "eskalert"


# --- reminders --------------------------------------------------------------------------------

@dataclass
class NudgePlan:
    """What one reminder run decided: only what had not been given before."""

    office: Office
    today: date
    workday: bool = True
    nudges: list[Nudge] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    summary: str | None = None  # the ISO week of a leaders' summary to post
    ledger_ids: list[int] = field(default_factory=list)

    @property
    def messages(self) -> dict[str, list[Nudge]]:
        return by_recipient(self.nudges)


def snapshots(session: Session, office: Office) -> list[DeviationSnapshot]:
    """The office's open cases as the rules see them (the scan: open cases only, by index)."""
    actions: dict[int, list[ActionSnapshot]] = defaultdict(list)
    for action_id, deviation_id, owner_id, due_on, snoozed_until in store.open_actions(session, office.id, OPEN):
        actions[deviation_id].append(ActionSnapshot(action_id, owner_id, due_on, snoozed_until))
    changes = store.change_times(session, office.id, OPEN)
    deviations = []
    for row in store.nudge_scan(session, office.id, OPEN):
        state = State(row.state)
        state_changed, progressed = changes.get(row.id, (None, None))
        ready_at = row.ready_at if state is State.READY_TO_CLOSE else None
        since = max(t for t in (row.created_at, state_changed, ready_at) if t is not None)
        progress_at = max(since, progressed) if progressed else since
        deviations.append(DeviationSnapshot(
            id=row.id, reference=row.reference, state=state, state_since=since, progress_at=progress_at,
            reporter_id=row.reporter_id, responsible_leader=row.responsible_leader,
            external_reference=row.external_reference, open_actions=tuple(actions.get(row.id, ())),
            snoozed_until=row.snoozed_until,
        ))
    return deviations


def plan_nudges(db: Database, clock: Clock, office: Office, leaders: Iterable[str], *, dry_run: bool = False,
                workdays: Workdays = NORWAY) -> NudgePlan:
    """Decide today's reminders, escalations and the weekly summary, and (unless a dry run)
    write them to the ledger. Nothing is sent here."""
    now = clock.now()
    today = local_date(now, office.tz)
    if not workdays.is_workday(today):
        return NudgePlan(office, today, workday=False)
    leaders = frozenset(leaders)
    cadence = office.cadence
    with db.transaction() as session:
        store.lock(session, f"nudges:{office.id}")
        deviations = snapshots(session, office)
        due = due_nudges(deviations, cadence, leaders, today, office.tz, workdays)
        everything = store.nudges_given(session, {n.deviation_id for n in due})
        given = [g for g in everything if g.rule != ESCALATED]
        escalated = {(g.target, g.period) for g in everything if g.rule == ESCALATED}
        history = [PastNudge(g.rule, g.deviation_id, g.target, g.period, g.created_at) for g in given]
        given_keys = {(g.rule, g.target, g.recipient, g.period) for g in given}
        fresh = [n for n in due if (n.rule.value, n.target, n.recipient, n.period.isoformat()) not in given_keys]
        stalled = [e for e in escalations(deviations, due, history, cadence)
                   if (str(Target.deviation(e.deviation_id)), e.period) not in escalated]
        summary = iso_week(today) if weekly_due(today, cadence.summary_weekday, workdays) else None
        if dry_run:
            if summary and ledger.exists(session, _summary_key(office, summary)):
                summary = None
            return NudgePlan(office, today, nudges=fresh, escalations=stalled, summary=summary)
        return _enter_nudges(session, office, today, now, fresh, stalled, summary)


def _summary_key(office: Office, week: str) -> LedgerKey:
    return LedgerKey(MessageKind.LEADER_SUMMARY, WholeOffice(office.id), office.leader_channel, week)


def _enter_nudges(session: Session, office: Office, today: date, now: datetime, fresh: list[Nudge],
                  stalled: list[Escalation], summary: str | None) -> NudgePlan:
    plan = NudgePlan(office, today)
    rows = [store.NewNudge(nudge.rule.value, nudge.target, nudge.deviation_id, nudge.action_id, nudge.recipient,
                           nudge.period.isoformat(), nudge.workdays) for nudge in fresh]
    ids = store.enter_nudges(session, office.id, rows, now)
    entered: dict[str, list[tuple[int, Nudge]]] = defaultdict(list)
    for row, nudge in zip(rows, fresh, strict=True):
        nudge_id = ids.pop(row.key, None)  # popped: a key twice in one run is one reminder, as before
        if nudge_id is not None:
            entered[nudge.recipient].append((nudge_id, nudge))
    for recipient, items in entered.items():
        ids = [nudge_id for nudge_id, _ in items]
        key = LedgerKey(MessageKind.NUDGES, Target.nudge(min(ids)), recipient, today.isoformat())
        ledger_id = ledger.enter(session, office.id, key, now)
        if ledger_id is not None:
            store.attach_to_message(session, ids, ledger_id)
            plan.ledger_ids.append(ledger_id)
            plan.nudges += [nudge for _, nudge in items]
    rows = [store.NewNudge(ESCALATED, str(Target.deviation(e.deviation_id)), e.deviation_id, None,
                           office.leader_channel, e.period, e.rounds) for e in stalled]
    ids = store.enter_nudges(session, office.id, rows, now)
    escalated: list[tuple[int, Escalation]] = []
    for row, escalation in zip(rows, stalled, strict=True):
        row_id = ids.pop(row.key, None)
        if row_id is not None:
            escalated.append((row_id, escalation))
    if escalated:
        # One post per run in the leader channel, listing every case escalated (issue 16).
        row_ids = [row_id for row_id, _ in escalated]
        key = LedgerKey(MessageKind.ESCALATION, Target.nudge(min(row_ids)), office.leader_channel, today.isoformat())
        ledger_id = ledger.enter(session, office.id, key, now)
        if ledger_id is not None:
            store.attach_to_message(session, row_ids, ledger_id)
            plan.escalations += [escalation for _, escalation in escalated]
            plan.ledger_ids.append(ledger_id)
    if summary:
        ledger_id = ledger.enter(session, office.id, _summary_key(office, summary), now)
        if ledger_id is not None:
            plan.summary = summary
            plan.ledger_ids.append(ledger_id)
    return plan


# --- running them -----------------------------------------------------------------------------

def send_scheduled(services: Services, office: Office) -> None:
    """Send the scheduler's messages still unsent for this office: this run's, and any an earlier
    run could not send (Slack down, rate limited, a process killed mid-send)."""
    services.messenger.deliver_unsent(SCHEDULED, office.id)


def run_nudges(services: Services, office: Office, *, dry_run: bool = False) -> NudgePlan:
    plan = plan_nudges(services.db, services.clock, office, services.leaders.leaders(office, patient=True),
                       dry_run=dry_run)
    if not dry_run and plan.workday:
        send_scheduled(services, office)
    return plan


def scheduled_nudges(services: Services, office_id: str) -> None:
    """The reminder job (APScheduler), on workdays at the office's nudge hour."""
    plan = services.run_for_office("nudges", office_id, run_nudges)
    if plan is not None and plan.workday:
        log.info("nudges: %s: %s reminder(s) in %s message(s), %s escalation(s), summary %s", office_id,
                 len(plan.nudges), len(plan.messages), len(plan.escalations), plan.summary or "-")
