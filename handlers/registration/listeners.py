"""Registering a deviation from Slack: `/avvik`'s form opened from the shortcuts and App Home's
«Meld avvik» button, and the form's submission (seed 000: «Registrere avviket eller observasjonen»)."""

from __future__ import annotations

import logging
from datetime import date

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import metrics
from bot.errors import StorageUnavailable
from bot.forms import FieldErrors
from bot.i18n import t
from bot.office import Office
from bot.registration import service as registration
from bot.registration.rules import readable_message
from bot.registration.service import Redirected, parse_form
from bot.services import Services
from bot.workspace import Found, Which
from handlers import ids
from handlers.common import form_errors, open_view, today
from handlers.middleware import parse
from handlers.payloads import BlockAction, MessageShortcut, Shortcut, ViewSubmission
from handlers.registration.blocks import form_values, receipt_view, redirect_view, registration_view

log = logging.getLogger(__name__)
F = ids.Field
NATIONAL_ID = "error.field.national_id"  # the refusal bot/registration gives a national identity number

_blank_views: dict[tuple[int, date, bool], tuple[Office, dict]] = {}


def blank_registration_view(office: Office, day: date, offices: tuple[Office, ...] = (), ask: bool = False,
                            preselect: bool = True) -> dict:
    """The empty form is the same for everyone in an office on a given day (and, with «Kontor», for
    everyone whose choice it preselects): built (and checked by slack_sdk's models, several
    milliseconds of CPU) once, not on every `/avvik`. Keyed by the office object, which lives as long
    as the process; callers only serialise it, never change it."""
    key = (id(office), day, ask, preselect)
    cached = _blank_views.get(key)
    if cached is None:
        if len(_blank_views) > 64 + 2 * len(offices):
            _blank_views.clear()  # yesterday's forms
        # The office is kept with its form, so its id cannot be reused by another office meanwhile.
        cached = _blank_views.setdefault(key, (office, registration_view(office, day, offices=offices, ask=ask,
                                                                         preselect=preselect).to_dict()))
    return cached[1]


def open_registration(services: Services, client: WebClient, which: Which, trigger_id: str, *,
                      prefill: str | None = None, channel_id: str | None = None) -> None:
    """Open the registration modal (the trigger is valid for 3 seconds: call right after ack). In a
    workspace with several offices, one found by channel or staff group is kept in the form's sealed
    metadata; otherwise the form asks «Kontor», with the person's last choice chosen (a guess is not)."""
    office, offices = which.office, (which.offices if len(which.offices) > 1 else ())
    ask = bool(offices) and not which.found.settled
    preselect = which.found is not Found.GUESS
    day = today(services, office)
    if prefill is None and channel_id is None:
        view: dict | object = blank_registration_view(office, day, offices, ask, preselect)
    else:
        view = registration_view(office, day, prefill=prefill, channel_id=channel_id, offices=offices, ask=ask,
                                 preselect=preselect)
    open_view(client, trigger_id, view)


def open_from_shortcut(ack: Ack, client: WebClient, services: Services, which: Which, parsed: Shortcut) -> None:
    """The global shortcut «Meld avvik»."""
    ack()
    open_registration(services, client, which, parsed.trigger_id)


def open_from_message(ack: Ack, client: WebClient, services: Services, office: Office, which: Which,
                      parsed: MessageShortcut) -> None:
    """«Meld avvik fra melding»: the form, with the message's text as a person reads it and its channel.

    Seed 000: «Jeg vil egentlig ikke utlevere en kollega»: a mention becomes «(kollega)», so no Slack
    id of a colleague is copied into «Hva skjedde?» (bot.registration.rules.readable_message).
    """
    ack()
    loc = office.locale
    text = readable_message(parsed.message.text, t("prefill.colleague", loc), t("prefill.channel", loc))
    open_registration(services, client, which, parsed.trigger_id, prefill=text, channel_id=parsed.channel.id)


def open_from_home(ack: Ack, client: WebClient, services: Services, which: Which, parsed: BlockAction) -> None:
    """«Meld avvik» on App Home."""
    ack()
    if parsed.trigger_id:
        open_registration(services, client, which, parsed.trigger_id)


def chosen_office(which: Which, values: dict[str, object], metadata: dict[str, object]) -> Office | None:
    """The office a registration form is for: the one chosen in «Kontor» (an office of this workspace,
    or none: a forged choice), else the one the bot sealed into the form; a single office, always."""
    if len(which.offices) == 1:
        return which.office
    if F.OFFICE in values:
        return next((o for o in which.offices if o.id == values[F.OFFICE]), None)
    return next((o for o in which.offices if o.id == metadata.get("office")), None)


def submit_registration(ack: Ack, services: Services, which: Which, parsed: ViewSubmission) -> None:
    """The form sent: stored with its receipt (or sent on to user support); errors name their fields."""
    values = parsed.view.values()
    answers = form_values(values)
    office = chosen_office(which, values, parsed.view.metadata)
    if office is None:  # a choice not offered, or a form of several offices' workspace without one
        where = F.OFFICE if F.OFFICE in values else F.TITLE if F.TITLE in values else F.CATEGORY
        ack(response_action="errors", errors={where: t("error.field.office", which.office.locale)})
        log.warning("registration not stored: office=error.field.office")
        return
    try:
        form = parse_form(answers, office, today(services, office), shown_for=parsed.view.metadata.get("category"),
                          now=services.clock.now())
        outcome = registration.register(services.db, services.clock, office, form, reporter_id=parsed.user.id,
                                        view_id=parsed.view.id, channel_id=parsed.view.channel,
                                        code_key=services.dialogue_key(),
                                        chosen_in=parsed.team_id if F.OFFICE in values else None)
    except (FieldErrors, StorageUnavailable) as exc:
        # The form stays open with everything typed; the person can simply submit again.
        # An error about the whole form goes on the title, or on the category when the form has no title.
        where = ids.Field.TITLE if ids.Field.TITLE in values else ids.Field.CATEGORY
        ack(response_action="errors", errors=form_errors(exc, office, where))
        _count(office, answers.get("category"), _refusal(exc))
        # Which fields and why, by catalogue key: never what was typed.
        codes = exc.errors if isinstance(exc, FieldErrors) else {"form": exc.key}
        log.warning("registration not stored: %s", ", ".join(f"{name}={key}" for name, key in sorted(codes.items())))
        return
    if isinstance(outcome, Redirected):
        ack(response_action="update", view=redirect_view(outcome.route, office).to_dict())
        _count(office, form.category, "redirected")
        return
    ack(response_action="update", view=receipt_view(outcome, outcome.title, office).to_dict())
    if outcome.created:
        _count(office, form.category, "stored")
    log.info("registered case %s (%s)", outcome.deviation_id, "new" if outcome.created else "retry")
    services.messenger.deliver_soon(outcome.ledger_ids)


def _refusal(exc: Exception) -> str:
    if isinstance(exc, StorageUnavailable):
        return "failed"
    return "refused_national_id" if NATIONAL_ID in getattr(exc, "errors", {}).values() else "invalid"


def _count(office: Office, category: object, outcome: str) -> None:
    """The registration metric, labelled with the office's own codes only (never what a client sent)."""
    try:
        route = office.route(str(category))
    except (KeyError, ValueError):
        metrics.registration("other", "other", outcome)
        return
    metrics.registration(route.category.value, route.destination.value, outcome)


def register(app: App) -> None:
    app.shortcut(ids.GLOBAL_SHORTCUT, middleware=[parse(Shortcut)])(open_from_shortcut)
    app.shortcut(ids.MESSAGE_SHORTCUT, middleware=[parse(MessageShortcut)])(open_from_message)
    app.action(ids.OPEN_REGISTRATION, middleware=[parse(BlockAction)])(open_from_home)
    app.view(ids.REGISTRATION, middleware=[parse(ViewSubmission, errors_on=ids.Field.TITLE)])(submit_registration)
