"""Slack listeners, one package per feature as in `bot/`: `listeners.py` (parse, call, render),
`blocks.py` (pure Block Kit builders), `senders.py` (ledger messages).

`install()` is called once by the app factory: every package registers what it handles, with
`register(app)`. Listeners get `services`, the request's office and its parsed body from Bolt's
context, by parameter name (handlers/middleware.py).
"""

from __future__ import annotations

from slack_bolt import App

from bot.messenger import Messenger
from bot.services import Services


def install(app: App, services: Services) -> None:
    """Every package's listeners, each behind the shared opening in handlers.middleware."""
    from handlers import actions, commands, envelope, middleware, payloads
    from handlers.breach import listeners as breach
    from handlers.dialogue import listeners as dialogue
    from handlers.effect import listeners as effect
    from handlers.home import listeners as home
    from handlers.leaders import listeners as leaders
    from handlers.learning import listeners as learning
    from handlers.quality import listeners as quality
    from handlers.registration import listeners as registration
    from handlers.reminders import listeners as reminders
    from handlers.routing import listeners as routing

    payloads.use_seal_key(services.settings.secret("SLACK_SIGNING_SECRET"))  # views' metadata is sealed
    envelope.register(app)  # first: a request Slack could not have sent reaches no listener
    app.use(middleware.provide(services))  # then every listener may ask for `services`
    for package in (commands, registration, routing, home, leaders, quality, reminders, breach, learning, actions,
                    dialogue, effect):
        package.register(app)
    install_senders(services.messenger)


def install_senders(messenger: Messenger) -> None:
    """The ledger's senders: also all a one-shot CLI job (deliver, nudge, digest) needs. A kind of
    message left without a sender stops the start (MissingSenders), here, rather than stay unsent."""
    from handlers.breach import senders as breach
    from handlers.deviations import senders as deviations
    from handlers.dialogue import senders as dialogue
    from handlers.effect import senders as effect
    from handlers.leaders import senders as leaders
    from handlers.learning import senders as learning
    from handlers.quality import senders as quality
    from handlers.registration import senders as registration
    from handlers.reminders import senders as reminders

    for package in (registration, deviations, leaders, reminders, quality, dialogue, breach, learning, effect):
        package.register(messenger)
    messenger.check_senders()
