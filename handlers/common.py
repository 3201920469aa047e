"""What every listener shares: the «today» of a request's office, opening and updating a
modal, a domain error in words (in a notice, or on a form's fields), ids and metadata from payloads."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from slack_bolt import Ack, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.errors import DomainError
from bot.forms import FieldErrors
from bot.i18n import Locale, has, t
from bot.office import Office
from bot.services import Services
from handlers import ids
from handlers.blocks import mrkdwn, plain
from handlers.payloads import ActionView, BlockAction, seal

log = logging.getLogger(__name__)


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


def open_from(client: WebClient, click: BlockAction, view: View | dict) -> None:
    """Open a modal from a message, or push it over the modal the button was pressed in."""
    if not (click.in_modal and click.trigger_id):
        open_view(client, click.trigger_id, view)
        return
    try:
        client.views_push(trigger_id=click.trigger_id, view=view)
    except SlackApiError as exc:
        log.warning("views.push failed: %s", exc.response.get("error"))


def update_view(client: WebClient, current: ActionView, view: View | dict) -> None:
    """Replace the modal a button was pressed in; the hash makes Slack refuse it if the view moved on."""
    try:
        client.views_update(view_id=current.id, hash=current.hash, view=view)
    except SlackApiError as exc:
        log.warning("views.update failed: %s", exc.response.get("error"))


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


def modal_or_notice(office: Office, build: Callable[[], View]) -> View:
    """The modal `build` makes, or, when a domain rule refuses, a notice saying why."""
    try:
        return build()
    except DomainError as exc:
        return notice_view(office, say(exc, office.locale))


def form_errors(error: FieldErrors | DomainError, office: Office, general: str,
                fields: Mapping[str, str] | None = None) -> dict[str, str]:
    """What `response_action: errors` shows: each wrong field's reason, or a domain error on the field
    `fields` names for its key (else on `general`, the form's field for what is about no one field)."""
    if isinstance(error, FieldErrors):
        return {name: t(key, office.locale) for name, key in error.errors.items()}
    return {(fields or {}).get(error.key, general): say(error, office.locale)}


def id_of(value: object) -> int | None:
    """A button's value or a metadata field as a row id; anything else is None (crafted payloads)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:  # a BIGINT, at most
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def metadata(**values: object) -> str:
    """A modal's private_metadata, sealed by the server (handlers.payloads.seal)."""
    return seal(values)


# --- answering a command in time, whatever Slack's Web API does ------------------------------------

# A command's answer may depend on who leads (a user group Slack is asked for): it waits for Slack at most
# this long before the ack, and after the ack at most FOLLOW_UP_WAIT before it answers with what is known.
ANSWER_WAIT = 1.0
FOLLOW_UP_WAIT = 30.0


class AnswerLater(Ack):
    """An ack given after Slack's empty one: the answer goes through the command's response_url, which
    Slack shows as it shows the ack's answer (to the person only)."""

    def __init__(self, respond: Respond) -> None:
        super().__init__()
        self._respond = respond

    def __call__(self, text: str | dict = "", blocks: list | None = None, **_: object) -> BoltResponse:
        if text or blocks:
            try:
                self._respond(text=text, blocks=blocks, response_type="ephemeral")
            except (SlackClientError, OSError, ValueError) as exc:  # ValueError: the body had no response_url
                log.warning("the answer after the ack was not sent (%s)", type(exc).__name__)
        return BoltResponse(status=200, body="")


def usergroups(services: Services, office: Office) -> set[str | None]:
    """Every Slack user group a request of this office may ask about: its leaders, staff and reviewers,
    and the leaders of its counties and of the counties of its workspace."""
    counties = {*services.offices.counties_of(office.id), *services.offices.counties_in_team(office.team_id)}
    return {office.leader_usergroup, office.staff_usergroup, office.quality.reviewer_usergroup,
            *(c.leader_usergroup for c in counties)}


def answer_in_time(services: Services, office: Office, ack: Ack, respond: Respond,
                   answer: Callable[[Ack], None]) -> None:
    """`answer(ack)` at once when who leads is known (from the last minutes, or Slack answers within
    ANSWER_WAIT); otherwise Slack gets its empty ack now, inside its 3 seconds, and `answer` runs once
    Slack has told (or failed: then from the members last known), its words through the response_url."""
    groups = usergroups(services, office)
    if services.leaders.settle(groups, ANSWER_WAIT):
        answer(ack)
        return
    ack()

    def when_known() -> None:
        services.leaders.settle(groups, FOLLOW_UP_WAIT)
        answer(AnswerLater(respond))

    after_slack(when_known)


# Work that waits on a slow Slack after the ack runs here, not on Bolt's listener threads: a burst of
# requests while Slack hangs must not leave new requests queued past Slack's 3 seconds.
_after_slack = ThreadPoolExecutor(max_workers=8, thread_name_prefix="after-slack")


def after_slack(work: Callable[[], None]) -> None:
    """Run `work` (which may wait on Slack) in the background; an error in it is logged, by type."""
    def run() -> None:
        try:
            work()
        except Exception as exc:  # else lost with the thread; by type only: its words may hold a person's text
            log.error("work after the ack raised %s", type(exc).__name__)

    _after_slack.submit(run)


def reply(ack: Ack, text: str, blocks: list | None = None) -> None:
    """The ephemeral answer to the command (only the person who typed it sees it)."""
    blocks = blocks or [SectionBlock(text=mrkdwn(text[:3000]))]
    ack(text=text[:3000], blocks=[b.to_dict() for b in blocks])


def mark_dm_done(client: WebClient, office: Office, meta: Mapping[str, object], blocks: list) -> None:
    """The owner's DM their «Utført» was pressed in now says it is done, without the button; `meta`
    is the completion modal's, which carries that message (a reply to the owner's own click)."""
    channel, ts = meta.get("channel"), meta.get("ts")
    if not (isinstance(channel, str) and isinstance(ts, str)):
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=t("action.now_utfort", office.locale),
                           blocks=[b.to_dict() for b in blocks])
    except SlackApiError as exc:
        log.warning("the owner's DM was not updated (%s)", exc.response.get("error"))


# --- names without a ping -----------------------------------------------------------------------

_names: dict[str, str] = {}
_names_lock = threading.Lock()


def display_name(client: WebClient, user_id: str) -> str:
    """A person's name as Slack shows it, to say who did something without notifying them (issue 16:
    mention only who must act). Looked up once with users.info and kept in memory only, never stored;
    if Slack cannot say, the plain id (still no ping)."""
    with _names_lock:
        if user_id in _names:
            return _names[user_id]
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except (SlackApiError, SlackClientError, OSError) as exc:
        log.warning("names: users.info failed (%s)", type(exc).__name__)
        return user_id
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user_id
    with _names_lock:
        _names[user_id] = name
    return name


def who(client: WebClient, user_id: str | None, *, must_act: bool) -> str:
    """A mention for someone who must act now; for everyone else, their name, which pings nobody."""
    if not user_id:
        return "–"
    return f"<@{user_id}>" if must_act else display_name(client, user_id)


def tell(client: WebClient, channel: str | None, user: str, text: str, *, about: str) -> None:
    """An answer only the person who pressed sees (ephemeral, in the channel or DM of the button);
    `about` names the feature in the log line if Slack refuses it (never the text)."""
    if not channel:
        return
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text)
    except SlackApiError as exc:
        log.warning("%s: ephemeral answer not sent (%s)", about, exc.response.get("error"))
