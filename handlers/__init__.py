"""Slack listeners, one module per kind of request, and the Block Kit builders they use.

`install()` is called once by the app factory: every module registers what it handles.
"""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services


def install(app: App, services: Services) -> None:
    from handlers import actions, commands, envelope, events, messages, shortcuts, views

    envelope.register(app)  # first: a request Slack could not have sent reaches no listener
    for module in (commands, shortcuts, views, actions, events):
        module.register(app, services)
    messages.register(services.messenger)
