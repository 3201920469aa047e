"""The hourly breach job: reminders by DM, escalations to the leader channel, and the card's countdown.

It runs every hour of every day (calendar time, not workdays: GDPR art. 33's 72 hours count
weekends). Like every scheduled job it plans under a lock per office in one transaction and
writes each message to the ledger under a unique key (the breach's elapsed hour, the escalation's
hours left) before anything is sent, so two replicas, or the scheduler and an admin's
`avvik-bot breach`, send each reminder once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.breach import rules
from bot.clock import Clock
from bot.deviations.rules import Command
from bot.office import Office
from bot.services import Services
from store import breach as store
from store import ledger
from store.db import Database
from store.ledger import LedgerKey, MessageKind, Target
from store.reminders import lock

log = logging.getLogger(__name__)

SCHEDULED = (MessageKind.BREACH_REMINDER, MessageKind.BREACH_ESCALATION, MessageKind.BREACH_COUNTDOWN,
             MessageKind.BREACH_ALERT)


@dataclass
class BreachPlan:
    """What one run decided (or, in a dry run, would decide): only what was not entered before."""

    office: Office
    now: datetime
    reminders: list[tuple[str, str, str]] = field(default_factory=list)  # (reference, recipient, slot)
    escalations: list[tuple[str, int]] = field(default_factory=list)  # (reference, hours left)
    refreshes: list[tuple[str, str]] = field(default_factory=list)  # (reference, slot)
    ledger_ids: list[int] = field(default_factory=list)


def clock_of(breach, deviation) -> rules.Clock:  # type: ignore[no-untyped-def]
    return rules.Clock(breach.discovered_at, reference_in=bool(deviation.external_reference),
                       decided=breach.decided_at is not None)


def quiet_hours(office: Office) -> rules.QuietHours:
    return rules.QuietHours(office.breach.quiet_from_hour, office.breach.quiet_until_hour)


def plan_breaches(db: Database, clock: Clock, office: Office, *, dry_run: bool = False,
                  contacts: Callable[[], Iterable[str]] | None = None) -> BreachPlan:
    """`contacts`: who the privacy contact is, asked only when a decision reminder is due (a user
    group's members; by default the configured person)."""
    now = clock.now()
    contacts = _once(contacts or (lambda: [c for c in (office.privacy_contact,) if c and not c.startswith("S")]))
    plan = BreachPlan(office, now)
    with db.transaction() as session:
        lock(session, f"breach:{office.id}")
        # A day after its deadline a track has said all it will (the card's «missed» comes at once).
        for breach, deviation in store.in_progress(session, office.id, now - timedelta(days=1)):
            if deviation.external_reference and breach.reference_at is None and not dry_run:
                breach.reference_at = store.first_event_at(session, deviation.id, Command.CONFIRM_EXTERNAL.value) \
                    or now
            track = clock_of(breach, deviation)
            due = rules.due(track, now, office.tz, quiet_hours(office))
            about = Target.deviation(deviation.id)
            keyed: list[tuple[LedgerKey, list, tuple]] = []
            if due.slot is not None:
                recipients = []
                if due.reporter and deviation.reporter_id:
                    recipients.append(deviation.reporter_id)
                if due.decision_makers:
                    recipients += [*contacts(), *[r for r in (deviation.responsible_leader,) if r]]
                for recipient in dict.fromkeys(recipients):
                    keyed.append((LedgerKey(MessageKind.BREACH_REMINDER, about, recipient, due.slot), plan.reminders,
                                  (deviation.reference, recipient, due.slot)))
            if due.escalation is not None:
                keyed.append((LedgerKey(MessageKind.BREACH_ESCALATION, about, office.leader_channel,
                                        f"{due.escalation}h"), plan.escalations, (deviation.reference, due.escalation)))
            refresh = rules.countdown_slot(track, now, office.breach.card_refresh_hours)
            if refresh is not None and deviation.card_ts:
                keyed.append((LedgerKey(MessageKind.BREACH_COUNTDOWN, about, office.leader_channel, refresh),
                              plan.refreshes, (deviation.reference, refresh)))
            for key, into, line in keyed:
                if dry_run:
                    if not ledger.exists(session, key):
                        into.append(line)
                    continue
                entry_id = ledger.enter(session, office.id, key, now)
                if entry_id is not None:
                    into.append(line)
                    plan.ledger_ids.append(entry_id)
    return plan


def _once(read: Callable[[], Iterable[str]]) -> Callable[[], list[str]]:
    found: list[list[str]] = []

    def memo() -> list[str]:
        if not found:
            found.append(sorted(read()))
        return found[0]
    return memo


def privacy_contacts(services: Services, office: Office) -> Callable[[], Iterable[str]]:
    """The people behind `privacy_contact`: the person, or a user group's members (cached minutes; a
    group Slack cannot read right now gives its last known members)."""
    contact = office.privacy_contact
    if contact and contact.startswith("S"):
        return lambda: services.leaders.group_members(contact)
    return lambda: [contact] if contact else []


def run_breaches(services: Services, office: Office, *, dry_run: bool = False) -> BreachPlan:
    plan = plan_breaches(services.db, services.clock, office, dry_run=dry_run,
                         contacts=privacy_contacts(services, office))
    if not dry_run:
        services.messenger.deliver_unsent(SCHEDULED, office.id)
    return plan


def scheduled_breaches(services: Services, office_id: str) -> None:
    """The breach job (APScheduler), every hour of every day."""
    plan = services.run_for_office("breach", office_id, run_breaches)
    if plan is not None and plan.ledger_ids:
        log.info("breach: %s: %s reminder(s), %s escalation(s), %s card refresh(es)", office_id,
                 len(plan.reminders), len(plan.escalations), len(plan.refreshes))


def describe(plan: BreachPlan, dry_run: bool) -> list[str]:
    """What a run sends (or would send), for the admin's terminal: references and Slack ids only."""
    local = plan.now.astimezone(plan.office.tz)
    lines = [f"{plan.office.name}, {local:%A %Y-%m-%d %H:%M}: {'would send (dry run)' if dry_run else 'sent'}"]
    lines += [f"  DM to {recipient}: breach reminder {reference} ({slot})"
              for reference, recipient, slot in plan.reminders]
    lines += [f"  leader channel: {reference} has {hours} hours left" for reference, hours in plan.escalations]
    lines += [f"  card of {reference} refreshed ({slot})" for reference, slot in plan.refreshes]
    if len(lines) == 1:
        lines.append("  nothing to send")
    return lines
