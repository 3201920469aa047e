"""The leaders' side of the loop: assess, follow the actions, close, reopen (seed 000).

«Tenk på at avvikshåndtering er det samme som utvikling, dvs. ikke lukk et avvik før det er
vurdert om det skal iverksettes tiltak og tiltaket er gjennomført.»

Every change goes through bot.deviations.workflow, so it locks the case, asks the rules in
bot.deviations.rules, writes one audit event and enters its messages (card, thread, DMs) in one
transaction. Who may do what is checked here, on the server, whatever a button's payload says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from bot.clock import Clock
from bot.deviations.rules import (
    OPEN_STATES,
    ActionState,
    Command,
    Severity,
    State,
    assessment_command,
    by_risk,
    check_actions_changeable,
    check_closure,
    check_followed_up,
    check_reopen,
    check_risk_changeable,
    command_after_actions,
    current_actions,
    finish_action,
    require_open,
)
from bot.deviations.workflow import Moved, apply, enter, locked_deviation, record_step, transition
from bot.errors import (
    ActionNotFound,
    AssessmentIncomplete,
    ClosureNotAllowed,
    DeviationNotFound,
    InvalidTransition,
    NotActionOwner,
    NotALeader,
    StorageUnavailable,
)
from bot.leaders.directory import LeaderDirectory
from bot.leaders.forms import ActionChange, ActionDraft, AssessmentForm, ClosureForm, RiskForm
from bot.office import Office
from store import deviations as store
from store.db import Database, Unavailable
from store.ledger import LedgerKey, MessageKind, Target
from store.models import Action, Deviation, Event

log = logging.getLogger(__name__)
T = TypeVar("T")

REFUSED = "ikke_tilgang"  # audit event kind of a refused attempt
ACTION_DONE, ACTION_DROPPED = "tiltak_utfort", "tiltak_forkastet"  # audit event kinds of an action's end
ACTION_ADDED, ACTION_CHANGED = "tiltak_lagt_til", "tiltak_endret"  # … of an action added or changed under way
RISK_CHANGED = "risiko_endret"  # … of «Endre risiko» (issue 22): numbers and cause ids only, never free text
# The open states in the order a case passes them: the overview's sections.
OVERVIEW_ORDER = (State.REGISTERED, State.FORWARDED, State.ACTIONS_ONGOING, State.READY_TO_CLOSE)


@dataclass(frozen=True)
class Finished:
    """An action done or dropped; `moved` when it was the last one and the case became ready."""

    deviation_id: int
    reference: str
    ledger_ids: list[int] = field(default_factory=list)
    moved: Moved | None = None


def _unit(db: Database, work: Callable[..., T]) -> T:
    try:
        with db.transaction() as session:
            return work(session)
    except Unavailable as exc:
        raise StorageUnavailable() from exc


# --- who may ------------------------------------------------------------------------------------

def authorize(db: Database, clock: Clock, leaders: LeaderDirectory, office: Office, user_id: str, attempt: str,
              deviation_id: int | None = None) -> None:
    """Only leaders assess, drop, close and reopen. A refused attempt is written to the audit log
    (who tried what, on which case) and raises NotALeader; nothing else changes."""
    if leaders.is_leader(office, user_id):
        return
    refuse(db, clock, office, user_id, attempt, deviation_id)
    raise NotALeader()


def authorize_owner(db: Database, clock: Clock, leaders: LeaderDirectory, office: Office, user_id: str,
                    action: Action) -> None:
    """An action is marked done by its owner or by a leader."""
    if user_id == action.owner_id or leaders.is_leader(office, user_id):
        return
    refuse(db, clock, office, user_id, "utfort", action.deviation_id)
    raise NotActionOwner()


def refuse(db: Database, clock: Clock, office: Office, user_id: str, attempt: str,
           deviation_id: int | None) -> None:
    def work(session) -> None:
        deviation = store.by_id(session, deviation_id) if deviation_id else None
        if deviation is not None and deviation.office_id != office.id:
            deviation = None
        detail = {"attempt": attempt[:40]}
        if deviation is None and deviation_id:
            detail["case"] = str(deviation_id)[:20]
        store.record_event(session, office_id=office.id, kind=REFUSED, at=clock.now(), actor_id=user_id,
                           deviation=deviation, detail=detail)

    try:
        _unit(db, work)
    except StorageUnavailable:
        log.warning("audit: a refused %s attempt could not be recorded (database unavailable)", attempt)


# --- reading ------------------------------------------------------------------------------------

def load_deviation(db: Database, office: Office, deviation_id: int) -> Deviation:
    """The case with its actions, for rendering (detached from the session)."""
    def work(session) -> Deviation:
        deviation = store.by_id(session, deviation_id)
        if deviation is None or deviation.office_id != office.id:
            raise DeviationNotFound()
        return deviation

    return _unit(db, work)


def load_action(db: Database, office: Office, action_id: int) -> tuple[Deviation, Action]:
    """A case's action with its case. A quality round's measure is not one (bot.quality.service)."""
    def work(session) -> tuple[Deviation, Action]:
        action = store.action_by_id(session, action_id)
        deviation = store.by_id(session, action.deviation_id) if action and action.deviation_id else None
        if action is None or deviation is None or deviation.office_id != office.id:
            raise ActionNotFound()
        return deviation, action

    return _unit(db, work)


def action_for_owner(db: Database, clock: Clock, leaders: LeaderDirectory, office: Office, action_id: int | None,
                     user_id: str) -> tuple[Deviation, Action]:
    """An action with its case, for its owner or a leader (anyone else: refused and audited)."""
    if action_id is None:
        raise ActionNotFound()
    deviation, action = load_action(db, office, action_id)
    authorize_owner(db, clock, leaders, office, user_id, action)
    return deviation, action


def action_to_complete(db: Database, clock: Clock, leaders: LeaderDirectory, office: Office,
                       action_id: int | None, user_id: str) -> tuple[Deviation, Action]:
    """What the completion modal shows: an action still open, for its owner or a leader."""
    deviation, action = action_for_owner(db, clock, leaders, office, action_id, user_id)
    require_open(ActionState(action.state))
    return deviation, action


def my_deviations(db: Database, office: Office, user_id: str, offices: Sequence[Office] = ()) -> list[Deviation]:
    """A person's own cases, in `office` or in any of `offices` (their workspace's, issue 24); anonymous
    ones have no reporter, so they are never among them."""
    ids = [o.id for o in offices] or office.id
    return list(_unit(db, lambda session: store.by_reporter(session, ids, user_id)))


def deviation_for(db: Database, leaders: LeaderDirectory, office: Office, reference: str, user_id: str) -> Deviation:
    """One case, for its reporter or a leader; anyone else hears that there is no such case."""
    deviation = _unit(db, lambda session: store.by_reference(session, office.id, reference.strip()))
    if deviation is None:
        raise DeviationNotFound()
    if deviation.reporter_id != user_id and not leaders.is_leader(office, user_id):
        raise DeviationNotFound()
    return deviation


def overview(db: Database, office: Office) -> dict[State, list[Deviation]]:
    """Open cases by state, each state's by risk then age (seed 000: leaders «jevnlig etterspør
    informasjon om meldte avvik»; issue 22: the most serious first)."""
    deviations = by_risk(list(_unit(db, lambda session: store.open_deviations(session, office.id))))
    grouped: dict[State, list[Deviation]] = {state: [] for state in OVERVIEW_ORDER}
    for deviation in deviations:
        state = State(deviation.state)
        if state in OPEN_STATES:
            grouped.setdefault(state, []).append(deviation)
    return grouped


# --- changing -----------------------------------------------------------------------------------

def _ready_message(deviation: Deviation, event: Event, office: Office) -> LedgerKey:
    """Tell the responsible leader that a case is ready for closure."""
    return LedgerKey(MessageKind.READY_TO_CLOSE, Target.deviation(deviation.id),
                     deviation.responsible_leader or office.leader_channel, Target.event(event.id))


def _reporter_told(deviation: Deviation, event: Event, kind: MessageKind, actor_id: str) -> list[LedgerKey]:
    """Seed 000, «Tilbakemelding til kontoret/medarbeidere»: the reporter hears what became of their
    case («Jeg har meldt ifra … lurer på om det egentlig er noen hensikt»). Never an anonymous
    reporter (there is nobody stored to tell), nor one who did this themselves."""
    if deviation.anonymous or not deviation.reporter_id or deviation.reporter_id == actor_id:
        return []
    return [LedgerKey(kind, Target.deviation(deviation.id), deviation.reporter_id, Target.event(event.id))]


def assess(db: Database, clock: Clock, office: Office, deviation_id: int, form: AssessmentForm, *,
           actor_id: str) -> Moved:
    """Seed 000, «Vurdering av korrigerende tiltak»: record the leaders' decision and its actions;
    each owner gets a DM with their action."""
    command = assessment_command(form.needs_actions, len(form.actions), form.reasons)
    now = clock.now()
    created: list[Action] = []

    detail: dict = {"actions": len(form.actions), "responsible": form.responsible}
    if form.risk is not None:
        detail.update(_risk_detail(form.risk))

    def change(deviation: Deviation) -> None:
        deviation.responsible_leader = form.responsible
        deviation.assessment_note = form.reasons
        if form.risk is not None:
            _set_risk(deviation, form.risk)
        if form.severity is not None and form.severity.value != deviation.severity:
            # DESIGN.md: «the reporter suggests, the assessing leader decides»; the suggestion is kept.
            detail["severity"] = {"from": deviation.severity, "to": form.severity.value}
            deviation.reported_severity = deviation.reported_severity or deviation.severity
            deviation.severity = form.severity.value
        for draft in form.actions:
            action = Action(term=draft.term.value, description=draft.description, owner_id=draft.owner,
                            due_on=draft.due_on, state=ActionState.OPEN.value, created_at=now)
            deviation.actions.append(action)
            created.append(action)

    def messages(deviation: Deviation, event: Event) -> list[LedgerKey]:
        keys = [LedgerKey(MessageKind.ACTION_ASSIGNED, Target.action(action.id), action.owner_id)
                for action in created]
        if command is Command.ASSESS_WITHOUT_ACTIONS and form.responsible != actor_id and form.closure is None:
            keys.append(_ready_message(deviation, event, office))
        return keys

    if form.closure is None:
        return transition(db, clock, office, deviation_id, command, actor_id=actor_id, change=change,
                          detail=detail, messages=messages)
    if command is not Command.ASSESS_WITHOUT_ACTIONS:
        raise AssessmentIncomplete("error.assessment_incomplete")
    closing = _closure(office, form.closure, actor_id)

    def work(session) -> Moved:
        """«Ingen tiltak – lukk nå» (issue 16): assessed without actions and closed in one transaction."""
        deviation = locked_deviation(session, office, deviation_id)
        assessed = apply(session, office, deviation, command, now, actor_id=actor_id, change=change, detail=detail,
                         messages=messages)
        closed = apply(session, office, deviation, Command.CLOSE, now, actor_id=actor_id, change=closing.change,
                       detail=closing.detail, messages=closing.messages)
        return Moved(closed.deviation_id, closed.reference, assessed.from_state, closed.to_state, closed.event_id,
                     assessed.ledger_ids + closed.ledger_ids)

    return _unit(db, work)


def _risk_detail(risk: RiskForm) -> dict:
    return {"risk": {"likelihood": risk.likelihood, "consequence": risk.consequence},
            "cause_types": list(risk.cause_types)}


def _set_risk(deviation: Deviation, risk: RiskForm) -> None:
    deviation.risk_likelihood = risk.likelihood
    deviation.risk_consequence = risk.consequence
    deviation.cause_types = list(risk.cause_types)


def change_risk(db: Database, clock: Clock, office: Office, deviation_id: int, risk: RiskForm, *,
                actor_id: str) -> list[int]:
    """Issue 22, «Endre risiko»: a leader changes the risk and the cause types of an assessed, open case.
    One audit event (`risiko_endret`) with what changed, from and to, as numbers and cause ids; the card
    and its thread follow. Nothing changed: nothing recorded."""
    now = clock.now()

    def work(session) -> list[int]:
        deviation = locked_deviation(session, office, deviation_id)
        check_risk_changeable(State(deviation.state))
        detail: dict = {}
        if (deviation.risk_likelihood, deviation.risk_consequence) != (risk.likelihood, risk.consequence):
            detail["likelihood"] = {"from": deviation.risk_likelihood, "to": risk.likelihood}
            detail["consequence"] = {"from": deviation.risk_consequence, "to": risk.consequence}
        causes_before = list(deviation.cause_types or [])
        if causes_before != list(risk.cause_types):
            detail["cause_types"] = {"from": causes_before, "to": list(risk.cause_types)}
        if not detail:
            return []
        _set_risk(deviation, risk)
        return record_step(session, office, deviation, RISK_CHANGED, now, actor_id=actor_id, detail=detail)

    return _unit(db, work)


def finish(db: Database, clock: Clock, office: Office, action_id: int, outcome: ActionState, text: str, *,
           actor_id: str) -> Finished:
    """An action done (with a note) or dropped (with a reason). When it was the last open action of
    the current assessment, in the same transaction: if one was done the case becomes
    klar_for_lukking and the responsible leader is told (unless they did this themselves); if every
    one was dropped the case goes back to assessment (seed 000: dropped is not carried out)."""
    now = clock.now()

    def work(session) -> Finished:
        deviation_id = store.deviation_of_action(session, action_id)
        if deviation_id is None:
            raise ActionNotFound()
        deviation = locked_deviation(session, office, deviation_id)  # the case first: the same order as closure
        action = next(a for a in deviation.actions if a.id == action_id)
        action.state = finish_action(ActionState(action.state), outcome, text).value
        action.finished_at = now
        if outcome is ActionState.DONE:
            action.completion_note = text
        else:
            action.drop_reason = text
        ids = record_step(session, office, deviation, ACTION_DONE if outcome is ActionState.DONE else ACTION_DROPPED,
                          now, actor_id=actor_id, action=action, detail={"action": action.id})
        if outcome is ActionState.DROPPED and actor_id != action.owner_id:
            told = LedgerKey(MessageKind.ACTION_DROPPED, Target.action(action.id), action.owner_id)
            ids += enter(session, office, [told], now)
        moved = None
        command = command_after_actions(State(deviation.state), current_actions(deviation.actions,
                                                                                deviation.assessed_at))
        if command is not None:
            def ready(d: Deviation, e: Event) -> list[LedgerKey]:
                # Whoever finished the last action knows already; the case back to assessment shows on the card.
                told = d.responsible_leader or office.leader_channel
                return [_ready_message(d, e, office)] if command is Command.ACTIONS_FINISHED and told != actor_id \
                    else []

            moved = apply(session, office, deviation, command, now, actor_id=actor_id,
                          detail={"last_action": action.id}, messages=ready)
            ids += moved.ledger_ids
        return Finished(deviation.id, deviation.reference, ids, moved)

    return _unit(db, work)


def drop_action(db: Database, clock: Clock, office: Office, deviation_id: int, action_id: int, reason: str, *,
                actor_id: str) -> Finished:
    """A leader drops one of this case's open actions, with a reason; its owner is told."""
    deviation, _ = load_action(db, office, action_id)
    if deviation.id != deviation_id:
        raise ActionNotFound()
    return finish(db, clock, office, action_id, ActionState.DROPPED, reason, actor_id=actor_id)


@dataclass(frozen=True)
class _Closing:
    change: Callable[[Deviation], None]
    detail: dict
    messages: Callable[[Deviation, Event], list[LedgerKey]]


def _closure(office: Office, form: ClosureForm, actor_id: str) -> _Closing:
    """The closure step on a locked case: its rules checked, its fields set, and who is told."""
    request = form.request()

    def change(deviation: Deviation) -> None:
        check_closure(State(deviation.state), Severity(deviation.severity),
                      [ActionState(a.state) for a in deviation.actions], request,
                      leader_group_decision=office.rules.leader_group_decision)
        deviation.closure_feedback = request.feedback
        deviation.lesson = request.lesson
        deviation.no_new_lesson = request.no_new_lesson
        deviation.decision_date = request.decision_date
        deviation.decision_reference = request.decision_reference

    def messages(deviation: Deviation, event: Event) -> list[LedgerKey]:
        keys = _reporter_told(deviation, event, MessageKind.REPORTER_CLOSED, actor_id)
        if deviation.severity != Severity.HIGH.value:
            return keys  # the weekly digest tells the office
        office_told = LedgerKey(MessageKind.OFFICE_FEEDBACK, Target.deviation(deviation.id), office.office_channel,
                                Target.event(event.id))
        return [*keys, office_told]

    detail = {"decision": request.decision_date is not None, "no_new_lesson": request.no_new_lesson}
    return _Closing(change, detail, messages)


def close_deviation(db: Database, clock: Clock, office: Office, deviation_id: int, form: ClosureForm, *,
                    actor_id: str) -> Moved:
    """Seed 000, «Lukking av avvik». The closure rules are checked on the locked case, so a replayed
    or stale form cannot close a case whose actions are not finished. A `hoy` case's feedback is
    posted to the office channel at once («informerer om det på kontoret»)."""
    closing = _closure(office, form, actor_id)
    try:
        return transition(db, clock, office, deviation_id, Command.CLOSE, actor_id=actor_id, change=closing.change,
                          detail=closing.detail, messages=closing.messages)
    except InvalidTransition as exc:
        raise ClosureNotAllowed("error.closure_not_ready", state=exc.params.get("state", "")) from None


def reopen_deviation(db: Database, clock: Clock, office: Office, deviation_id: int, reason: str, *,
                     actor_id: str) -> Moved:
    """lukket → registrert, with a reason kept in the audit log; the case is assessed again."""
    return transition(db, clock, office, deviation_id, Command.REOPEN, actor_id=actor_id,
                      change=lambda deviation: check_reopen(State(deviation.state), reason),
                      detail={"reason": reason},
                      messages=lambda d, e: _reporter_told(d, e, MessageKind.REPORTER_REOPENED, actor_id))


def confirm_followed_up(db: Database, clock: Clock, office: Office, deviation_id: int, *, actor_id: str) -> Moved:
    """videresendt → klar_for_lukking: a leader confirms the case is followed up in the other system,
    whose reference it has (seed 000: every case is assessed, wherever it is reported)."""
    return transition(db, clock, office, deviation_id, Command.FOLLOWED_UP_ELSEWHERE, actor_id=actor_id,
                      change=lambda d: check_followed_up(State(d.state), d.external_reference))


def add_action(db: Database, clock: Clock, office: Office, deviation_id: int, draft: ActionDraft, *,
               actor_id: str) -> list[int]:
    """An action added while the actions are under way (seed 000: «iverksetter kort- og langsiktige
    tiltak»); its responsible person gets the DM with «Utført»; audit, card and thread record it."""
    now = clock.now()

    def work(session) -> list[int]:
        deviation = locked_deviation(session, office, deviation_id)
        check_actions_changeable(State(deviation.state))
        action = Action(term=draft.term.value, description=draft.description, owner_id=draft.owner,
                        due_on=draft.due_on, state=ActionState.OPEN.value, created_at=now)
        deviation.actions.append(action)
        session.flush()
        ids = record_step(session, office, deviation, ACTION_ADDED, now, actor_id=actor_id, action=action,
                          detail={"action": action.id, "owner": draft.owner, "due_on": draft.due_on.isoformat()})
        told = LedgerKey(MessageKind.ACTION_ASSIGNED, Target.action(action.id), action.owner_id)
        return ids + enter(session, office, [told], now)

    return _unit(db, work)


def change_action(db: Database, clock: Clock, office: Office, deviation_id: int, change: ActionChange, *,
                  actor_id: str) -> list[int]:
    """An open action gets a new responsible person and/or due date. The new one gets the action with
    «Utført»; the former one hears it is no longer theirs; audit, card and thread record the change."""
    now = clock.now()

    def work(session) -> list[int]:
        deviation = locked_deviation(session, office, deviation_id)
        check_actions_changeable(State(deviation.state))
        action = next((a for a in deviation.actions if a.id == change.action_id), None)
        if action is None:
            raise ActionNotFound()
        require_open(ActionState(action.state))
        detail: dict = {"action": action.id}
        former = action.owner_id
        if change.owner and change.owner != action.owner_id:
            detail["owner"] = {"from": action.owner_id, "to": change.owner}
            action.owner_id = change.owner
        if change.due_on and change.due_on != action.due_on:
            detail["due_on"] = {"from": action.due_on.isoformat(), "to": change.due_on.isoformat()}
            action.due_on = change.due_on
        if len(detail) == 1:
            return []  # nothing changed: nothing to record or tell
        event_ids = record_step(session, office, deviation, ACTION_CHANGED, now, actor_id=actor_id, action=action,
                                detail=detail)
        period = Target.event(store.events_of(session, deviation.id)[-1].id)
        keys = [LedgerKey(MessageKind.ACTION_ASSIGNED, Target.action(action.id), action.owner_id, period)]
        if "owner" in detail:
            keys.append(LedgerKey(MessageKind.ACTION_REASSIGNED, Target.action(action.id), former, period))
        return event_ids + enter(session, office, keys, now)

    return _unit(db, work)
