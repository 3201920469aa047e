"""Slack listeners, one module per kind of request, and the Block Kit builders they use.

`install()` is called once by the app factory: every module registers what it handles.
"""

from __future__ import annotations

from slack_bolt import App

from bot.messenger import Messenger
from bot.services import Services


def install(app: App, services: Services) -> None:
    from handlers import (
        actions,
        commands,
        envelope,
        events,
        leader_actions,
        leader_views,
        quality,
        routing_actions,
        shortcuts,
        views,
    )

    envelope.register(app)  # first: a request Slack could not have sent reaches no listener
    for module in (commands, shortcuts, views, actions, events, routing_actions, leader_actions, leader_views,
                   quality):
        module.register(app, services)
    install_senders(services.messenger)


def install_senders(messenger: Messenger) -> None:
    """The ledger's senders: also all a one-shot CLI job (deliver, nudge, digest) needs."""
    from handlers import leader_messages, messages, quality, reminders

    messages.register(messenger)
    leader_messages.register(messenger)
    reminders.register(messenger)
    quality.register_senders(messenger)
