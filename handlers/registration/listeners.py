"""Registering a deviation from Slack: `/avvik`'s form opened from the shortcuts and App Home's
«Meld avvik» button, and the form's submission (seed 000: «Registrere avviket eller observasjonen»)."""

from __future__ import annotations

import logging
from datetime import date

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.errors import StorageUnavailable
from bot.forms import FieldErrors
from bot.i18n import t
from bot.office import Office
from bot.registration import service as registration
from bot.registration.service import Redirected, parse_form
from bot.services import Services
from handlers import ids
from handlers.common import office_of, open_view, today
from handlers.payloads import BlockAction, MessageShortcut, Shortcut, ViewSubmission
from handlers.registration.blocks import form_values, receipt_view, redirect_view, registration_view

log = logging.getLogger(__name__)

_blank_views: dict[tuple[int, date], tuple[Office, dict]] = {}


def blank_registration_view(office: Office, day: date) -> dict:
    """The empty form is the same for everyone in an office on a given day: built (and checked by
    slack_sdk's models, several milliseconds of CPU) once, not on every `/avvik`. Keyed by the
    office object, which lives as long as the process; callers only serialise it, never change it."""
    key = (id(office), day)
    cached = _blank_views.get(key)
    if cached is None:
        if len(_blank_views) > 64:
            _blank_views.clear()  # yesterday's forms
        # The office is kept with its form, so its id cannot be reused by another office meanwhile.
        cached = _blank_views.setdefault(key, (office, registration_view(office, day).to_dict()))
    return cached[1]


def open_registration(services: Services, client: WebClient, office: Office, trigger_id: str, *,
                      prefill: str | None = None, channel_id: str | None = None) -> None:
    """Open the registration modal (the trigger is valid for 3 seconds: call right after ack)."""
    day = today(services, office)
    if prefill is None and channel_id is None:
        view: dict | object = blank_registration_view(office, day)
    else:
        view = registration_view(office, day, prefill=prefill, channel_id=channel_id)
    open_view(client, trigger_id, view)


def register(app: App, services: Services) -> None:
    @app.shortcut(ids.GLOBAL_SHORTCUT)
    def on_global(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        try:
            shortcut = Shortcut.model_validate(body)
        except ValidationError:
            return
        office = office_of(services, shortcut.team_id)
        open_registration(services, client, office, shortcut.trigger_id)

    @app.shortcut(ids.MESSAGE_SHORTCUT)
    def on_message(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        try:
            shortcut = MessageShortcut.model_validate(body)
        except ValidationError:
            return
        office = office_of(services, shortcut.team_id)
        open_registration(services, client, office, shortcut.trigger_id, prefill=shortcut.message.text,
                          channel_id=shortcut.channel.id)

    @app.action(ids.OPEN_REGISTRATION)
    def on_open_registration(ack: Ack, body: dict, client: WebClient) -> None:
        """«Meld avvik» on App Home."""
        ack()
        try:
            action = BlockAction.model_validate(body)
        except ValidationError:
            return
        if action.trigger_id:
            office = office_of(services, action.team_id)
            open_registration(services, client, office, action.trigger_id)

    @app.view(ids.REGISTRATION)
    def on_registration(ack: Ack, body: dict) -> None:
        try:
            submission = ViewSubmission.model_validate(body)
        except ValidationError:
            ack(response_action="errors", errors={ids.Field.TITLE: t("error.generic")})
            return
        office = office_of(services, submission.team_id)
        loc = office.locale
        try:
            form = parse_form(form_values(submission.view.values()), office, today(services, office))
            outcome = registration.register(services.db, services.clock, office, form, reporter_id=submission.user.id,
                                            view_id=submission.view.id, channel_id=submission.view.channel)
        except FieldErrors as exc:
            ack(response_action="errors", errors={field: t(key, loc) for field, key in exc.errors.items()})
            return
        except StorageUnavailable:
            # The form stays open with everything typed; the person can simply submit again.
            ack(response_action="errors", errors={ids.Field.TITLE: t("error.storage_unavailable", loc)})
            return
        if isinstance(outcome, Redirected):
            ack(response_action="update", view=redirect_view(outcome.route, office).to_dict())
            return
        ack(response_action="update", view=receipt_view(outcome, outcome.title, office).to_dict())
        log.info("registered case %s (%s)", outcome.deviation_id, "new" if outcome.created else "retry")
        services.messenger.deliver_soon(outcome.ledger_ids)
