"""The opening every listener shares, run once as Bolt listener middleware before the listener.

What a step finds goes into Bolt's `context`, and Bolt passes a context key to any listener,
middleware or matcher that names it as a parameter, just as it passes `ack` and `client`:

    services   Services    every request (`provide`, app-wide)
    parsed     the request's body as a model from handlers.payloads  (`parse`)
    office     Office      the office the request is for             (`parse`)
    deviation  Deviation   the deviation a leader acts on                (`leaders_only`)

So a listener reads like `def open_closure(ack, client, office, deviation, parsed)`. (The parsed
body is `parsed`, not `payload`: Bolt already passes its own raw `payload` under that name.)

A request that goes no further is answered here: acked, or a form acked with its error. A
refused button is the one exception: its notice is a Web API call, which must come after the
ack, and middleware runs before it; so the step leaves the notice in `context` and lets the
request go on to `show_notice`, the listener registered last (Bolt tries the next listener when
a listener's middleware neither calls `next()` nor returns a response).

Everything here runs before the ack: only payload checks, in-memory lookups, the cached leader
list and one short database read or audit write, each bounded well inside Slack's 3 seconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.errors import DeviationNotFound, DomainError, StorageUnavailable
from bot.i18n import t
from bot.leaders import service as leaders_service
from bot.quality import service as quality_service
from bot.services import Services
from handlers.common import id_of, notice_view, office_of, open_from, say
from handlers.payloads import BlockAction, ViewSubmission

SERVICES, PARSED, OFFICE, DEVIATION = "services", "parsed", "office", "deviation"
NOTICE = "notice"  # a refused button's notice, for `show_notice`

Next = Callable[[], None]
Middleware = Callable[..., BoltResponse | None]
DeviationOf = Callable[[Any], int | None]  # the id of the deviation a request is about, from its parsed body


def provide(services: Services) -> Middleware:
    """App-wide: every listener and listener middleware can ask for `services`."""
    def provide_services(context: BoltContext, next: Next) -> None:
        context[SERVICES] = services
        next()

    return provide_services


def parse(model: type[BaseModel], *, errors_on: str | None = None) -> Middleware:
    """The body as `model` (`parsed`) and the office it is for (`office`).

    A body Slack would not send in that shape is acked and goes no further; a form's, with a
    generic error on its field `errors_on`, so the person keeps what they typed.
    """
    def parse_payload(ack: Ack, body: dict, context: BoltContext, services: Services,
                      next: Next) -> BoltResponse | None:
        try:
            parsed = model.model_validate(body)
        except ValidationError:
            return ack(response_action="errors", errors={errors_on: t("error.generic")}) if errors_on else ack()
        context[PARSED] = parsed
        context[OFFICE] = office_of(services, parsed.team_id)  # type: ignore[attr-defined]
        next()
        return None

    return parse_payload


def button_value(click: BlockAction) -> int | None:
    """The deviation a card's button is about: its value."""
    return id_of(click.value)


def view_deviation(sent: BlockAction | ViewSubmission) -> int | None:
    """The deviation a leader's modal is about: kept in its metadata under `case` (the key modals
    already open in Slack carry)."""
    return id_of(sent.view.metadata.get("case")) if sent.view is not None else None


def leaders_only(attempt: str, deviation_of: DeviationOf, *, errors_on: str | None = None) -> Middleware:
    """Leaders only, whatever the payload says: the leader and the deviation (`deviation`) go on.

    Anyone else's attempt is written to the audit log (bot.leaders.service.authorize); they, and a
    deviation that is not there, get the reason: on a form as an error on `errors_on`, on a button as a
    notice modal.
    """
    def check_leader(ack: Ack, context: BoltContext, services: Services, parsed: BlockAction | ViewSubmission,
                     next: Next) -> BoltResponse | None:
        office, deviation_id = context[OFFICE], deviation_of(parsed)
        try:
            leaders_service.authorize(services.db, services.clock, services.leaders, office, parsed.user.id, attempt,
                                 deviation_id)
            if deviation_id is None:
                raise DeviationNotFound()
            context[DEVIATION] = leaders_service.load_deviation(services.db, office, deviation_id)
        except DomainError as refused:
            if errors_on:
                return ack(response_action="errors", errors={errors_on: say(refused, office.locale)})
            context[NOTICE] = notice_view(office, say(refused, office.locale))
            return None  # not next(): on to `show_notice`
        next()
        return None

    return check_leader


# --- «Utført»: a case's action or a quality round's measure -----------------------------------

def _action_id(body: dict) -> int | None:
    """The action a «Utført» click or a completion form is about, from the raw body (matchers run
    before the payload is parsed)."""
    actions, view = body.get("actions"), body.get("view")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return id_of(actions[0].get("value"))
    if isinstance(view, dict) and isinstance(view.get("private_metadata"), str):
        try:
            metadata = json.loads(view["private_metadata"])
        except (ValueError, RecursionError):  # not JSON, or nested deeper than any view of ours
            return None
        return id_of(metadata.get("action")) if isinstance(metadata, dict) else None
    return None


def for_measure(body: dict, services: Services) -> bool:
    """Listener matcher: the action is a quality round's measure. The database says so, never the
    payload. One it cannot tell (a crafted id, the database away) is left to the deviation's listener,
    which answers it as it always has."""
    action_id = _action_id(body)
    if action_id is None:
        return False
    try:
        return quality_service.is_measure(services.db, action_id)
    except StorageUnavailable:
        return False


def for_deviation_action(body: dict, services: Services) -> bool:
    """Listener matcher: everything `for_measure` is not."""
    return not for_measure(body, services)


# --- a refused button -------------------------------------------------------------------------

def has_notice(context: BoltContext) -> bool:
    return NOTICE in context


def show_notice(ack: Ack, client: WebClient, parsed: BlockAction, notice: View) -> None:
    """A button a middleware refused: the notice saying why, after the ack."""
    ack()
    open_from(client, parsed, notice)


def register(app: App) -> None:
    """Last, after every feature's listeners: it answers the buttons their middleware refused."""
    app.action(re.compile(".+"), matchers=[has_notice])(show_notice)
