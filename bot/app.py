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
from datetime import UTC, datetime
from typing import TypeVar

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from bot import metrics
from bot.services import Services
from store import breach as breach_store
from store import ledger
from store.db import Unavailable
from store.migrate import is_current

log = logging.getLogger(__name__)

# Bolt runs each listener on its own pool (5 threads by default), and a listener keeps its thread
# after the ack while it delivers what it entered in the ledger. Under a burst, or with Slack slow
# to answer, five would leave new requests queued past Slack's 3 seconds before they could ack.
LISTENER_THREADS = 32

# Slack's own payloads are a few kilobytes (a modal's state at most some tens): anything larger is
# refused before it is read, so it costs neither memory nor log.
MAX_BODY = 1024 * 1024


class _TokenFromClient(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and, given our client (which carries
    that token, the API URL and the retry handlers), warns that the token is unused: it is the same
    token, used through the client, so that one warning says nothing true and is left out."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_BOLT_LOG = logging.getLogger("slack_bolt.App")
_BOLT_LOG.addFilter(_TokenFromClient())


def create_app(services: Services, listener_executor: ThreadPoolExecutor | None = None) -> App:
    """A Bolt app with every listener registered; requests are signature-checked by Bolt.

    `listener_executor` runs the listeners' work after the ack; pass one to wait for it at shutdown.
    """
    settings = services.settings
    app = App(
        name="avviksboten",  # given: Bolt's default reads the call stack, which costs a worker ~0.1 s at boot
        client=services.client,
        signing_secret=settings.secret("SLACK_SIGNING_SECRET"),
        token_verification_enabled=False,
        # Listeners ack first; slow work (Web API calls) runs after the 200 has gone back.
        process_before_response=False,
        logger=_BOLT_LOG,
        listener_executor=listener_executor or listener_threads(),
    )
    app.use(metrics.time_request)
    from handlers import install  # composition root: handlers → bot, wired here

    install(app, services)
    return app


def listener_threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener")


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


def _refused(environ: dict) -> str | None:
    """The status for a request refused before its body is read, or None: a body over MAX_BODY (413),
    a timestamp Slack would never send (401: the signature check could not even begin)."""
    length = environ.get("CONTENT_LENGTH") or "0"
    if not (length.isascii() and length.isdigit()):
        return "400 Bad Request"
    if int(length) > MAX_BODY:
        return "413 Content Too Large"
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    if environ.get("REQUEST_METHOD") == "POST" and not (timestamp.isascii() and timestamp.isdigit()
                                                        and len(timestamp) <= 12):
        return "401 Unauthorized"
    return None


StartResponse = Callable[[str, list[tuple[str, str]]], object]
T = TypeVar("T")


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class WsgiApp:
    """`/slack/events` for Slack, and what a platform asks a service (Kubernetes semantics):

    - `/livez`, liveness: this process serves requests. Depends on nothing outside it, so a
      database outage never makes the platform restart every replica.
    - `/readyz`, readiness: the database answers and its migrations are current.
    - `/healthz`: the database answers (the Docker HEALTHCHECK's question); with a `slack` section,
      what Slack refused for good (told, never counted).
    - `/metrics`: Prometheus metrics (bot/metrics.py).

    The database checks answer within `CHECK_DEADLINE` whatever the database does: a check not
    done by then counts as failed (503) and is left to finish on its own thread.
    """

    CHECK_DEADLINE = 0.8  # seconds; probes wait 1 s

    def __init__(self, app: App, services: Services) -> None:
        self.slack = SlackRequestHandler(app, path="/slack/events")
        self.services = services
        self._checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="health")

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/livez":
            return self._reply(start_response, "200 OK", {"ok": True})
        if path == "/healthz":
            up = self.services.db.ping()  # bounded by itself
            return self._status(start_response, {"database": up}, slack=self._within(self._slack, None) if up else None)
        if path == "/readyz":
            checks = self._within(self._readiness, {"database": False, "migrations": False})
            metrics.readiness(all(checks.values()))
            return self._status(start_response, checks)
        if path == "/metrics":
            return self._metrics(start_response)
        refused = _refused(environ)
        if refused:
            return self._reply(start_response, refused, {"ok": False, "error": refused[4:].lower().replace(" ", "_")})
        try:
            return self.slack(environ, start_response)
        except Exception as exc:
            # Only a payload Slack would never send gets here (Bolt's own parsing and matching assume
            # Slack's shapes): refuse it as a bad request, logged by type and place, never by content.
            log.warning("refused a malformed request: %s", type(exc).__name__, exc_info=exc)
            return self._reply(start_response, "400 Bad Request", {"ok": False, "error": "malformed_request"})

    def _slack(self) -> dict[str, object] | None:
        from bot.operations.checks import slack_health

        try:
            return slack_health(self.services.db)
        except Exception:
            log.warning("healthz: could not read the ledger's failed messages")
            return None

    def _within(self, check: Callable[[], T], failed: T = False) -> T:  # type: ignore[assignment]
        try:
            return self._checks.submit(check).result(timeout=self.CHECK_DEADLINE)
        except TimeoutError:  # concurrent.futures' is the built-in since Python 3.11
            return failed

    def _readiness(self) -> dict[str, bool]:
        up = self.services.db.ping()
        return {"database": up, "migrations": up and self._migrated()}

    def _metrics(self, start_response: StartResponse) -> list[bytes]:
        content_type, body = metrics.render(*self._within(self._database_gauges, (None, None)))
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    def _database_gauges(self) -> tuple[metrics.LedgerCounts | None, metrics.BreachDeadlines | None]:
        """What /metrics reads from the database at scrape time, in one read: the ledger's messages
        by kind and state, and each office's earliest undecided breach deadline."""
        now = self.services.clock.now()
        try:
            with self.services.db.reading() as session:
                unsent = ledger.unsent_by_kind(session)
                deadlines = breach_store.undecided_deadlines(session)
        except Unavailable:
            return None, None
        return (lambda: iter([(kind, state, count, max((now - _aware(oldest)).total_seconds(), 0.0))
                              for kind, state, count, oldest in unsent]),
                lambda: iter([(office, (_aware(deadline) - now).total_seconds()) for office, deadline in deadlines]))

    def _migrated(self) -> bool:
        try:
            return is_current(self.services.db.engine)
        except Exception:
            log.warning("readyz: could not read the migration revision")
            return False

    @classmethod
    def _status(cls, start_response: StartResponse, checks: dict[str, bool], **info: object) -> list[bytes]:
        """200 when every check holds; `info` (Slack's health) is told, never counted."""
        ok = all(checks.values())
        return cls._reply(start_response, "200 OK" if ok else "503 Service Unavailable", {"ok": ok, **checks, **info})

    @staticmethod
    def _reply(start_response: StartResponse, status: str, data: dict[str, object]) -> list[bytes]:
        body = json.dumps(data).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
