"""What every listener shares: the office of a request and its «today», opening a modal, a domain
error in words, a notice modal, ids and metadata from payloads."""

from __future__ import annotations

import json
import logging
from datetime import date

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.errors import DomainError
from bot.i18n import Locale, format_date, has, t
from bot.office import Office
from bot.services import Services
from handlers import ids
from handlers.blocks import mrkdwn, plain

log = logging.getLogger(__name__)


def office_of(services: Services, team_id: str | None) -> Office:
    return services.offices.for_team(team_id)


def today(services: Services, office: Office) -> date:
    return services.clock.now().astimezone(office.tz).date()


def open_view(client: WebClient, trigger_id: str | None, view: View | dict) -> None:
    """Open a modal right after the ack (a trigger lives 3 s); a refusal from Slack is logged, by code."""
    if not trigger_id:
        return
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        log.warning("views.open failed: %s", exc.response.get("error"))


def say(error: DomainError, locale: Locale) -> str:
    """A domain error as a sentence in the office's language; states by their names, not their values."""
    params = dict(error.params)
    state = params.get("state")
    for prefix in ("state", "action_state"):  # a case's state or an action's
        if isinstance(state, str) and has(f"{prefix}.{state}"):
            params["state"] = t(f"{prefix}.{state}", locale)
            break
    try:
        return t(error.key, locale, **params)
    except (KeyError, IndexError):
        return t("error.generic", locale)


def notice_view(office: Office, text: str) -> View:
    """A modal that only tells (a refusal, or why a button cannot be used now)."""
    return View(type="modal", callback_id=ids.NOTICE_VIEW, title=plain("notice.title", office.locale),
                close=plain("notice.close", office.locale), blocks=[SectionBlock(text=mrkdwn(text[:3000]))])



def id_of(value: object) -> int | None:
    """A button's value or a metadata field as a row id; anything else is None (crafted payloads)."""
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def metadata(**values: object) -> str:
    return json.dumps(values, separators=(",", ":"))


def day(value: date, locale: Locale) -> str:
    return format_date(value, locale)
