"""«Utsett» on a reminder (issue 16, as Dispatch and incident.io offer): the person it was sent to
picks a later workday, at most the office's limit ahead, and a reason. Until then the reminders
about that case (or, on an owner's reminder, that action) are quiet, and no round is given that
could count towards an escalation. A snooze never quiets the leaders' reminder of an overdue
action (bot/reminders/rules.py, SNOOZABLE). The snooze is audited and shown on the card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.clock import Clock
from bot.deviations.workflow import locked_deviation, record_step
from bot.errors import SnoozeNotAllowed, StorageUnavailable
from bot.office import Office
from bot.reminders.rules import SNOOZABLE, Rule, check_snooze, local_date
from bot.workdays import NORWAY, Workdays
from store import reminders as store
from store.db import Database, Unavailable

SNOOZED = "utsatt"  # the audit event's kind


@dataclass(frozen=True)
class Snoozable:
    """A reminder «Utsett» may quiet: what it is about, as its recipient sees it."""

    nudge_id: int
    deviation_id: int
    action_id: int | None
    rule: Rule


def snoozable(db: Database, office: Office, nudge_id: int | None, user_id: str) -> Snoozable:
    """The reminder, if it was sent to `user_id` in this office and may be snoozed; else SnoozeNotAllowed."""
    try:
        with db.transaction() as session:
            nudge = store.nudge_by_id(session, nudge_id) if nudge_id else None
            if nudge is None or nudge.office_id != office.id or nudge.recipient != user_id:
                raise SnoozeNotAllowed("error.snooze_not_yours")
            rule = Rule(nudge.rule)
            if rule not in SNOOZABLE:
                raise SnoozeNotAllowed("error.snooze_not_allowed")
            return Snoozable(nudge.id, nudge.deviation_id, nudge.action_id, rule)
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def snooze(db: Database, clock: Clock, office: Office, nudge_id: int | None, until: date, reason: str, *,
           user_id: str, workdays: Workdays = NORWAY) -> list[int]:
    """Quiet the reminder's case (or action) until `until`; one audit event, the card and its thread."""
    target = snoozable(db, office, nudge_id, user_id)
    now = clock.now()
    check_snooze(local_date(now, office.tz), until, office.cadence.snooze_max_workdays, workdays)
    try:
        with db.transaction() as session:
            deviation = locked_deviation(session, office, target.deviation_id)
            action = next((a for a in deviation.actions if a.id == target.action_id), None)
            snoozed = action if action is not None else deviation
            snoozed.snoozed_until, snoozed.snooze_reason = until, reason
            return record_step(session, office, deviation, SNOOZED, now, actor_id=user_id, action=action,
                               detail={"until": until.isoformat(), "rule": target.rule.value})
    except Unavailable as exc:
        raise StorageUnavailable() from exc
