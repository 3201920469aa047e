"""The leaders' overview: `/avvik oversikt`, and the same under a leader's own deviations on App Home.

Seed 000, «Er det noen vits å melde avvik?»: it works when the leaders «jevnlig etterspør
informasjon om meldte avvik» and the reporter can see that something happens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, SectionBlock

from bot.deviations.rules import State
from bot.dialogue import service as dialogue
from bot.dialogue.rules import Waiting
from bot.errors import DomainError
from bot.i18n import format_date, t
from bot.leaders import service as leaders_service
from bot.office import Office
from bot.services import Services
from handlers.blocks import SECTION_MAX, escape, lines_within, mrkdwn, plain
from handlers.common import reply, say
from handlers.payloads import SlashCommand
from store.models import Deviation


def overview_blocks(office: Office, grouped: Mapping[State, Sequence[Deviation]], now: datetime,
                    waiting: Mapping[int, Waiting] | None = None) -> list:
    """Open cases by state, oldest first, with how long each has waited; an anonymous case waiting for
    its reporter says so (issue 20: nobody can be reminded)."""
    loc = office.locale
    blocks: list = [HeaderBlock(text=plain("overview.header", loc))]
    total = sum(len(deviations) for deviations in grouped.values())
    if not total:
        blocks.append(ContextBlock(elements=[mrkdwn(t("overview.none", loc))]))
        return blocks
    for state, deviations in grouped.items():
        if not deviations:
            continue
        lines = [t("overview.line", loc, reference=d.reference, title=escape(d.title)[:120],
                   date=format_date(d.created_at.astimezone(office.tz).date(), loc),
                   days=max((now - d.created_at).days, 0)) + _waiting(d.id, waiting, loc) for d in deviations]
        title = t("overview.state", loc, state=t(f"state.{state.value}", loc), count=len(deviations))
        blocks.append(SectionBlock(text=mrkdwn(f"{title}\n{lines_within(lines, loc, SECTION_MAX - len(title))}")))
    return blocks


def _waiting(deviation_id: int, waiting: Mapping[int, Waiting] | None, loc: str) -> str:
    what = (waiting or {}).get(deviation_id)
    return f" · _{t(f'dialogue.waiting.{what.value}', loc)}_" if what else ""


def home_extra_blocks(services: Services, office: Office, user_id: str) -> list:
    """App Home for leaders: the overview under their own cases."""
    if not services.leaders.is_leader(office, user_id):
        return []
    grouped = leaders_service.overview(services.db, office)
    waiting = dialogue.waiting_cases(services.db, office)
    return [DividerBlock(), *overview_blocks(office, grouped, services.clock.now(), waiting)]


def overview(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/avvik oversikt` (leaders): open cases by state, oldest first."""
    loc = office.locale
    try:
        leaders_service.authorize(services.db, services.clock, services.leaders, office, command.user_id, "oversikt")
        grouped = leaders_service.overview(services.db, office)
        waiting = dialogue.waiting_cases(services.db, office)
    except DomainError as exc:
        reply(ack, say(exc, loc))
        return
    reply(ack, t("overview.header", loc), overview_blocks(office, grouped, services.clock.now(), waiting))
