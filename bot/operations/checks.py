"""What `avvik-bot check` and start-up verify: the database, Slack, and the office config against Slack.

Every problem is one line naming the setting and how to fix it, so an operator learns of a
wrong token, a channel name instead of an id or an uninvited bot before staff type /avvik.
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import DBAPIError

from bot.office import County, Office, OfficeDirectory
from bot.operations.rules import TOKEN_ERRORS, IdKind, database_reason, fix_for, shape_problem
from bot.settings import Settings
from store import ledger
from store.db import Database
from store.migrate import is_current

CHECK_TIMEOUT = 10  # seconds for each Web API call of a check
# The SDK logs a failed call as an ERROR with its traceback; a check says it in its own one line.
_SDK_LOG = logging.getLogger("bot.operations.checks.web_api")
_SDK_LOG.setLevel(logging.CRITICAL)


@dataclass
class SlackReport:
    problems: list[str] = field(default_factory=list)
    token_rejected: bool = False  # serve and socket refuse to start on this


@dataclass(frozen=True)
class Setting:
    """One id in the office config: whose it is («office hamar», «county innlandet»), the setting, and
    what kind of thing it names."""

    owner: str
    name: str
    value: str
    kind: IdKind

    def problem(self, why: str) -> str:
        return f"{self.owner}: {self.name} {self.value}: {why}"


def office_ids(office: Office) -> Iterator[Setting]:
    """Every channel, person and user group the office config names."""
    owner = f"office {office.id}"
    yield Setting(owner, "leader_channel", office.leader_channel, IdKind.CHANNEL)
    yield Setting(owner, "office_channel", office.office_channel, IdKind.CHANNEL)
    for leader in office.leaders:
        yield Setting(owner, "leaders", leader, IdKind.USER)
    if office.leader_usergroup:
        yield Setting(owner, "leader_usergroup", office.leader_usergroup, IdKind.USERGROUP)
    for reviewer in office.quality.reviewers:
        yield Setting(owner, "quality.reviewers", reviewer, IdKind.USER)
    if office.quality.reviewer_usergroup:
        yield Setting(owner, "quality.reviewer_usergroup", office.quality.reviewer_usergroup, IdKind.USERGROUP)


def county_ids(county: County) -> Iterator[Setting]:
    """A county's leaders: people and a user group (issue 24)."""
    for leader in county.leaders:
        yield Setting(f"county {county.id}", "leaders", leader, IdKind.USER)
    if county.leader_usergroup:
        yield Setting(f"county {county.id}", "leader_usergroup", county.leader_usergroup, IdKind.USERGROUP)


def all_ids(offices: OfficeDirectory) -> Iterator[Setting]:
    for office in offices.office:
        yield from office_ids(office)
    for county in offices.county:
        yield from county_ids(county)


def shape_problems(offices: OfficeDirectory) -> list[str]:
    """Ids that cannot be ids (`#ledergruppa`, `@kari`): found without asking Slack."""
    return [setting.problem(why) for setting in all_ids(offices)
            if (why := shape_problem(setting.value, setting.kind))]


def check_slack(settings: Settings, offices: OfficeDirectory, *, socket_mode: bool = False) -> SlackReport:
    """Ask Slack whether the bot can really work: its token, the app token (Socket Mode), and every
    channel, person and user group of every office."""
    report = SlackReport()
    if settings.slack_bot_token is None:
        report.problems.append("SLACK_BOT_TOKEN is not set: set it to the app's Bot User OAuth Token (xoxb-…) "
                               "from «OAuth & Permissions».")
        report.token_rejected = True
        return report
    client = WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url,
                       timeout=CHECK_TIMEOUT, logger=_SDK_LOG)
    try:
        client.auth_test()
        if socket_mode or settings.slack_app_token is not None:
            _check_app_token(settings, report)
        for setting in all_ids(offices):
            if shape_problem(setting.value, setting.kind) is None:
                _check_id(client, setting, report)
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        report.problems.append(f"SLACK_BOT_TOKEN: {fix_for(error)} (Slack said {error}).")
        report.token_rejected = error in TOKEN_ERRORS
    except (SlackClientError, urllib.error.URLError, OSError) as exc:
        report.problems.append(f"SLACK_API_URL: Slack does not answer at {settings.slack_api_url} "
                               f"({type(exc).__name__}): check the network, a proxy or the URL.")
        report.token_rejected = True
    report.problems[:0] = shape_problems(offices)
    return report


def _check_app_token(settings: Settings, report: SlackReport) -> None:
    if settings.slack_app_token is None:
        report.problems.append("SLACK_APP_TOKEN is not set: set it to an app-level token (xapp-…) with the "
                               "connections:write scope.")
        report.token_rejected = True
        return
    token = settings.slack_app_token.get_secret_value()
    try:
        WebClient(token=token, base_url=settings.slack_api_url, timeout=CHECK_TIMEOUT,
                  logger=_SDK_LOG).apps_connections_open(app_token=token)
    except SlackApiError as exc:
        error = exc.response.get("error")
        report.problems.append(f"SLACK_APP_TOKEN: Slack rejects the app-level token ({error}): create one with the "
                               "connections:write scope under «Basic Information» → «App-Level Tokens».")
        report.token_rejected = True


def _check_id(client: WebClient, setting: Setting, report: SlackReport) -> None:
    """One id against Slack; a rejected token is raised for check_slack to report once."""
    try:
        if setting.kind is IdKind.CHANNEL:
            channel = client.conversations_info(channel=setting.value).get("channel") or {}
            if channel.get("is_archived"):
                report.problems.append(setting.problem(fix_for("is_archived")))
            elif not channel.get("is_member", False):
                report.problems.append(setting.problem(fix_for("not_in_channel")))
        elif setting.kind is IdKind.USER:
            if (client.users_info(user=setting.value).get("user") or {}).get("deleted"):
                report.problems.append(setting.problem(fix_for("user_disabled")))
        else:
            members = client.usergroups_users_list(usergroup=setting.value).get("users") or []
            if not members:
                report.problems.append(setting.problem("the user group has no members: add the people to it"))
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        if error in TOKEN_ERRORS:
            raise
        report.problems.append(setting.problem(f"{fix_for(error)} (Slack said {error})"))


def database_problem(db: Database) -> str | None:
    """Why the database cannot be used, in psycopg's or SQLite's own words, with the fix; None if it can."""
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except DBAPIError as exc:
        return f"DATABASE_URL: {database_reason(str(exc.orig or exc))}"
    if not is_current(db.engine):
        return "DATABASE_URL: the database is not migrated; run `avvik-bot db upgrade` first."
    return None


def failed_messages(db: Database) -> list[str]:
    """One line per office and Slack error for the messages Slack refused for good."""
    counts: dict[tuple[str, str], int] = {}
    with db.reading() as session:
        for row in ledger.failed(session):
            key = (row.office_id, row.last_error or "unknown")
            counts[key] = counts.get(key, 0) + 1
    return [f"office {office_id}: {count} message(s) not sent ({error}): {fix_for(error)}, then run "
            f"avvik-bot deliver --failed" for (office_id, error), count in counts.items()]


def slack_health(db: Database) -> dict[str, object]:
    """/healthz's `slack` section: how many messages Slack refused for good, and the latest refusal
    (which error, when, which office). It informs; it never takes the service down."""
    with db.reading() as session:
        rows = ledger.failed(session)
        last = rows[0] if rows else None
        return {
            "failed_messages": len(rows),
            "last_error": None if last is None else {
                "error": last.last_error, "at": last.claimed_at.isoformat() if last.claimed_at else None,
                "office": last.office_id, "message": last.what, "fix": fix_for(last.last_error or ""),
            },
        }
