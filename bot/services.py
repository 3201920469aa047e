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


def web_client(settings: Settings) -> WebClient:
    """The Web API client: Slack's URL or GovSlack's/the test fake's, with SDK retry handlers for
    rate limits (429, honouring Retry-After), server errors and dropped connections."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=1),
        ],
    )


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
        messenger=Messenger(db, client, clock, offices),
        leaders=LeaderDirectory(client, clock),
    )
