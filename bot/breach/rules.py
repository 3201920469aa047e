"""The breach clock: when the 72 hours run out, which hourly run reminds whom, when the leader
channel is told, and when the deadline is missed. Plain Python: no Slack, no SQL.

GDPR art. 33(1): the controller notifies the supervisory authority «without undue delay and, where
feasible, not later than 72 hours after having become aware of it» («snarest, senest innen 72
timer»). The clock runs in elapsed calendar hours from discovery: weekends, holidays and the
change to or from summer time count as the hours they are, never as workdays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

DEADLINE = timedelta(hours=72)
RUN_EVERY = timedelta(hours=1)  # the scheduler's breach job runs hourly
ESCALATE_AT_HOURS_LEFT = (48, 24)  # the leader channel hears at 48 and at 24 hours left


class Answer(StrEnum):
    """«Kan personopplysninger ha kommet på avveie, blitt endret eller blitt utilgjengelige?»"""

    YES = "ja"
    NO = "nei"
    UNKNOWN = "vet_ikke"


class BreachKind(StrEnum):
    """The three kinds of breach art. 4(12) names: confidentiality, integrity, availability."""

    CONFIDENTIALITY = "konfidensialitet"
    INTEGRITY = "integritet"
    AVAILABILITY = "tilgjengelighet"


class Decision(StrEnum):
    NOTIFIED = "meldt"  # «Meldt til Datatilsynet»
    NOT_REQUIRED = "ikke_meldepliktig"  # art. 33(5): the reason is documented


def starts_track(answer: Answer | None) -> bool:
    """«Ja» or «Vet ikke» starts the clock: an unsure answer is treated as a possible breach."""
    return answer in (Answer.YES, Answer.UNKNOWN)


def deadline(discovered_at: datetime) -> datetime:
    """72 elapsed hours after discovery (aware datetimes: the arithmetic is in absolute time)."""
    return (discovered_at.astimezone(UTC) + DEADLINE)


@dataclass(frozen=True)
class QuietHours:
    """No direct messages from `start` to `end` o'clock in the office's time zone (22–07 by default)."""

    start: int = 22
    end: int = 7

    def covers(self, moment: datetime, tz: tzinfo) -> bool:
        hour = moment.astimezone(tz).hour
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= hour < self.end
        return hour >= self.start or hour < self.end


@dataclass(frozen=True)
class Clock:
    """One breach's state as the rules need it."""

    discovered_at: datetime
    reference_in: bool  # the ASYS reference is recorded
    decided: bool  # «Meldt til Datatilsynet» or «Ikke meldepliktig» recorded

    @property
    def deadline(self) -> datetime:
        return deadline(self.discovered_at)

    @property
    def done(self) -> bool:
        return self.reference_in and self.decided


def time_left(clock: Clock, now: datetime) -> timedelta:
    return clock.deadline - now


def is_missed(clock: Clock, now: datetime) -> bool:
    """The deadline passed before a decision was recorded."""
    return not clock.decided and now >= clock.deadline


def is_last_run(clock: Clock, now: datetime) -> bool:
    """The last hourly run before the deadline: its reminder is sent even in quiet hours."""
    return timedelta(0) < time_left(clock, now) <= RUN_EVERY


def reminder_slot(clock: Clock, now: datetime) -> str | None:
    """The ledger period of a DM reminder due at `now` (one per elapsed hour since discovery), or
    None: before discovery, after the deadline. Quiet hours are the caller's (`dm_allowed`)."""
    left = time_left(clock, now)
    if now < clock.discovered_at or left <= timedelta(0):
        return None
    if is_last_run(clock, now):
        return "last"
    return f"h{int((now - clock.discovered_at) // timedelta(hours=1))}"


def dm_allowed(clock: Clock, now: datetime, tz: tzinfo, quiet: QuietHours) -> bool:
    """Direct messages wait out the quiet hours, but the last reminder before the deadline never does."""
    return is_last_run(clock, now) or not quiet.covers(now, tz)


@dataclass(frozen=True)
class Due:
    """Who a breach's hourly run reminds at `now`."""

    reporter: bool  # the reporter, until the ASYS reference is in
    decision_makers: bool  # the privacy contact and the responsible leader, until the decision
    escalation: int | None  # hours left at the escalation due now (48 or 24), if any
    slot: str | None


def due(clock: Clock, now: datetime, tz: tzinfo, quiet: QuietHours) -> Due:
    slot = reminder_slot(clock, now)
    dms = slot is not None and dm_allowed(clock, now, tz, quiet)
    return Due(reporter=dms and not clock.reference_in, decision_makers=dms and not clock.decided,
               escalation=escalation_due(clock, now), slot=slot)


def escalation_due(clock: Clock, now: datetime) -> int | None:
    """The most urgent escalation reached and not past the deadline (48 h left, then 24 h left);
    none once the decision is recorded. Each is entered once in the ledger, so it is posted once."""
    left = time_left(clock, now)
    if clock.decided or left <= timedelta(0):
        return None
    reached = [hours for hours in ESCALATE_AT_HOURS_LEFT if left <= timedelta(hours=hours)]
    return min(reached) if reached else None


def countdown_slot(clock: Clock, now: datetime, every_hours: int = 3) -> str | None:
    """The card is refreshed in place every few hours while the track runs, and once when the deadline
    passes: the ledger period of the refresh due at `now`, or None."""
    if clock.done:
        return None
    if now >= clock.deadline:
        return "missed" if not clock.decided else None
    return f"c{int((now - clock.discovered_at) // timedelta(hours=every_hours))}"


# --- the registration form's questions --------------------------------------------------------

POSSIBLE, DISCOVERED, KIND = "breach_possible", "breach_discovered", "breach_kind"  # the form's field names
FUTURE_SLACK = timedelta(minutes=5)  # a clock a little ahead on the person's machine is no error


def asked_for(category: str) -> bool:
    """Only the information-security category asks whether personal data may be affected."""
    return category == "informasjonssikkerhet"


def form_errors(answer: Answer | None, kind: BreachKind | None, discovered_at: datetime | None,
                now: datetime) -> dict[str, str]:
    """The breach questions' errors by field: the answer is required; a track needs its kind; a
    discovery cannot be in the future."""
    errors: dict[str, str] = {}
    if answer is None:
        errors[POSSIBLE] = "error.field.required"
    if starts_track(answer) and kind is None:
        errors[KIND] = "error.field.required"
    if discovered_at is not None and discovered_at > now + FUTURE_SLACK:
        errors[DISCOVERED] = "breach.error.future"
    return errors


# --- the period report ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    """Breaches discovered in a period: how many, the median hours from discovery to the ASYS
    reference and to the decision, and how many were decided within the 72 hours. No people, no text."""

    count: int = 0
    median_hours_to_reference: float | None = None
    median_hours_to_decision: float | None = None
    met_deadline: int = 0


def figures(tracks: list[tuple[datetime, datetime | None, datetime | None]]) -> Figures:
    """`tracks`: (discovered, reference in, decided) per breach."""
    from statistics import median

    def hours(pairs: list[tuple[datetime, datetime | None]]) -> float | None:
        spans = [(later - first) / timedelta(hours=1) for first, later in pairs if later is not None]
        return round(median(spans), 1) if spans else None

    met = sum(1 for found, _, decided in tracks if decided is not None and decided <= deadline(found))
    return Figures(len(tracks), hours([(f, r) for f, r, _ in tracks]), hours([(f, d) for f, _, d in tracks]), met)
