"""The leaders' buttons and modals: «Vurder» (with «Legg til tiltak»), «Forkast tiltak», «Lukk»,
«Gjenåpne», and the owner's «Utført» on a case's action.

Who may is checked on the server whatever the payload says, before the listener runs
(handlers.middleware.leaders_only: a refusal is written to the audit log and answered). A button
acks, then opens its modal, or a notice saying politely why not. A modal's submission parses its
values into a checked form (field errors go back with `response_action: errors`, the form stays as
typed), calls one function in bot.leaders.service, acks, then delivers what it entered in the ledger.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.deviations.rules import (
    ActionState,
    Command,
    Severity,
    State,
    check_actions_changeable,
    check_closable,
    check_followed_up,
    check_risk_changeable,
)
from bot.errors import DomainError, InvalidTransition
from bot.forms import FieldErrors
from bot.leaders import service as leaders_service
from bot.leaders.forms import (
    CLOSURE_FIELDS,
    MAX_ACTIONS,
    parse_action_change,
    parse_assessment,
    parse_choice,
    parse_closure,
    parse_new_action,
    parse_reason,
    parse_risk,
)
from bot.office import Office
from bot.services import Services
from bot.workspace import Subject
from handlers import ids
from handlers.common import (
    form_errors,
    id_of,
    mark_dm_done,
    modal_or_notice,
    notice_view,
    open_from,
    say,
    today,
    update_view,
)
from handlers.leaders.blocks import (
    action_dm_blocks,
    add_action_view,
    assessment_view,
    change_action_view,
    closure_view,
    completion_view,
    drop_view,
    followed_up_view,
    reopen_view,
    risk_view,
    typed_values,
)
from handlers.middleware import authorized, by_value, for_leaders, leaders_only, parse, view_deviation
from handlers.payloads import BlockAction, ModalAction, ViewSubmission
from store.models import Deviation

log = logging.getLogger(__name__)
L = ids.Leader


# --- the card's buttons: each opens its modal, or a notice saying why not ----------------------

def _require_state(deviation: Deviation, state: State, command: Command) -> None:
    if deviation.state != state.value:
        raise InvalidTransition(state=deviation.state, command=command.value)


def assessment_form(office: Office, deviation: Deviation, click: BlockAction) -> View:
    """«Vurder»: the assessment, with one action row to begin with."""
    _require_state(deviation, State.REGISTERED, Command.ASSESS_WITH_ACTIONS)
    return assessment_view(office, deviation, [0], click.user.id)


def drop_form(office: Office, deviation: Deviation, click: BlockAction) -> View:
    """«Forkast tiltak»: choose one of the deviation's open actions and say why."""
    if not any(a.state == ActionState.OPEN.value for a in deviation.actions):
        raise InvalidTransition(state=deviation.state, command="forkast")
    return drop_view(office, deviation)


def closure_form(office: Office, deviation: Deviation, click: BlockAction) -> View:
    """«Lukk», only once the deviation may close (seed 000: not before its actions are carried out)."""
    check_closable(State(deviation.state), [ActionState(a.state) for a in deviation.actions])
    return closure_view(office, deviation)


def followed_up_form(office: Office, deviation: Deviation, click: BlockAction) -> View:
    """«Bekreft oppfølging i ASYS»: only for a forwarded case whose reference is in."""
    check_followed_up(State(deviation.state), deviation.external_reference)
    return followed_up_view(office, deviation)


def add_action_form(office: Office, deviation: Deviation, click: BlockAction) -> View:
    """«Legg til tiltak» on the card (or a reminder) while the actions are under way."""
    check_actions_changeable(State(deviation.state))
    return add_action_view(office, deviation)


def change_action_form(office: Office, deviation: Deviation, click: BlockAction) -> View:
    """«Endre tiltak» on the card (or an overdue reminder): a new responsible person or due date."""
    check_actions_changeable(State(deviation.state))
    if not any(a.state == ActionState.OPEN.value for a in deviation.actions):
        raise InvalidTransition(state=deviation.state, command="endre_tiltak")
    return change_action_view(office, deviation)


def risk_form(office: Office, deviation: Deviation, click: BlockAction) -> View:
    """«Endre risiko» (issue 22): while the case is open and past its assessment."""
    check_risk_changeable(State(deviation.state))
    return risk_view(office, deviation)


def reopening_form(office: Office, deviation: Deviation, click: BlockAction) -> View:
    """«Gjenåpne» a closed deviation, with a reason."""
    _require_state(deviation, State.CLOSED, Command.REOPEN)
    return reopen_view(office, deviation)


def _rows(value: object) -> list[int]:
    rows = value if isinstance(value, list) else []
    return [r for r in rows if isinstance(r, int) and not isinstance(r, bool) and 0 <= r < 1000][:20]


def add_action_row(ack: Ack, client: WebClient, services: Services, office: Office, parsed: ModalAction) -> None:
    """«Legg til tiltak» in the assessment modal: views.update with the rows so far plus one, every
    typed value carried over (same block ids), so nothing is lost. Leaders only, checked after the
    ack; a refusal goes on top of the modal, which stays as typed."""
    ack()
    try:
        deviation = authorized(services, office, parsed.user.id, "legg_til_tiltak", view_deviation(parsed))
    except DomainError as refused:
        open_from(client, parsed, notice_view(office, say(refused, office.locale)))
        return
    rows = _rows(parsed.view.metadata.get("rows"))
    if len(rows) < MAX_ACTIONS:
        rows.append(max(rows, default=-1) + 1)
    typed = typed_values(parsed.view.state.values)
    update_view(client, parsed.view, assessment_view(office, deviation, rows, parsed.user.id, typed))


# --- the owner's «Utført» -------------------------------------------------------------------------

def show_completion(client: WebClient, services: Services, office: Office, parsed: BlockAction) -> None:
    """After the ack (handlers.actions): the owner (or a leader) opens the completion note for a
    deviation's action."""

    def build() -> View:
        deviation, action = leaders_service.action_to_complete(services.db, services.clock, services.leaders, office,
                                                          id_of(parsed.value), parsed.user.id)
        return completion_view(office, deviation, action, *parsed.message_at)

    open_from(client, parsed, modal_or_notice(office, build))


def submit_completion(ack: Ack, client: WebClient, services: Services, office: Office,
                      parsed: ViewSubmission) -> None:
    """The note saved: the action is done, and the DM the owner pressed «Utført» in says so."""
    db, clock, meta = services.db, services.clock, parsed.view.metadata
    try:
        _, action = leaders_service.action_for_owner(db, clock, services.leaders, office, id_of(meta.get("action")),
                                                parsed.user.id)
        note = parse_reason(parsed.view.values(), ids.COMPLETION_NOTE)
        finished = leaders_service.finish(db, clock, office, action.id, ActionState.DONE, note, actor_id=parsed.user.id)
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, ids.COMPLETION_NOTE))
        return
    ack()
    services.messenger.deliver(finished.ledger_ids)
    _update_owner_dm(client, services, office, action.id, meta)


def _update_owner_dm(client: WebClient, services: Services, office: Office, action_id: int, meta: dict) -> None:
    try:
        deviation, action = leaders_service.load_action(services.db, office, action_id)
    except DomainError as exc:
        log.warning("the owner's DM was not updated (%s)", type(exc).__name__)
        return
    mark_dm_done(client, office, meta, action_dm_blocks(office, deviation, action))


# --- the leaders' modals ------------------------------------------------------------------------

def _answer(ack: Ack, services: Services, office: Office, work: Callable[[], list[int]], general_field: str,
            fields: Mapping[str, str] | None = None) -> None:
    """Run a leader's form: field errors and refusals go back on the form, which stays as typed;
    otherwise ack, then deliver what the use case entered in the ledger."""
    try:
        ledger_ids = work()
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, general_field, fields))
        return
    ack()
    services.messenger.deliver(ledger_ids)


def submit_assessment(ack: Ack, services: Services, office: Office, deviation: Deviation,
                      parsed: ViewSubmission) -> None:
    """Seed 000, «Vurdering av korrigerende tiltak»: the decision and its actions; each owner hears."""
    def work() -> list[int]:
        form = parse_assessment(parsed.view.values(), _rows(parsed.view.metadata.get("rows")) or [0],
                                today(services, office), services.leaders.leaders(office),
                                cause_ids=office.cause_ids, current_severity=Severity(deviation.severity),
                                leader_group_decision=office.rules.leader_group_decision)
        return leaders_service.assess(services.db, services.clock, office, deviation.id, form,
                                      actor_id=parsed.user.id).ledger_ids

    _answer(ack, services, office, work, L.NEEDS_ACTIONS, CLOSURE_FIELDS)


def submit_closure(ack: Ack, services: Services, office: Office, deviation: Deviation,
                   parsed: ViewSubmission) -> None:
    """Seed 000, «Lukking av avvik»: checked again on the locked deviation, whatever the form says."""
    def work() -> list[int]:
        # What the case itself decides comes first: an action opened meanwhile is the leader's news, not a field.
        check_closable(State(deviation.state), [ActionState(a.state) for a in deviation.actions])
        form = parse_closure(parsed.view.values(), Severity(deviation.severity), today(services, office),
                             leader_group_decision=office.rules.leader_group_decision)
        return leaders_service.close_deviation(services.db, services.clock, office, deviation.id, form,
                                               actor_id=parsed.user.id).ledger_ids

    _answer(ack, services, office, work, L.FEEDBACK, CLOSURE_FIELDS)


def submit_reopening(ack: Ack, services: Services, office: Office, deviation: Deviation,
                     parsed: ViewSubmission) -> None:
    """lukket → registrert, with the reason in the audit log."""
    def work() -> list[int]:
        reason = parse_reason(parsed.view.values(), L.REASON)
        return leaders_service.reopen_deviation(services.db, services.clock, office, deviation.id, reason,
                                                actor_id=parsed.user.id).ledger_ids

    _answer(ack, services, office, work, L.REASON)


def submit_followed_up(ack: Ack, services: Services, office: Office, deviation: Deviation,
                       parsed: ViewSubmission) -> None:
    """videresendt → klar_for_lukking, checked again on the locked case."""
    def work() -> list[int]:
        return leaders_service.confirm_followed_up(services.db, services.clock, office, deviation.id,
                                                   actor_id=parsed.user.id).ledger_ids

    _answer(ack, services, office, work, L.FOLLOWED_UP)


def submit_add_action(ack: Ack, services: Services, office: Office, deviation: Deviation,
                      parsed: ViewSubmission) -> None:
    """One more action under way; its responsible person hears."""
    def work() -> list[int]:
        draft = parse_new_action(parsed.view.values(), today(services, office))
        return leaders_service.add_action(services.db, services.clock, office, deviation.id, draft,
                                          actor_id=parsed.user.id)

    _answer(ack, services, office, work, ids.action_block(0, "description"))


def submit_change_action(ack: Ack, services: Services, office: Office, deviation: Deviation,
                         parsed: ViewSubmission) -> None:
    """An action's new responsible person or due date; the new and the former one hear."""
    def work() -> list[int]:
        change = parse_action_change(parsed.view.values(), today(services, office), L.ACTION)
        return leaders_service.change_action(services.db, services.clock, office, deviation.id, change,
                                             actor_id=parsed.user.id)

    _answer(ack, services, office, work, L.ACTION)


def submit_risk(ack: Ack, services: Services, office: Office, deviation: Deviation, parsed: ViewSubmission) -> None:
    """«Endre risiko»: values checked against the office config; the change is audited and the card follows."""
    def work() -> list[int]:
        risk = parse_risk(parsed.view.values(), office.cause_ids)
        return leaders_service.change_risk(services.db, services.clock, office, deviation.id, risk,
                                           actor_id=parsed.user.id)

    _answer(ack, services, office, work, L.LIKELIHOOD)


def _drop_form(values: dict[str, object]) -> tuple[int, str]:
    """The action to drop and why; FieldErrors names both when both are missing."""
    errors: dict[str, str] = {}
    action_id = reason = None
    try:
        action_id = parse_choice(values, L.ACTION)
    except FieldErrors as exc:
        errors.update(exc.errors)
    try:
        reason = parse_reason(values, L.REASON)
    except FieldErrors as exc:
        errors.update(exc.errors)
    if action_id is None or reason is None:
        raise FieldErrors(errors)
    return action_id, reason


def submit_drop(ack: Ack, services: Services, office: Office, deviation: Deviation, parsed: ViewSubmission) -> None:
    """An open action dropped, with a reason; its owner hears of it."""
    def work() -> list[int]:
        action_id, reason = _drop_form(parsed.view.values())
        return leaders_service.drop_action(services.db, services.clock, office, deviation.id, action_id, reason,
                                           actor_id=parsed.user.id).ledger_ids

    _answer(ack, services, office, work, L.ACTION)


def register(app: App) -> None:
    card = parse(BlockAction, about=by_value(Subject.CASE))
    app.action(ids.ASSESS, middleware=[card])(for_leaders("vurder", assessment_form))
    app.action(ids.DROP_ACTION, middleware=[card])(for_leaders("forkast_tiltak", drop_form))
    app.action(ids.CLOSE, middleware=[card])(for_leaders("lukk", closure_form))
    app.action(ids.REOPEN, middleware=[card])(for_leaders("gjenapne", reopening_form))
    app.action(ids.ADD_ACTION, middleware=[card])(for_leaders("legg_til_tiltak", add_action_form))
    app.action(ids.CHANGE_ACTION, middleware=[card])(for_leaders("endre_tiltak", change_action_form))
    app.action(ids.FOLLOWED_UP, middleware=[card])(for_leaders("fulgt_opp_eksternt", followed_up_form))
    app.action(ids.CHANGE_RISK, middleware=[card])(for_leaders("endre_risiko", risk_form))
    app.action(ids.ADD_ACTION_ROW, middleware=[parse(ModalAction)])(add_action_row)

    for callback_id, attempt, general_field, listener in (
        (ids.ASSESSMENT_VIEW, "vurder", L.NEEDS_ACTIONS, submit_assessment),
        (ids.CLOSURE_VIEW, "lukk", L.FEEDBACK, submit_closure),
        (ids.REOPEN_VIEW, "gjenapne", L.REASON, submit_reopening),
        (ids.DROP_VIEW, "forkast_tiltak", L.ACTION, submit_drop),
        (ids.FOLLOWED_UP_VIEW, "fulgt_opp_eksternt", L.FOLLOWED_UP, submit_followed_up),
        (ids.ADD_ACTION_VIEW, "legg_til_tiltak", ids.action_block(0, "description"), submit_add_action),
        (ids.CHANGE_ACTION_VIEW, "endre_tiltak", L.ACTION, submit_change_action),
        (ids.RISK_VIEW, "endre_risiko", L.LIKELIHOOD, submit_risk),
    ):
        app.view(callback_id, middleware=[parse(ViewSubmission, errors_on=general_field),
                                          leaders_only(attempt, view_deviation, errors_on=general_field)])(listener)
