"""What every listener shares: the office of a request, the office's «today», opening the form."""

from __future__ import annotations

import logging
from datetime import date

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.office import Office
from bot.services import Services
from handlers.registration_view import registration_view

log = logging.getLogger(__name__)


def office_of(services: Services, team_id: str | None) -> Office:
    return services.offices.for_team(team_id)


def today(services: Services, office: Office) -> date:
    return services.clock.now().astimezone(office.tz).date()


def open_registration(services: Services, client: WebClient, office: Office, trigger_id: str, *,
                      prefill: str | None = None, channel_id: str | None = None) -> None:
    """Open the registration modal (the trigger is valid for 3 seconds: call right after ack)."""
    view = registration_view(office, today(services, office), prefill=prefill, channel_id=channel_id)
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        log.warning("views.open failed: %s", exc.response.get("error"))
