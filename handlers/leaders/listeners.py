"""The leaders' buttons: «Vurder», «Legg til tiltak», «Forkast tiltak», «Lukk», «Gjenåpne», and the
owner's «Utført».

Each acks first, then checks on the server who is asking (whatever the button's value says;
a refusal is written to the audit log), then opens the modal, or a notice saying politely
why not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.deviations.rules import ActionState, Command, State, check_closable
from bot.errors import ActionAlreadyFinished, DeviationNotFound, DomainError, InvalidTransition
from bot.leaders import service as leadership
from bot.leaders.forms import MAX_ACTIONS
from bot.office import Office
from bot.services import Services
from handlers import ids
from handlers.common import id_of, notice_view, office_of, open_view, say
from handlers.leaders.blocks import assessment_view, closure_view, completion_view, drop_view, reopen_view, typed_values
from handlers.payloads import BlockAction
from store.models import Deviation

log = logging.getLogger(__name__)

# Builds the modal for a leader's button, from the case; raises a DomainError to refuse.
Build = Callable[[Office, Deviation, BlockAction], View]


def _require_state(deviation: Deviation, state: State, command: Command) -> None:
    if deviation.state != state.value:
        raise InvalidTransition(state=deviation.state, command=command.value)


def _assess(office: Office, deviation: Deviation, click: BlockAction) -> View:
    _require_state(deviation, State.REGISTERED, Command.ASSESS_WITH_ACTIONS)
    return assessment_view(office, deviation, [0], click.user.id)


def _drop(office: Office, deviation: Deviation, click: BlockAction) -> View:
    if not any(a.state == ActionState.OPEN.value for a in deviation.actions):
        raise InvalidTransition(state=deviation.state, command="forkast")
    return drop_view(office, deviation)


def _close(office: Office, deviation: Deviation, click: BlockAction) -> View:
    check_closable(State(deviation.state), [ActionState(a.state) for a in deviation.actions])
    return closure_view(office, deviation)


def _reopen(office: Office, deviation: Deviation, click: BlockAction) -> View:
    _require_state(deviation, State.CLOSED, Command.REOPEN)
    return reopen_view(office, deviation)


def register(app: App, services: Services) -> None:
    def leader_button(action_id: str, attempt: str, build: Build) -> None:
        @app.action(action_id)
        def on_click(ack: Ack, body: dict, client: WebClient) -> None:
            ack()
            try:
                click = BlockAction.model_validate(body)
            except ValidationError:
                return
            office = office_of(services, click.team_id)
            deviation_id = id_of(click.value)
            try:
                leadership.authorize(services.db, services.clock, services.leaders, office, click.user.id, attempt,
                                     deviation_id)
                if deviation_id is None:
                    raise DeviationNotFound()
                view = build(office, leadership.load_deviation(services.db, office, deviation_id), click)
            except DomainError as exc:
                view = notice_view(office, say(exc, office.locale))
            open_view(client, click.trigger_id, view)

    leader_button(ids.ASSESS, "vurder", _assess)
    leader_button(ids.DROP_ACTION, "forkast_tiltak", _drop)
    leader_button(ids.CLOSE, "lukk", _close)
    leader_button(ids.REOPEN, "gjenapne", _reopen)

    @app.action(ids.ADD_ACTION_ROW)
    def on_add_row(ack: Ack, body: dict, client: WebClient) -> None:
        """Another action row in the assessment modal: views.update with the rows so far plus one,
        every typed value carried over (same block ids), so nothing is lost."""
        ack()
        try:
            click = BlockAction.model_validate(body)
        except ValidationError:
            return
        view = click.view
        office = office_of(services, click.team_id)
        if view is None:
            return
        deviation_id = id_of(view.metadata.get("case"))
        rows = [r for r in view.metadata.get("rows") or [] if isinstance(r, int) and 0 <= r < 1000]
        try:
            leadership.authorize(services.db, services.clock, services.leaders, office, click.user.id,
                                 "legg_til_tiltak", deviation_id)
            if deviation_id is None:
                raise DeviationNotFound()
            deviation = leadership.load_deviation(services.db, office, deviation_id)
        except DomainError as exc:
            _push(client, click.trigger_id, notice_view(office, say(exc, office.locale)))
            return
        if len(rows) < MAX_ACTIONS:
            rows.append(max(rows, default=-1) + 1)
        updated = assessment_view(office, deviation, rows, click.user.id, typed_values(view.state.values))
        try:
            client.views_update(view_id=view.id, hash=view.hash, view=updated)
        except SlackApiError as exc:
            log.warning("views.update failed: %s", exc.response.get("error"))

    @app.action(ids.ACTION_DONE)
    def on_action_done(ack: Ack, body: dict, client: WebClient) -> None:
        """The owner (or a leader) opens the completion note for an action."""
        ack()
        try:
            click = BlockAction.model_validate(body)
        except ValidationError:
            return
        office = office_of(services, click.team_id)
        try:
            action_id = id_of(click.value)
            if action_id is None:
                raise DeviationNotFound()
            deviation, action = leadership.load_action(services.db, office, action_id)
            leadership.authorize_owner(services.db, services.clock, services.leaders, office, click.user.id, action)
            if action.state != ActionState.OPEN.value:
                raise ActionAlreadyFinished(state=action.state)
            container = click.container
            view = completion_view(office, deviation, action, container.channel_id if container else None,
                                   container.message_ts if container else None)
        except DomainError as exc:
            view = notice_view(office, say(exc, office.locale))
        open_view(client, click.trigger_id, view)


def _push(client: WebClient, trigger_id: str | None, view: View) -> None:
    """Over a modal: the notice goes on top, the form stays underneath."""
    if not trigger_id:
        return
    try:
        client.views_push(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        log.warning("views.push failed: %s", exc.response.get("error"))
