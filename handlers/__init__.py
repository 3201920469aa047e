"""Slack listeners, one module per kind of request, and the Block Kit builders they use.

`install()` is called once by the app factory: every module registers what it handles.
"""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services


def install(app: App, services: Services) -> None:
    from handlers import actions, commands, events, messages, quality, routing_actions, shortcuts, views

    for module in (commands, shortcuts, views, actions, events, routing_actions, quality):
        module.register(app, services)
    messages.register(services.messenger)
