"""The case's vocabulary and its state machine (DESIGN.md, «States»; seed 000).

Plain Python: no Slack, no SQL. The store keeps the values; these rules decide
which changes are allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from bot.errors import (
    ActionAlreadyFinished,
    AssessmentIncomplete,
    ClosureNotAllowed,
    InvalidTransition,
    ReasonRequired,
)

T = TypeVar("T")


class Kind(StrEnum):
    """Seed 000, «Hva er et avvik?»: «Et avvik er i utgangspunktet et brudd på lov og forskrift eller
    sentrale og lokale rutiner, inkludert forvaltningsrettslige prinsipper. Men kan også dreie seg om
    andre hendelser, svikt eller avgjørelser som virksomheten ønsker å bruke til læring og forbedring»;
    and its process starts with «Registrere avviket eller observasjonen».

    A proposal for change is not a kind: «Forslag til endringer eller avvik innenfor statlige
    fagområder meldes i linja» (the category says so). Stored «forslag» became «hendelse» (0016).
    """

    BREACH = "brudd"  # brudd på lov og forskrift eller sentrale og lokale rutiner (inkl. forvaltningsrett)
    EVENT = "hendelse"  # andre hendelser, svikt eller avgjørelser til læring og forbedring
    OBSERVATION = "observasjon"  # «avviket eller observasjonen»


class Severity(StrEnum):
    LOW = "lav"
    MEDIUM = "middels"
    HIGH = "hoy"  # «større avvik»: the leader group decides formally


class CitizenRights(StrEnum):
    """Seed 000: «ha brukeren i fokus, dvs. brukerens rettigheter»."""

    YES = "ja"
    NO = "nei"
    UNSURE = "usikker"


class State(StrEnum):
    REGISTERED = "registrert"
    FORWARDED = "videresendt"
    ACTIONS_ONGOING = "tiltak_pagar"
    READY_TO_CLOSE = "klar_for_lukking"
    CLOSED = "lukket"


OPEN_STATES = frozenset(State) - {State.CLOSED}


class ActionState(StrEnum):
    OPEN = "apen"
    DONE = "utfort"
    DROPPED = "forkastet"


def action_state_at(state: str, finished_at: datetime | None, moment: datetime) -> str:
    """An action's (or a quality measure's) state at `moment`: open until it was done or dropped (a
    finished row without a time keeps its state)."""
    return state if finished_at is None or finished_at < moment else ActionState.OPEN.value


def unfinished_at(created_at: datetime, finished_at: datetime | None, state: str, moment: datetime) -> bool:
    """The action existed at `moment` and was not yet done or dropped."""
    if created_at >= moment:
        return False
    if finished_at is not None:
        return finished_at >= moment
    return state == ActionState.OPEN


class Term(StrEnum):
    """Seed 000: leaders «iverksetter kort- og langsiktige tiltak»."""

    SHORT = "kort"
    LONG = "lang"


class Command(StrEnum):
    ASSESS_WITH_ACTIONS = "vurdert_med_tiltak"
    ASSESS_WITHOUT_ACTIONS = "vurdert_uten_tiltak"
    ACTIONS_FINISHED = "tiltak_fullfort"
    BACK_TO_ASSESSMENT = "tilbake_til_vurdering"  # every action dropped, none done
    CONFIRM_EXTERNAL = "ekstern_referanse"  # the other system's reference arrives; the case stays forwarded
    FOLLOWED_UP_ELSEWHERE = "fulgt_opp_eksternt"  # a leader confirms it is followed up in the other system
    CLOSE = "lukket"
    REOPEN = "gjenapnet"


TRANSITIONS: dict[tuple[State, Command], State] = {
    (State.REGISTERED, Command.ASSESS_WITH_ACTIONS): State.ACTIONS_ONGOING,
    (State.REGISTERED, Command.ASSESS_WITHOUT_ACTIONS): State.READY_TO_CLOSE,
    (State.ACTIONS_ONGOING, Command.ACTIONS_FINISHED): State.READY_TO_CLOSE,
    (State.ACTIONS_ONGOING, Command.BACK_TO_ASSESSMENT): State.REGISTERED,
    (State.FORWARDED, Command.CONFIRM_EXTERNAL): State.FORWARDED,
    (State.FORWARDED, Command.FOLLOWED_UP_ELSEWHERE): State.READY_TO_CLOSE,
    (State.READY_TO_CLOSE, Command.CLOSE): State.CLOSED,
    (State.CLOSED, Command.REOPEN): State.REGISTERED,
}


def next_state(state: State, command: Command) -> State:
    """The state after `command`, or InvalidTransition when the case's state does not allow it."""
    try:
        return TRANSITIONS[(state, command)]
    except KeyError:
        raise InvalidTransition(state=state.value, command=command.value) from None


def commands_from(state: State) -> list[Command]:
    """What may be done to a case in `state` (drives which buttons a card shows)."""
    return [command for (source, command) in TRANSITIONS if source is state]


@dataclass(frozen=True)
class ClosureRequest:
    """What a leader submits in the closure modal."""

    feedback: str
    lesson: str | None = None
    no_new_lesson: bool = False  # «Ingen ny erfaring», ticked instead of writing the experience
    decision_date: date | None = None
    decision_reference: str | None = None


def decision_required(severity: Severity, leader_group_decision: bool) -> bool:
    """Whether closure needs the leader group's avgjørelse: a «større avvik», where the office keeps
    the seed's recommendation as its rule (`[office.rules] leader_group_decision`, on by default)."""
    return leader_group_decision and severity is Severity.HIGH


def check_closure(state: State, severity: Severity, action_states: Iterable[ActionState],
                  request: ClosureRequest, *, leader_group_decision: bool = True) -> None:
    """Seed 000, «Lukking av avvik»: «ikke lukk et avvik før det er vurdert om det skal iverksettes
    tiltak og tiltaket er gjennomført. Ved større avvik anbefales at ledergruppa fatter en formell
    avgjørelse og informerer om det på kontoret.»

    Raises ClosureNotAllowed with the reason; returns when the case may close.
    """
    check_closable(state, action_states)
    if not request.feedback.strip():
        raise ClosureNotAllowed("error.closure_needs_feedback")
    check_lesson(request.lesson, request.no_new_lesson)
    if decision_required(severity, leader_group_decision) and not (
            request.decision_date and (request.decision_reference or "").strip()):
        raise ClosureNotAllowed("error.closure_needs_decision")


def check_lesson(lesson: str | None, no_new_lesson: bool) -> None:
    """Seed 000's last step, «Erfaring inn i virksomhetsplan»: closure records the experience for the
    business plan, or says explicitly that there is none new («Ingen ny erfaring»), never both."""
    written = bool((lesson or "").strip())
    if written and no_new_lesson:
        raise ClosureNotAllowed("error.closure_lesson_or_none")
    if not written and not no_new_lesson:
        raise ClosureNotAllowed("error.closure_needs_lesson")


def check_closable(state: State, action_states: Iterable[ActionState]) -> None:
    """The part of the closure rules the case itself decides: assessed (ready) and no open action."""
    if state is not State.READY_TO_CLOSE:
        raise ClosureNotAllowed("error.closure_not_ready", state=state.value)
    if any(s is ActionState.OPEN for s in action_states):
        raise ClosureNotAllowed("error.closure_open_actions")


def closure_offered(state: State, action_states: Iterable[ActionState]) -> bool:
    """Whether «Lukk» is offered: the case is ready and no action is open (the rest is asked in the modal)."""
    try:
        check_closable(state, action_states)
    except ClosureNotAllowed:
        return False
    return True


def assessment_command(needs_actions: bool, action_count: int, reasons: str | None) -> Command:
    """Seed 000, «Vurdering av korrigerende tiltak»: the leaders decide whether actions are needed.

    With actions the case waits for them; without, the reasons are required and it is ready to close.
    """
    if needs_actions:
        if action_count < 1:
            raise AssessmentIncomplete("error.assessment_needs_action")
        return Command.ASSESS_WITH_ACTIONS
    if not (reasons or "").strip():
        raise AssessmentIncomplete("error.assessment_needs_reasons")
    return Command.ASSESS_WITHOUT_ACTIONS


def require_open(current: ActionState) -> None:
    """Only an open action (or measure) can be finished; a second «Utført» is told it is done."""
    if current is not ActionState.OPEN:
        raise ActionAlreadyFinished(state=current.value)


def finish_action(current: ActionState, outcome: ActionState, text: str | None) -> ActionState:
    """An open action becomes done (with a completion note) or dropped (with a reason).

    Seed 000 / DESIGN.md: «every action is done or dropped with a reason».
    """
    if outcome is ActionState.OPEN:
        raise ValueError("an action is finished as done or dropped")
    require_open(current)
    if not (text or "").strip():
        raise ReasonRequired("error.drop_needs_reason" if outcome is ActionState.DROPPED else "error.done_needs_note")
    return outcome


def command_after_actions(state: State, action_states: Iterable[ActionState]) -> Command | None:
    """What follows once the last open action of the current assessment is done or dropped.

    Seed 000: «ikke lukk et avvik før det er vurdert om det skal iverksettes tiltak og tiltaket er
    gjennomført». A dropped action is not a carried-out one: when at least one was done the case is
    ready to close (ACTIONS_FINISHED); when every one was dropped the leaders assess the case anew
    (BACK_TO_ASSESSMENT). `action_states` are the actions of the current assessment only.
    """
    states = list(action_states)
    if state is not State.ACTIONS_ONGOING or not states or any(s is ActionState.OPEN for s in states):
        return None
    if any(s is ActionState.DONE for s in states):
        return Command.ACTIONS_FINISHED
    return Command.BACK_TO_ASSESSMENT


def current_actions(actions: Iterable, assessed_at: datetime | None) -> list[ActionState]:
    """The states of the actions of the current assessment: those created at or after it (an action
    added later counts too). Actions of an earlier round, before a reopening or a fresh assessment,
    neither carry the case nor hold it up."""
    return [ActionState(a.state) for a in actions if assessed_at is None or a.created_at >= assessed_at]


def check_reference(state: State, current_reference: str | None) -> None:
    """The other system's reference is recorded once, while the case is forwarded."""
    if state is not State.FORWARDED or (current_reference or "").strip():
        raise InvalidTransition(state=state.value, command=Command.CONFIRM_EXTERNAL.value)


def check_followed_up(state: State, reference: str | None) -> None:
    """Seed 000: a case reported in ASYS, TQM or Samspillet is assessed and followed up there; a leader
    confirms that here, with the other system's reference in hand, before the case may close."""
    next_state(state, Command.FOLLOWED_UP_ELSEWHERE)
    if not (reference or "").strip():
        raise ClosureNotAllowed("error.followup_needs_reference")


def check_actions_changeable(state: State) -> None:
    """Actions are added, or given a new responsible person or due date, while they are under way."""
    if state is not State.ACTIONS_ONGOING:
        raise InvalidTransition(state=state.value, command="endre_tiltak")


def check_reopen(state: State, reason: str | None) -> None:
    """Reopening a closed case needs a reason (DESIGN.md, «States»)."""
    next_state(state, Command.REOPEN)
    if not (reason or "").strip():
        raise ReasonRequired("error.reopen_needs_reason")


def format_reference(year: int, seq: int, prefix: str | None = None) -> str:
    """`AVV-2026-0042`, or `AVV-LHG-2026-0042` with the office's prefix: unique across the offices
    of one workspace (issue 24)."""
    return f"{reference_head(year, prefix)}{seq:04d}"


def reference_head(year: int, prefix: str | None = None) -> str:
    """A reference up to its number: `AVV-2026-` or `AVV-LHG-2026-`."""
    return f"AVV-{prefix}-{year}-" if prefix else f"AVV-{year}-"


# --- risk and cause at assessment (issue 22) -------------------------------------------------------

RISK_LEVELS = (1, 2, 3, 4, 5)  # sannsynlighet and konsekvens: each 1–5, the office names the steps
RISK_MAX = RISK_LEVELS[-1] * RISK_LEVELS[-1]


class RiskBand(StrEnum):
    """The colour of a risk score, as Norwegian QHSE systems show sannsynlighet × konsekvens."""

    GREEN = "gronn"
    YELLOW = "gul"
    RED = "rod"


# The office config's cause types by default (issue 22; Arbeidstilsynet asks that the cause be
# registered «slik at det samme ikke skjer igjen»). Labels are in the catalogue (`cause.<id>`).
DEFAULT_CAUSE_TYPES = ("rutine_mangler", "rutine_ukjent", "rutine_ikke_fulgt", "opplaering", "kapasitet", "system",
                       "samhandling", "annet")


def risk_score(likelihood: int | None, consequence: int | None) -> int | None:
    """Sannsynlighet × konsekvens, 1–25; None while either is «ikke vurdert»."""
    if likelihood is None or consequence is None:
        return None
    if likelihood not in RISK_LEVELS or consequence not in RISK_LEVELS:
        raise ValueError(f"risk outside 1–5: {likelihood} × {consequence}")
    return likelihood * consequence


def risk_band(score: int, green_up_to: int, yellow_up_to: int) -> RiskBand:
    """Green up to and including `green_up_to`, yellow up to and including `yellow_up_to`, red above
    (the office config's thresholds; 4 and 12 by default)."""
    if score <= green_up_to:
        return RiskBand.GREEN
    if score <= yellow_up_to:
        return RiskBand.YELLOW
    return RiskBand.RED


def risk_order(score: int | None, created_at: datetime, tie: int = 0) -> tuple:
    """How open cases are listed (oversikt, the weekly summary, reminders): the highest risk first, then
    the oldest; cases whose risk is «ikke vurdert» after every scored one, oldest first (they wait for
    an assessment, which their own reminders ask for). `tie` (the case id) keeps the order stable."""
    return (score is None, -(score or 0), created_at, tie)


def risk_then_age(deviation) -> tuple:
    """A case's place in a list by risk_order; a stored value outside the scale counts as «ikke vurdert»."""
    try:
        score = risk_score(deviation.risk_likelihood, deviation.risk_consequence)
    except ValueError:
        score = None
    return risk_order(score, deviation.created_at, deviation.id)


def by_risk(deviations: Iterable[T]) -> list[T]:
    """Open cases as oversikt, the weekly summary and the reminders list them (issue 22): risk, then age."""
    return sorted(deviations, key=risk_then_age)


def risk_changeable(state: State) -> bool:
    """«Endre risiko» after the assessment, while the case is open: a case waiting for its assessment
    gets its risk there, and a closed case keeps what it was closed with."""
    return state not in (State.REGISTERED, State.CLOSED)


def check_risk_changeable(state: State) -> None:
    if not risk_changeable(state):
        raise InvalidTransition(state=state.value, command="endre_risiko")

