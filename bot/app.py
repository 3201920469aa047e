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

LISTENER_THREADS = 16


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
        # Bolt's default pool is min(32, CPUs + 4) threads: on two cores, six listeners at once.
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener"),
    )
    from handlers import install  # composition root: handlers → bot, wired here

    install(app, services)
    return app


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
        return self.slack(environ, start_response)

    def _migrated(self) -> bool:
        try:
            return is_current(self.services.db.engine)
        except Exception:
            log.warning("readyz: could not read the migration revision")
            return False

    @staticmethod
    def _status(start_response: StartResponse, checks: dict[str, bool]) -> list[bytes]:
        ok = all(checks.values())
        body = json.dumps({"ok": ok, **checks}).encode()
        start_response("200 OK" if ok else "503 Service Unavailable",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
