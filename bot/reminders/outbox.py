"""What the scheduler's ledger messages read when they are sent: a person's reminders, an
escalated deviation, the leaders' weekly summary and the office's feedback digest.

Each loader runs in the messenger's read-only session at send time, so a retried message tells
the deviations as they are now (a reminder dealt with in the meantime is left out); it raises
LookupError when what it names is gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.deviations.outbox import deviation
from bot.deviations.rules import State, by_risk, risk_then_age
from bot.dialogue import service as dialogue
from bot.dialogue.rules import Waiting
from bot.messenger import Entry
from bot.reminders.jobs import OPEN
from bot.reminders.rules import escalation_level, local_date, still_due
from store import breach as breach_store
from store import effect as effect_store
from store import reminders as store
from store.ledger import TargetKind, id_of
from store.models import Action, Breach, Deviation, Digest, EffectCheck, NudgeEntry


def nudges(session: Session, entry: Entry) -> list[tuple[NudgeEntry, Deviation, Action | None]]:
    """The reminders one message gathers that are still due now, their cases by risk then age."""
    due = [(nudge, found, action) for nudge, found, action in store.nudges_of_message(session, entry.id)
           if still_due(nudge.rule, found.state, action.state if action else None, found.external_reference)]
    return sorted(due, key=lambda item: risk_then_age(item[1]))  # stable: a case's own reminders keep their order


@dataclass(frozen=True)
class Escalated:
    deviation: Deviation
    level: int  # how many times K reminders have passed without progress


def escalation(session: Session, entry: Entry) -> list[Escalated]:
    """Every case one run escalated, as they are now, by risk then age (issue 22; an entry from before
    issue 16 names one case)."""
    if getattr(entry.target, "kind", None) is TargetKind.DEVIATION:
        return [Escalated(deviation(session, entry), escalation_level(entry.period))]
    escalated = [Escalated(found, escalation_level(row.period))
                 for row, found, _ in store.nudges_of_message(session, entry.id)]
    return sorted(escalated, key=lambda item: risk_then_age(item.deviation))


@dataclass(frozen=True)
class Summary:
    """The leaders' weekly summary, as the deviations stand when it goes out; each list of cases by risk
    then age (issue 22), the overdue actions by their case's; the missed breaches by their deadline and
    the effect checks (closed cases) by the day they were asked."""

    today: date  # the office's date the summary was entered
    new: Sequence[Deviation]  # registered in the week before
    unassessed: Sequence[Deviation]
    overdue: list[tuple[Action, Deviation]]
    ready: Sequence[Deviation]
    # Issue 20: open anonymous cases waiting for their reporter's answer or reference, and for which.
    waiting_on_reporter: Sequence[tuple[Deviation, Waiting]] = ()
    missed_breaches: Sequence[tuple[Breach, Deviation]] = ()  # issue 21: a breach's 72 hours passed
    effect_waiting: Sequence[tuple[EffectCheck, Deviation]] = ()  # issue 22: «Har tiltaket virket?» unanswered


def summary(session: Session, entry: Entry) -> Summary:
    office, asof = entry.office, entry.created_at
    today = local_date(asof, office.tz)
    return Summary(
        today=today,
        new=by_risk(store.registered_since(session, office.id, asof - timedelta(days=7), asof)),
        unassessed=by_risk(store.open_in_state(session, office.id, State.REGISTERED)),
        overdue=sorted(store.overdue_actions(session, office.id, OPEN, today),
                       key=lambda pair: risk_then_age(pair[1])),  # stable: a case's actions by due date
        ready=by_risk(store.open_in_state(session, office.id, State.READY_TO_CLOSE)),
        waiting_on_reporter=dialogue.waiting_on_reporter(session, office.id),
        missed_breaches=breach_store.missed(session, office.id, asof - timedelta(days=7), asof),
        effect_waiting=effect_store.unanswered(session, office.id),
    )


@dataclass(frozen=True)
class DigestToTell:
    """A digest with the closures it tells; a `hoy` closure the office heard at once is only counted."""

    digest: Digest
    closed: list[Deviation]
    told_at_once: int


def digest(session: Session, entry: Entry) -> DigestToTell:
    found = store.digest_by_id(session, id_of(entry.target, TargetKind.DIGEST))
    if found is None:
        raise LookupError(f"ledger target {entry.target} is gone")
    covered = store.deviations_of_digest(session, found.id)
    at_once = store.told_at_once(session, [(d.id, closed_at) for d, closed_at in covered])
    return DigestToTell(found, [d for d, closed_at in covered if (d.id, closed_at) not in at_once], len(at_once))
