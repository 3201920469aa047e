"""App Home: published when a person opens it («Meld avvik», their own cases, the overview for leaders)."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.leaders import service as leaders_service
from bot.office import Office
from bot.services import Services
from handlers.home.blocks import home_view
from handlers.leaders.overview import home_extra_blocks
from handlers.middleware import parse
from handlers.payloads import HomeOpened

log = logging.getLogger(__name__)


def publish_home(client: WebClient, services: Services, office: Office, parsed: HomeOpened) -> None:
    """The Home tab as the person should see it now (the Messages tab publishes nothing)."""
    if parsed.event.tab != "home":
        return
    user_id = parsed.event.user
    mine = leaders_service.my_deviations(services.db, office, user_id)
    view = home_view(office, mine, home_extra_blocks(services, office, user_id))
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as exc:
        log.warning("views.publish failed: %s", exc.response.get("error"))


def register(app: App) -> None:
    app.event("app_home_opened", middleware=[parse(HomeOpened)])(publish_home)
