"""Routing listeners: choosing a category shows where it goes; «Jeg har meldt i …» stores the
other system's reference (seed 000, «Hvor melder jeg hva?»)."""

from __future__ import annotations

import logging

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.deviations.rules import State
from bot.errors import DomainError
from bot.forms import FieldErrors
from bot.i18n import t
from bot.office import Office
from bot.routing import service as forwarding
from bot.routing.rules import Category
from bot.services import Services
from handlers import ids
from handlers.common import office_of, today
from handlers.payloads import ViewAction, ViewSubmission
from handlers.registration.blocks import dm_receipt_blocks, registration_view
from handlers.routing.blocks import notice_view, reference_view, saved_view
from store import deviations as store

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.action({"block_id": ids.Field.CATEGORY, "action_id": ids.VALUE})
    def on_category_chosen(ack: Ack, body: dict, client: WebClient) -> None:
        """Rebuild the open registration modal with where this category goes and why."""
        ack()
        try:
            action = ViewAction.model_validate(body)
        except ValidationError:
            return
        if action.view is None or action.view.callback_id != ids.REGISTRATION:
            return
        office = office_of(services, action.team_id)
        category = action.selected if action.selected in set(Category) else None
        view = registration_view(office, today(services, office), channel_id=action.view.metadata.get("channel"),
                                 category=Category(category) if category else None)
        _update(client, action, view)

    @app.action(ids.REPORTED_EXTERNALLY)
    def on_reported_externally(ack: Ack, body: dict, client: WebClient) -> None:
        """«Jeg har meldt i ASYS»: open the small reference modal, for the reporter or a leader only."""
        ack()
        try:
            action = ViewAction.model_validate(body)
        except ValidationError:
            return
        office = office_of(services, action.team_id)
        if not (action.value or "").isdigit():
            return
        in_modal = action.view is not None and action.container.type == "view"
        user = action.user.id
        try:
            deviation = forwarding.may_confirm(services.db, services.clock, office, int(action.value or 0),
                                               user_id=user,
                                          view_id=action.view.id if in_modal and action.view else None,
                                          is_leader=lambda: services.leaders.is_leader(office, user))
        except DomainError as exc:
            _notice(client, action, office, "external.refused.title", t(exc.key, office.locale, **exc.params))
            return
        if deviation.state is not State.FORWARDED:
            text = (t("error.external_reference_already_set", office.locale, reference=deviation.external_reference)
                    if deviation.external_reference else
                    t("error.invalid_transition", office.locale, state=t(f"state.{deviation.state.value}",
                                                                         office.locale)))
            _notice(client, action, office, "external.problem.title", text)
            return
        # Only a receipt DM's button carries its message, so that the receipt (never a card) is refreshed.
        from_receipt = action.actions[0].get("block_id") == ids.EXTERNAL_REFERENCE_ACTIONS
        view = reference_view(deviation.deviation_id, deviation.reference, deviation.destination, office,
                              message=action.in_message if from_receipt else None)
        if in_modal:
            # The receipt modal becomes the form: the same view, so the anonymous reporter is still known by it.
            _update(client, action, view)
        else:
            _open(client, action, view)

    @app.view(ids.EXTERNAL_REFERENCE_VIEW)
    def on_external_reference(ack: Ack, body: dict, client: WebClient) -> None:
        try:
            submission = ViewSubmission.model_validate(body)
            deviation_id = int(submission.view.metadata["case"])
        except (ValidationError, KeyError, TypeError, ValueError):
            ack(response_action="errors", errors={ids.EXTERNAL_REFERENCE_FIELD: t("error.generic")})
            return
        office = office_of(services, submission.team_id)
        loc, user = office.locale, submission.user.id
        try:
            reference = forwarding.parse_reference(submission.view.values().get(ids.EXTERNAL_REFERENCE_FIELD))
            confirmed = forwarding.confirm_external(
                services.db, services.clock, office, deviation_id, reference, user_id=user,
                view_id=submission.view.id, is_leader=lambda: services.leaders.is_leader(office, user))
        except FieldErrors as exc:
            [key] = exc.errors.values()  # the form has one field
            ack(response_action="errors", errors={ids.EXTERNAL_REFERENCE_FIELD: t(key, loc)})
            return
        except DomainError as exc:
            # Refused, already confirmed, or the database is away: the form stays open and says why.
            ack(response_action="errors", errors={ids.EXTERNAL_REFERENCE_FIELD: t(exc.key, loc, **exc.params)})
            return
        deviation = confirmed.deviation
        ack(response_action="update",
            view=saved_view(deviation.reference, confirmed.external_reference, deviation.destination, office).to_dict())
        log.info("case %s: external reference added (%s)", deviation.deviation_id, deviation.via.value)
        services.messenger.deliver_soon(confirmed.ledger_ids)
        message = submission.view.metadata.get("message")
        if isinstance(message, dict):
            _refresh_receipt(services, client, office, deviation.deviation_id, message)


def _refresh_receipt(services: Services, client: WebClient, office: Office, deviation_id: int,
                     message: dict) -> None:
    """The receipt DM drops its button and shows the reference (a reply to the person's click)."""
    with services.db.transaction() as session:
        deviation = store.by_id(session, deviation_id)
        if deviation is None:
            return
        blocks = [b.to_dict() for b in dm_receipt_blocks(deviation, office)]
        text = t("receipt.header", office.locale, reference=deviation.reference)
    try:
        client.chat_update(channel=str(message.get("channel")), ts=str(message.get("ts")), blocks=blocks, text=text)
    except SlackApiError as exc:
        log.warning("chat.update of a receipt failed: %s", exc.response.get("error"))


def _update(client: WebClient, action: ViewAction, view: View) -> None:
    """Replace the modal the action happened in; the hash makes Slack refuse it if the view moved on."""
    assert action.view is not None
    try:
        client.views_update(view_id=action.view.id, hash=action.view.hash, view=view)
    except SlackApiError as exc:
        log.warning("views.update failed: %s", exc.response.get("error"))


def _open(client: WebClient, action: ViewAction, view: View) -> None:
    """Open a modal from a message, or push one over the modal the action happened in."""
    if not action.trigger_id:
        return
    try:
        if action.view is not None and action.container.type == "view":
            client.views_push(trigger_id=action.trigger_id, view=view)
        else:
            client.views_open(trigger_id=action.trigger_id, view=view)
    except SlackApiError as exc:
        log.warning("views.open failed: %s", exc.response.get("error"))


def _notice(client: WebClient, action: ViewAction, office: Office, title_key: str, text: str) -> None:
    _open(client, action, notice_view(title_key, text, office.locale))
