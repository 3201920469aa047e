"""The case's vocabulary and its state machine (DESIGN.md, «States»; seed 000).

Plain Python: no Slack, no SQL. The store keeps the values; these rules decide
which changes are allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.errors import (
    ActionAlreadyFinished,
    AssessmentIncomplete,
    ClosureNotAllowed,
    InvalidTransition,
    ReasonRequired,
)


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
    CONFIRM_EXTERNAL = "ekstern_referanse"
    CLOSE = "lukket"
    REOPEN = "gjenapnet"


TRANSITIONS: dict[tuple[State, Command], State] = {
    (State.REGISTERED, Command.ASSESS_WITH_ACTIONS): State.ACTIONS_ONGOING,
    (State.REGISTERED, Command.ASSESS_WITHOUT_ACTIONS): State.READY_TO_CLOSE,
    (State.ACTIONS_ONGOING, Command.ACTIONS_FINISHED): State.READY_TO_CLOSE,
    (State.FORWARDED, Command.CONFIRM_EXTERNAL): State.READY_TO_CLOSE,
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
    decision_date: date | None = None
    decision_reference: str | None = None


def check_closure(state: State, severity: Severity, action_states: Iterable[ActionState],
                  request: ClosureRequest) -> None:
    """Seed 000, «Lukking av avvik»: «ikke lukk et avvik før det er vurdert om det skal iverksettes
    tiltak og tiltaket er gjennomført. Ved større avvik anbefales at ledergruppa fatter en formell
    avgjørelse og informerer om det på kontoret.»

    Raises ClosureNotAllowed with the reason; returns when the case may close.
    """
    check_closable(state, action_states)
    if not request.feedback.strip():
        raise ClosureNotAllowed("error.closure_needs_feedback")
    if severity is Severity.HIGH and not (request.decision_date and (request.decision_reference or "").strip()):
        raise ClosureNotAllowed("error.closure_needs_decision")


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
    """ACTIONS_FINISHED once the last action of a case with actions under way is done or dropped."""
    states = list(action_states)
    if state is State.ACTIONS_ONGOING and states and not any(s is ActionState.OPEN for s in states):
        return Command.ACTIONS_FINISHED
    return None


def check_reopen(state: State, reason: str | None) -> None:
    """Reopening a closed case needs a reason (DESIGN.md, «States»)."""
    next_state(state, Command.REOPEN)
    if not (reason or "").strip():
        raise ReasonRequired("error.reopen_needs_reason")


def format_reference(year: int, seq: int) -> str:
    """`AVV-2026-0042`: unique per office."""
    return f"AVV-{year}-{seq:04d}"
