"""The leaders' overview: `/avvik oversikt`, and the same under a leader's own deviations on App Home.

Seed 000, «Er det noen vits å melde avvik?»: it works when the leaders «jevnlig etterspør
informasjon om meldte avvik» and the reporter can see that something happens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.models.blocks import ButtonElement, ContextBlock, DividerBlock, HeaderBlock, SectionBlock

from bot.deviations.rules import State
from bot.dialogue import service as dialogue
from bot.dialogue.rules import Waiting
from bot.errors import DomainError
from bot.i18n import format_date, t
from bot.leaders import service as leaders_service
from bot.leaders.links import card_links
from bot.office import Office
from bot.operations.service import office_refusals
from bot.services import Services
from handlers.blocks import SECTION_MAX, escape, mrkdwn, plain
from handlers.common import reply, say
from handlers.deviations.blocks import card_buttons, risk_short
from handlers.leaders.blocks import delivery_reason
from handlers.payloads import SlashCommand
from store.models import Deviation

MAX_CASES = 40  # cases shown one by one, each with its button: within a message's 50 blocks


def next_button(deviation: Deviation, office: Office) -> ButtonElement | None:
    """The case's next step as one button (the card's primary one, else its first)."""
    buttons = card_buttons(deviation, office)
    return next((b for b in buttons if getattr(b, "style", None) == "primary"), buttons[0] if buttons else None)


def case_reference(deviation: Deviation, links: Mapping[int, str]) -> str:
    """`AVV-2026-0042`, linked to the case's card in the leader channel when its permalink is known."""
    link = links.get(deviation.id)
    return f"<{link}|{deviation.reference}>" if link else deviation.reference


def overview_blocks(office: Office, grouped: Mapping[State, Sequence[Deviation]], now: datetime,
                    links: Mapping[int, str] | None = None, waiting: Mapping[int, Waiting] | None = None,
                    max_cases: int = MAX_CASES, named: bool = False) -> list:
    """Open cases by state, each state's by risk then age (bot.leaders.service.overview), with its risk's
    colour and score, how long each has waited, each linked to its card
    (`links`) and carrying its next button, so a leader acts from the list; an anonymous case waiting
    for its reporter says so (issue 20: nobody can be reminded). At most `max_cases` one by one, then
    «… og N til»; `named`, in a workspace of several offices (issue 24), the header names the office."""
    loc, links = office.locale, links or {}
    header = plain("overview.header_named", loc, office=office.name[:100]) if named else plain("overview.header", loc)
    blocks: list = [HeaderBlock(text=header)]
    total = sum(len(deviations) for deviations in grouped.values())
    if not total:
        blocks.append(ContextBlock(elements=[mrkdwn(t("overview.none", loc))]))
        return blocks
    shown = 0
    for state, deviations in grouped.items():
        room = deviations[:max_cases - shown]
        if not room:
            continue
        blocks.append(SectionBlock(text=mrkdwn(t("overview.state", loc, state=t(f"state.{state.value}", loc),
                                                 count=len(deviations)))))
        for d in room:
            line = t("overview.line", loc, risk=risk_short(d, office), reference=case_reference(d, links),
                     title=escape(d.title)[:120], date=format_date(d.created_at.astimezone(office.tz).date(), loc),
                     days=max((now - d.created_at).days, 0)) + _waiting(d.id, waiting, loc)
            blocks.append(SectionBlock(text=mrkdwn(line[:SECTION_MAX]), block_id=f"card:{d.id}",
                                       accessory=next_button(d, office)))
        shown += len(room)
    if total > shown:
        blocks.append(ContextBlock(elements=[mrkdwn(t("overview.more", loc, count=total - shown))]))
    return blocks


def _waiting(deviation_id: int, waiting: Mapping[int, Waiting] | None, loc: str) -> str:
    what = (waiting or {}).get(deviation_id)
    return f" · _{t(f'dialogue.waiting.{what.value}', loc)}_" if what else ""


def home_extra_blocks(services: Services, office: Office, user_id: str, *, max_cases: int = MAX_CASES) -> list:
    """App Home for leaders: the overview under their own cases (a leader of several offices has one per
    office, `max_cases` each, so all of them fit in a Home tab's 100 blocks)."""
    if not services.leaders.is_leader(office, user_id):
        return []
    grouped = leaders_service.overview(services.db, office)
    links = card_links(services.client, office, [d for ds in grouped.values() for d in ds])
    problems = [SectionBlock(text=mrkdwn(t("delivery.home", office.locale, count=refusal.count,
                                           reason=delivery_reason(refusal, office.locale))))
                for refusal in office_refusals(services.db, office)]
    waiting = dialogue.waiting_cases(services.db, office)
    return [DividerBlock(), *problems,
            *overview_blocks(office, grouped, services.clock.now(), links, waiting, max_cases)]


def overview(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/avvik oversikt` (leaders): open cases by state, highest risk first, then oldest."""
    loc = office.locale
    try:
        leaders_service.authorize(services.db, services.clock, services.leaders, office, command.user_id, "oversikt")
        grouped = leaders_service.overview(services.db, office)
        waiting = dialogue.waiting_cases(services.db, office)
    except DomainError as exc:
        reply(ack, say(exc, loc))
        return
    links = card_links(services.client, office, [d for ds in grouped.values() for d in ds])
    named = len(services.offices.in_team(command.team_id)) > 1
    reply(ack, t("overview.header", loc), overview_blocks(office, grouped, services.clock.now(), links, waiting,
                                                          named=named))
