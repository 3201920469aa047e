"""Buttons: «Meld avvik» on App Home."""

from __future__ import annotations

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services import Services
from handlers import ids
from handlers.common import office_of, open_registration
from handlers.payloads import BlockAction


def register(app: App, services: Services) -> None:
    @app.action(ids.OPEN_REGISTRATION)
    def on_open_registration(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        try:
            action = BlockAction.model_validate(body)
        except ValidationError:
            return
        if action.trigger_id:
            office = office_of(services, action.team_id)
            open_registration(services, client, office, action.trigger_id)
