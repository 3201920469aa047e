"""App Home: published when a person opens it («Meld avvik», their own cases, the overview for leaders)."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services
from handlers.common import office_of
from handlers.home.blocks import home_view
from handlers.leaders.overview import home_extra_blocks
from store import deviations as store

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict, body: dict, client: WebClient) -> None:
        user_id = event.get("user")
        if event.get("tab") != "home" or not isinstance(user_id, str):
            return
        office = office_of(services, body.get("team_id"))
        with services.db.transaction() as session:
            mine = store.by_reporter(session, office.id, user_id)
        view = home_view(office, mine, home_extra_blocks(services, office, user_id))
        try:
            client.views_publish(user_id=user_id, view=view)
        except SlackApiError as exc:
            log.warning("views.publish failed: %s", exc.response.get("error"))
