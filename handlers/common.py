"""What every listener shares: the office of a request, the office's «today», opening the form."""

from __future__ import annotations

import logging
from datetime import date

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.office import Office
from bot.services import Services
from handlers.registration_view import registration_view

log = logging.getLogger(__name__)


def office_of(services: Services, team_id: str | None) -> Office:
    return services.offices.for_team(team_id)


def today(services: Services, office: Office) -> date:
    return services.clock.now().astimezone(office.tz).date()


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


def open_view(client: WebClient, trigger_id: str | None, view: View | dict) -> None:
    """Open a modal right after the ack (a trigger lives 3 s); a refusal from Slack is logged, by code."""
    if not trigger_id:
        return
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        log.warning("views.open failed: %s", exc.response.get("error"))
