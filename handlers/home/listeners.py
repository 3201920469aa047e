"""A person's own deviations: App Home (published when they open it: «Meld avvik», their own
deviations, the overview for leaders), `/avvik mine` and `/avvik status REF`."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import HeaderBlock, PlainTextObject

from bot.errors import DeviationNotFound, DomainError
from bot.i18n import t
from bot.leaders import service as leaders_service
from bot.office import Office
from bot.services import Services
from bot.workspace import Which, led_by
from handlers.blocks import escape
from handlers.common import reply, say
from handlers.home.blocks import home_view, mine_blocks, status_blocks
from handlers.leaders.overview import MAX_CASES, home_extra_blocks
from handlers.middleware import parse
from handlers.payloads import HomeOpened, SlashCommand

log = logging.getLogger(__name__)


def publish_home(client: WebClient, services: Services, office: Office, which: Which, parsed: HomeOpened) -> None:
    """The Home tab as the person should see it now (the Messages tab publishes nothing). In a workspace
    with several offices (issue 24): their own cases in any of them, and the overview of each office
    they lead, under its name."""
    if parsed.event.tab != "home":
        return
    user_id = parsed.event.user
    mine = leaders_service.my_deviations(services.db, office, user_id, which.offices)
    if len(which.offices) == 1:
        extra = home_extra_blocks(services, office, user_id)
    else:
        led = led_by(services.leaders, which.offices, user_id)
        share = MAX_CASES // max(len(led), 1)  # every office they lead fits, not the first alone
        extra = [block for office_led in led
                 for block in _under_name(office_led, home_extra_blocks(services, office_led, user_id,
                                                                        max_cases=share))]
    view = home_view(office, mine, extra)
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as exc:
        log.warning("views.publish failed: %s", exc.response.get("error"))


def _under_name(office: Office, blocks: list) -> list:
    """One office's overview on a Home with several: its name first."""
    return [blocks[0], HeaderBlock(text=PlainTextObject(text=office.name[:150])), *blocks[1:]] if blocks else []


# --- /avvik mine, /avvik status REF ----------------------------------------------------------

def mine(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/avvik mine`: my own cases (anonymous ones have no owner and are never listed)."""
    loc = office.locale
    try:
        deviations = leaders_service.my_deviations(services.db, office, command.user_id,
                                                   services.offices.in_team(command.team_id))
    except DomainError as exc:
        reply(ack, say(exc, loc))
        return
    reply(ack, t("home.mine", loc), mine_blocks(office, deviations))


def status(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/avvik status AVV-2026-0001`: one case, to its reporter or a leader only."""
    loc = office.locale
    if len(command.words) < 2:
        reply(ack, t("status.usage", loc))
        return
    reference = command.words[1][:32]
    try:
        deviation = leaders_service.deviation_for(services.db, services.leaders, office, reference, command.user_id)
    except DeviationNotFound:
        reply(ack, t("status.not_found", loc, reference=escape(reference)))
        return
    except DomainError as exc:
        reply(ack, say(exc, loc))
        return
    leader = services.leaders.is_leader(office, command.user_id)
    reply(ack, t("card.fallback", loc, reference=deviation.reference, state=t(f"state.{deviation.state}", loc)),
           status_blocks(office, deviation, leader=leader))


def register(app: App) -> None:
    app.event("app_home_opened", middleware=[parse(HomeOpened, for_leaders=True)])(publish_home)
