"""Everything a listener or a job needs, built once per process and passed down."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.dialogue.throttle import CodeThrottle
from bot.leaders.directory import LeaderDirectory
from bot.messenger import Messenger
from bot.office import Office, OfficeDirectory, load_offices
from bot.settings import Settings
from bot.webapi import KeepAliveWebClient
from store.db import Database, Unavailable

log = logging.getLogger(__name__)
_Plan = TypeVar("_Plan")


@dataclass
class Services:
    settings: Settings
    offices: OfficeDirectory
    db: Database
    clock: Clock
    client: WebClient
    messenger: Messenger
    leaders: LeaderDirectory
    # Wrong case codes lately (issue 20): in this process's memory only, never who.
    code_throttle: CodeThrottle = field(default_factory=CodeThrottle)

    def dialogue_key(self) -> bytes:
        """The anonymous dialogue's server key, derived from the signing secret (bot/dialogue/codes.py)."""
        from bot.dialogue.codes import server_key

        return server_key(self.settings.secret("SLACK_SIGNING_SECRET"))

    def run_for_office(self, job: str, office_id: str, run: Callable[[Services, Office], _Plan]) -> _Plan | None:
        """One office's scheduled run of a job (APScheduler's call): its plan, or None when the database
        was unavailable; that is logged, and the job's next run catches up (every job plans from the
        database and the ledger, so nothing is lost meanwhile)."""
        try:
            return run(self, self.offices.by_id(office_id))
        except Unavailable:
            log.warning("%s: database unavailable; the next run catches up", job)
            return None


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, for short waits only. A long Retry-After would park a sending thread
    for minutes; that one is left to the ledger, which gives the row back until Retry-After."""

    def __init__(self, max_retry_count: int = 2, max_wait_seconds: int = 5) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_seconds = max_wait_seconds

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        assert response is not None
        values = [v for k, v in response.headers.items() if k.lower() == "retry-after"]
        value = values[0][0] if values and isinstance(values[0], list) else (values[0] if values else "1")
        try:
            return int(value) <= self.max_wait_seconds
        except ValueError:
            return False


def web_client(settings: Settings) -> WebClient:
    """The Web API client: Slack's URL or GovSlack's/the test fake's, with SDK retry handlers for
    rate limits (429, honouring Retry-After), server errors and dropped connections.

    A 429 with a short Retry-After is waited out by the SDK; a longer one fails the call, and the
    messenger gives the ledger row back with Retry-After as its earliest next attempt.
    """
    handlers = [ConnectionErrorRetryHandler(max_retry_count=2), ShortRateLimitRetryHandler(max_retry_count=2),
                ServerErrorRetryHandler(max_retry_count=1)]
    return KeepAliveWebClient(token=_token(settings), base_url=settings.slack_api_url, timeout=10,
                              retry_handlers=handlers)


# A read a person waits for (the ack is due within 3 s, and who leads may already have taken up to a
# second of them: handlers.common.answer_in_time): one short try, no retries. (Who leads is read in
# the background and waited for briefly instead: bot.leaders.directory.)
LOOKUP_TIMEOUT = 1.0


def lookup_client(settings: Settings) -> WebClient:
    """A Web API client for a read a person waits for: one short try. A plain client: it is made for
    one call, so a kept-alive connection would never be used again."""
    return WebClient(token=_token(settings), base_url=settings.slack_api_url, timeout=LOOKUP_TIMEOUT,
                     retry_handlers=[])


def _token(settings: Settings) -> str | None:
    return settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None


def build_services(settings: Settings, clock: Clock | None = None, db: Database | None = None) -> Services:
    clock = clock or SystemClock()
    offices = load_offices(settings.avvik_office_config)
    db = db or Database(settings.database_url)
    metrics.count_database_errors(db.engine)
    client = web_client(settings)
    services = Services(
        settings=settings,
        offices=offices,
        db=db,
        clock=clock,
        client=client,
        messenger=Messenger(db, client, clock, offices),
        leaders=LeaderDirectory(client, clock),
    )
    services.messenger.refused.append(lambda office, error, recipient: _tell_leaders(services, office, error,
                                                                                     recipient))
    return services


def _tell_leaders(services: Services, office: Office, error: str, recipient: str) -> None:
    """The leader channel refused a message for good: the leaders hear it by DM (bot/operations)."""
    from bot.operations.service import tell_leaders  # it builds on Services, defined here

    if recipient == office.leader_channel:
        tell_leaders(services, office, error)
