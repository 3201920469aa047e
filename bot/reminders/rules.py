"""Who is reminded of what, and when: plain rules, snapshots in, nudges out.

Seed 000, «Er det noen vits å melde avvik?»: «JA, det er virksomt dersom ledelsen jevnlig
etterspør informasjon om meldte avvik …, iverksetter kort- og langsiktige tiltak, gir
tilbakemelding til kontoret om hva som er gjort, vurderer om, når og hvordan avvik(ene) skal
lukkes». The scheduler makes that happen without anyone having to remember it.

No Slack and no SQL here: `bot/reminders/jobs.py` reads the open cases into snapshots, asks these
rules, and writes what they decide to the ledger. «N days» always means N workdays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.deviations.rules import ActionState, State
from bot.errors import SnoozeNotAllowed
from bot.office import Cadence
from bot.workdays import NORWAY, Workdays


class Rule(StrEnum):
    """The kinds of reminder. Values are stored; `nudge.<value>` is the catalogue key."""

    UNASSESSED = "unassessed"  # a case not assessed → the leaders, or its responsible leader
    OVERDUE_OWNER = "overdue_owner"  # an action past its due date → its owner
    OVERDUE_LEADER = "overdue_leader"  # … and M workdays later → the responsible leader
    READY_TO_CLOSE = "ready_to_close"  # klar_for_lukking for N workdays → the responsible leader
    EXTERNAL_REFERENCE = "external_reference"  # reported elsewhere, no reference yet → the reporter
    FOLLOW_UP_UNCONFIRMED = "follow_up_unconfirmed"  # reference in, follow-up there not confirmed → the leaders


# Reminders «Utsett» may quiet until a later workday. Never the leader's reminder of an overdue action
# (its escalation): a snooze does not silence an overdue action past that point.
SNOOZABLE = frozenset({Rule.UNASSESSED, Rule.READY_TO_CLOSE, Rule.FOLLOW_UP_UNCONFIRMED, Rule.EXTERNAL_REFERENCE,
                       Rule.OVERDUE_OWNER})

# Reminders that carry the case's buttons: they ask a leader to do something with the case.
LEADER_RULES = frozenset({Rule.UNASSESSED, Rule.OVERDUE_LEADER, Rule.READY_TO_CLOSE, Rule.FOLLOW_UP_UNCONFIRMED})


@dataclass(frozen=True)
class ActionSnapshot:
    """An open corrective action, as the rules need it."""

    id: int
    owner_id: str
    due_on: date
    snoozed_until: date | None = None


@dataclass(frozen=True)
class DeviationSnapshot:
    """An open case, as the rules need it."""

    id: int
    reference: str
    state: State
    state_since: datetime  # when the case entered its current state
    progress_at: datetime  # the last change that moved the case on (a state change, an action done …)
    reporter_id: str | None  # None for an anonymous case, always
    responsible_leader: str | None = None
    external_reference: str | None = None
    open_actions: tuple[ActionSnapshot, ...] = ()
    snoozed_until: date | None = None  # «Utsett»: the case's own reminders are quiet before this workday


@dataclass(frozen=True, order=True)
class Nudge:
    """One reminder to one person about one case (or one of its actions), in one period.

    `period` is the workday this round of reminders fell due; the same nudge is never given
    twice in a period, and the next round comes `repeat_after_workdays` later.
    """

    recipient: str
    deviation_id: int
    rule: Rule
    period: date
    workdays: int  # how many workdays the case (or the action) has been waiting
    reference: str = field(compare=False)
    action_id: int | None = None

    @property
    def target(self) -> str:
        return f"action:{self.action_id}" if self.action_id is not None else f"deviation:{self.deviation_id}"

    @property
    def round(self) -> tuple[str, str, str]:
        """The round this nudge belongs to, whoever receives it."""
        return (self.rule.value, self.target, self.period.isoformat())


@dataclass(frozen=True)
class PastNudge:
    """A nudge given in an earlier run (from the store)."""

    rule: str
    deviation_id: int
    target: str
    period: str
    at: datetime

    @property
    def round(self) -> tuple[str, str, str]:
        return (self.rule, self.target, self.period)


@dataclass(frozen=True)
class Escalation:
    """K rounds of reminders without progress: the leader channel is told."""

    deviation_id: int
    reference: str
    rounds: int
    period: str  # the stall (when progress last happened) and how many times K rounds have passed


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def snoozed(today: date, until: date | None) -> bool:
    """A target snoozed with «Utsett» is quiet until (not on) the workday chosen."""
    return until is not None and today < until


def check_snooze(today: date, until: date, limit: int, workdays: Workdays = NORWAY) -> None:
    """«Utsett» picks a later workday, at most `limit` workdays ahead (the office's cadence)."""
    if until <= today:
        raise SnoozeNotAllowed("error.snooze_later")
    if not workdays.is_workday(until):
        raise SnoozeNotAllowed("error.snooze_workday")
    if workdays.between(today, until) > limit:
        raise SnoozeNotAllowed("error.snooze_too_far", limit=limit)


def _due_round(elapsed: int, threshold: int, repeat: int) -> int | None:
    """The workday count at which the current round fell due, or None before the first round."""
    if elapsed < threshold:
        return None
    return threshold + (elapsed - threshold) // repeat * repeat


def _leaders_for(deviation: DeviationSnapshot, leaders: Iterable[str]) -> list[str]:
    return [deviation.responsible_leader] if deviation.responsible_leader else sorted(leaders)


def due_nudges(deviations: Iterable[DeviationSnapshot], cadence: Cadence, leaders: Iterable[str], today: date,
               tz: ZoneInfo, workdays: Workdays = NORWAY) -> list[Nudge]:
    """Every reminder due on `today` (the office's local date) for these open cases."""
    leaders = sorted(set(leaders))
    repeat = cadence.repeat_after_workdays
    nudges: list[Nudge] = []

    def due(deviation: DeviationSnapshot, rule: Rule, anchor: date, threshold: int, recipients: Iterable[str],
            action_id: int | None = None, snoozed_until: date | None = None) -> None:
        if rule in SNOOZABLE and snoozed(today, snoozed_until):
            return  # «Utsett»: quiet until the chosen workday; no round is given, so none counts to escalation
        elapsed = workdays.between(anchor, today)
        at = _due_round(elapsed, threshold, repeat)
        if at is None:
            return
        period = workdays.add(anchor, at)
        for recipient in dict.fromkeys(recipients):
            nudges.append(Nudge(recipient, deviation.id, rule, period, elapsed, deviation.reference, action_id))

    for deviation in deviations:
        since = local_date(deviation.state_since, tz)
        quiet = deviation.snoozed_until
        if deviation.state is State.REGISTERED:
            due(deviation, Rule.UNASSESSED, since, cadence.assess_after_workdays, _leaders_for(deviation, leaders),
                snoozed_until=quiet)
        elif deviation.state is State.READY_TO_CLOSE:
            due(deviation, Rule.READY_TO_CLOSE, since, cadence.ready_to_close_after_workdays,
                _leaders_for(deviation, leaders), snoozed_until=quiet)
        elif deviation.state is State.FORWARDED and deviation.external_reference:
            # Issue 16: a leader confirms it is followed up in the other system before it can close.
            due(deviation, Rule.FOLLOW_UP_UNCONFIRMED, since, cadence.ready_to_close_after_workdays,
                _leaders_for(deviation, leaders), snoozed_until=quiet)
        elif deviation.state is State.FORWARDED and not deviation.external_reference and deviation.reporter_id:
            # Never for an anonymous case: there is nobody to ask, and nobody is stored.
            due(deviation, Rule.EXTERNAL_REFERENCE, since, cadence.external_reference_after_workdays,
                [deviation.reporter_id], snoozed_until=quiet)
        if deviation.state is State.CLOSED:
            continue
        owner_after = 1 + cadence.overdue_owner_after_workdays  # overdue from the first workday after due
        for action in deviation.open_actions:
            due(deviation, Rule.OVERDUE_OWNER, action.due_on, owner_after, [action.owner_id], action.id,
                snoozed_until=action.snoozed_until)
            leader_recipients = [r for r in _leaders_for(deviation, leaders) if r != action.owner_id]
            due(deviation, Rule.OVERDUE_LEADER, action.due_on, owner_after + cadence.overdue_leader_after_workdays,
                leader_recipients, action.id)
    return sorted(nudges)


def escalations(deviations: Iterable[DeviationSnapshot], nudges: Iterable[Nudge], history: Iterable[PastNudge],
                cadence: Cadence) -> list[Escalation]:
    """Cases still waiting after K rounds of reminders since their last progress.

    A round is one reminder (of one rule, about the case or one of its actions, in one
    period), however many people received it. The rounds being given now do not count yet:
    the leader channel hears of a case when the K reminders before this one changed nothing,
    and again after each further K.
    """
    by_id = {deviation.id: deviation for deviation in deviations}
    nudges = list(nudges)
    now_due = {n.deviation_id for n in nudges}
    current = {n.round for n in nudges}
    rounds: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
    for past in history:
        deviation = by_id.get(past.deviation_id)
        if deviation is not None and past.at > deviation.progress_at and past.round not in current:
            rounds[past.deviation_id].add(past.round)
    found = []
    k = cadence.escalate_after_nudges
    for deviation_id in sorted(now_due):
        count = len(rounds[deviation_id])
        if count >= k:
            deviation = by_id[deviation_id]
            found.append(Escalation(deviation_id, deviation.reference, count,
                                    escalation_period(deviation.progress_at, count // k)))
    return found


def escalation_period(stall: datetime, level: int) -> str:
    """An escalation's ledger period: the stall (when progress last happened) and how many times K
    rounds have passed since, so each further K tells the leader channel once more."""
    return f"{stall.astimezone(UTC).strftime('%Y%m%dT%H%M%S')}:{level}"


def escalation_level(period: str) -> int:
    """The level an escalation's period carries (`escalation_period`, read back when it is sent)."""
    return int(period.rpartition(":")[2] or 1)


def by_recipient(nudges: Iterable[Nudge]) -> dict[str, list[Nudge]]:
    """One message per person per run gathers all their reminders."""
    gathered: dict[str, list[Nudge]] = defaultdict(list)
    for nudge in sorted(nudges):
        gathered[nudge.recipient].append(nudge)
    return dict(gathered)


def still_due(rule: Rule | str, state: str, action_state: str | None = None,
              external_reference: str | None = None) -> bool:
    """Checked again when the reminder is sent: a case assessed in the meantime is not nagged about."""
    rule = Rule(rule)
    if state == State.CLOSED:
        return False
    if rule is Rule.UNASSESSED:
        return state == State.REGISTERED
    if rule is Rule.READY_TO_CLOSE:
        return state == State.READY_TO_CLOSE
    if rule is Rule.EXTERNAL_REFERENCE:
        return state == State.FORWARDED and not external_reference
    if rule is Rule.FOLLOW_UP_UNCONFIRMED:
        return state == State.FORWARDED and bool(external_reference)
    return action_state == ActionState.OPEN


def weekly_due(today: date, weekday: int, workdays: Workdays = NORWAY) -> bool:
    """A weekly message goes out on its weekday, or the first workday after it that week when
    that day is a holiday (the ledger's key per week keeps it to once)."""
    return workdays.is_workday(today) and today.weekday() >= weekday


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"

