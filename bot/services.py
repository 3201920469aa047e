"""Everything a listener or a job needs, built once per process and passed down."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.clock import Clock, SystemClock
from bot.leaders import LeaderDirectory
from bot.messenger import Messenger
from bot.office import OfficeDirectory, load_offices
from bot.settings import Settings
from store.db import Database


@dataclass
class Services:
    settings: Settings
    offices: OfficeDirectory
    db: Database
    clock: Clock
    client: WebClient
    messenger: Messenger
    leaders: LeaderDirectory


def web_client(settings: Settings, *, wait_when_rate_limited: bool = True) -> WebClient:
    """The Web API client: Slack's URL or GovSlack's/the test fake's, with SDK retry handlers for
    rate limits (429, honouring Retry-After), server errors and dropped connections.

    The ledger's client does not sleep on a 429: the messenger gives the row back with
    Retry-After as its earliest next attempt, so no thread (nor a database lock) waits meanwhile.
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    handlers = [ConnectionErrorRetryHandler(max_retry_count=2), ServerErrorRetryHandler(max_retry_count=1)]
    if wait_when_rate_limited:
        handlers.insert(1, RateLimitErrorRetryHandler(max_retry_count=2))
    return WebClient(token=token, base_url=settings.slack_api_url, timeout=10, retry_handlers=handlers)


def build_services(settings: Settings, clock: Clock | None = None, db: Database | None = None) -> Services:
    clock = clock or SystemClock()
    offices = load_offices(settings.avvik_office_config)
    db = db or Database(settings.database_url)
    client = web_client(settings)
    return Services(
        settings=settings,
        offices=offices,
        db=db,
        clock=clock,
        client=client,
        messenger=Messenger(db, web_client(settings, wait_when_rate_limited=False), clock, offices),
        leaders=LeaderDirectory(client, clock),
    )
