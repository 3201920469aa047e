"""Shortcuts: «Meld avvik» (global) and «Meld avvik fra melding» (prefills the message text)."""

from __future__ import annotations

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services import Services
from handlers import ids
from handlers.common import office_of, open_registration
from handlers.payloads import MessageShortcut, Shortcut


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
