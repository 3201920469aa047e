"""Routing listeners: choosing a category shows where it goes; «Jeg har meldt i …» stores the
other system's reference (seed 000, «Hvor melder jeg hva?»)."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.errors import DomainError, InvalidTransition, ReferenceAlreadySet
from bot.forms import FieldErrors
from bot.i18n import t
from bot.office import Office
from bot.routing import service as routing_service
from bot.routing.rules import Category
from bot.services import Services
from bot.workspace import Subject, Which
from handlers import ids
from handlers.common import form_errors, id_of, open_from, say, today, update_view
from handlers.middleware import by_value, parse
from handlers.payloads import ViewAction, ViewSubmission
from handlers.registration.blocks import dm_receipt_blocks, registration_view
from handlers.registration.listeners import chosen_office
from handlers.routing.blocks import notice_view, reference_view, saved_view

log = logging.getLogger(__name__)


def show_destination(ack: Ack, client: WebClient, services: Services, which: Which, parsed: ViewAction) -> None:
    """A category (or, when the form asks it, «Kontor») chosen in the registration modal: rebuild it with
    where the category goes and why, at the office chosen in «Kontor» so far; with none chosen yet,
    nothing of any office's routing (bot/workspace.py's fallback office is not the reporter's choice)."""
    ack()
    if parsed.view is None or parsed.view.callback_id != ids.REGISTRATION:
        return
    values, meta = parsed.view.values(), parsed.view.metadata
    office_picked = parsed.actions[0].get("block_id") == ids.Field.OFFICE
    if office_picked:
        values = {**values, ids.Field.OFFICE: parsed.selected}
    picked = values.get(ids.Field.CATEGORY) if office_picked else parsed.selected
    category = Category(picked) if picked in set(Category) else None
    if category is None and office_picked:
        return  # no category yet: nothing the office changes on the form
    chosen = chosen_office(which, values, meta)
    office = chosen or which.office
    view = registration_view(office, today(services, office), channel_id=meta.get("channel"), category=category,
                             now=services.clock.now(), offices=which.offices if len(which.offices) > 1 else (),
                             ask="office" not in meta, preselect=chosen is not None)  # no office sealed: it asked
    update_view(client, parsed.view, view)


def open_reference_form(ack: Ack, client: WebClient, services: Services, office: Office, parsed: ViewAction) -> None:
    """«Jeg har meldt i ASYS»: the small reference modal, for the reporter or a leader only."""
    ack()
    deviation_id, user = id_of(parsed.value), parsed.user.id
    if deviation_id is None:
        return
    try:
        forwarded = routing_service.awaiting_reference(
            services.db, services.clock, office, deviation_id, user_id=user,
            view_id=parsed.view.id if parsed.in_modal and parsed.view else None,
            is_leader=lambda: services.leaders.is_leader(office, user))
    except DomainError as exc:
        open_from(client, parsed, _notice(exc, office))
        return
    # Only a receipt DM's button carries its message, so that the receipt (never a card) is refreshed.
    from_receipt = parsed.actions[0].get("block_id") == ids.EXTERNAL_REFERENCE_ACTIONS
    view = reference_view(forwarded.deviation_id, forwarded.reference, forwarded.destination, office,
                          message=parsed.in_message if from_receipt else None)
    if parsed.in_modal and parsed.view:
        # The receipt modal becomes the form: the same view, so the anonymous reporter is still known by it.
        update_view(client, parsed.view, view)
    else:
        open_from(client, parsed, view)


def _notice(error: DomainError, office: Office) -> View:
    """Why the reference cannot be added: not theirs to add, or the case no longer waits for one."""
    problem = isinstance(error, (ReferenceAlreadySet, InvalidTransition))
    title = "external.problem.title" if problem else "external.refused.title"
    return notice_view(title, say(error, office.locale), office.locale)


def submit_reference(ack: Ack, client: WebClient, services: Services, office: Office, parsed: ViewSubmission) -> None:
    """The other system's reference stored: the form says so, and the receipt DM shows it."""
    deviation_id, user = id_of(parsed.view.metadata.get("case")), parsed.user.id
    if deviation_id is None:
        ack(response_action="errors", errors={ids.EXTERNAL_REFERENCE_FIELD: t("error.generic", office.locale)})
        return
    try:
        reference = routing_service.parse_reference(parsed.view.values().get(ids.EXTERNAL_REFERENCE_FIELD))
        confirmed = routing_service.confirm_external(
            services.db, services.clock, office, deviation_id, reference, user_id=user,
            view_id=parsed.view.id, is_leader=lambda: services.leaders.is_leader(office, user))
    except (FieldErrors, DomainError) as exc:
        # Refused, already confirmed, or the database is away: the form stays open and says why.
        ack(response_action="errors", errors=form_errors(exc, office, ids.EXTERNAL_REFERENCE_FIELD))
        return
    forwarded = confirmed.deviation
    ack(response_action="update",
        view=saved_view(forwarded.reference, confirmed.external_reference, forwarded.destination, office).to_dict())
    log.info("deviation %s: external reference added (%s)", forwarded.deviation_id, forwarded.via.value)
    services.messenger.deliver_soon(confirmed.ledger_ids)
    message = parsed.view.metadata.get("message")
    if isinstance(message, dict):
        _refresh_receipt(client, services, office, forwarded.deviation_id, message)


def _refresh_receipt(client: WebClient, services: Services, office: Office, deviation_id: int,
                     message: dict) -> None:
    """The receipt DM drops its button and shows the reference (a reply to the person's click)."""
    try:
        deviation = routing_service.as_reported(services.db, office, deviation_id)
        client.chat_update(channel=str(message.get("channel")), ts=str(message.get("ts")),
                           blocks=[b.to_dict() for b in dm_receipt_blocks(deviation, office)],
                           text=t("receipt.header", office.locale, reference=deviation.reference))
    except DomainError as exc:
        log.warning("a receipt was not refreshed (%s)", type(exc).__name__)
    except SlackApiError as exc:
        log.warning("chat.update of a receipt failed: %s", exc.response.get("error"))


def register(app: App) -> None:
    for block_id in (ids.Field.CATEGORY, ids.Field.OFFICE):
        app.action({"block_id": block_id, "action_id": ids.VALUE}, middleware=[parse(ViewAction)])(show_destination)
    app.action(ids.REPORTED_EXTERNALLY, middleware=[parse(ViewAction, about=by_value(Subject.CASE))])(
        open_reference_form)
    app.view(ids.EXTERNAL_REFERENCE_VIEW,
             middleware=[parse(ViewSubmission, errors_on=ids.EXTERNAL_REFERENCE_FIELD)])(submit_reference)
