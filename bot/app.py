"""The Bolt app factory and the WSGI application around it.

This is the composition root: the one place in `bot/` that reaches into `handlers/`,
to let them register their listeners and message senders. HTTP mode and Socket Mode
both start from `create_app()`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.services import Services
from store.migrate import is_current

log = logging.getLogger(__name__)

# Bolt runs each listener on its own pool (5 threads by default), and a listener keeps its thread
# after the ack while it delivers what it entered in the ledger. Under a burst, or with Slack slow
# to answer, five would leave new requests queued past Slack's 3 seconds before they could ack.
LISTENER_THREADS = 32


def create_app(services: Services) -> App:
    """A Bolt app with every listener registered; requests are signature-checked by Bolt."""
    settings = services.settings
    app = App(
        client=services.client,
        signing_secret=settings.secret("SLACK_SIGNING_SECRET"),
        token_verification_enabled=False,
        # Listeners ack first; slow work (Web API calls) runs after the 200 has gone back.
        process_before_response=False,
        logger=logging.getLogger("slack_bolt.App"),
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener"),
    )
    from handlers import install  # composition root: handlers → bot, wired here

    install(app, services)
    return app


def import_listeners() -> None:
    """Import every listener and sender module, building nothing: gunicorn's master does this before it
    forks, so the workers start at once and share the code's memory instead of each importing it."""
    import importlib
    import pkgutil

    import handlers  # composition root, as above

    for module in pkgutil.walk_packages(handlers.__path__, "handlers."):
        importlib.import_module(module.name)


def install_senders(services: Services) -> Services:
    """Register the ledger's senders without a Bolt app: for the CLI's one-shot jobs, which send
    what the scheduler would but serve no requests."""
    from handlers import install_senders as install  # composition root, as above

    install(services.messenger)
    return services


StartResponse = Callable[[str, list[tuple[str, str]]], object]


class WsgiApp:
    """`/slack/events` for Slack; `/healthz` (database answers) and `/readyz` (and is migrated)."""

    def __init__(self, app: App, services: Services) -> None:
        self.slack = SlackRequestHandler(app, path="/slack/events")
        self.services = services

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return self._status(start_response, {"database": self.services.db.ping()})
        if path == "/readyz":
            db = self.services.db
            up = db.ping()
            return self._status(start_response, {"database": up, "migrations": up and self._migrated()})
        try:
            return self.slack(environ, start_response)
        except Exception as exc:
            # Only a payload Slack would never send gets here (Bolt's own parsing and matching assume
            # Slack's shapes): refuse it as a bad request, logged by type and place, never by content.
            log.warning("refused a malformed request: %s", type(exc).__name__, exc_info=exc)
            return self._reply(start_response, "400 Bad Request", {"ok": False, "error": "malformed_request"})

    def _migrated(self) -> bool:
        try:
            return is_current(self.services.db.engine)
        except Exception:
            log.warning("readyz: could not read the migration revision")
            return False

    @classmethod
    def _status(cls, start_response: StartResponse, checks: dict[str, bool]) -> list[bytes]:
        ok = all(checks.values())
        return cls._reply(start_response, "200 OK" if ok else "503 Service Unavailable", {"ok": ok, **checks})

    @staticmethod
    def _reply(start_response: StartResponse, status: str, data: dict[str, object]) -> list[bytes]:
        body = json.dumps(data).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
