"""Views for people: `/avvik mine`, `/avvik status REF`, `/avvik oversikt` (leaders), and the same on
App Home.

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
from bot.errors import DeviationNotFound, DomainError
from bot.i18n import Locale, format_date, t
from bot.leaders import service as leaders_service
from bot.office import Office
from bot.services import Services
from handlers.blocks import escape, mrkdwn, plain
from handlers.common import say
from handlers.deviations.blocks import action_lines
from handlers.payloads import SlashCommand
from store.models import Deviation

SECTION_MAX = 2900


def deviation_line(deviation: Deviation, loc: Locale) -> str:
    return t("home.case_line", loc, reference=deviation.reference, title=escape(deviation.title)[:150],
             state=t(f"state.{deviation.state}", loc))


def _lines_within(lines: Sequence[str], loc: Locale, limit: int = SECTION_MAX) -> str:
    """As many lines as fit one section, then «… og N til»."""
    out: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) + 1 > limit - 60:
            out.append(t("overview.more", loc, count=len(lines) - index))
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def mine_blocks(office: Office, mine: Sequence[Deviation]) -> list:
    loc = office.locale
    blocks: list = [HeaderBlock(text=plain("home.mine", loc))]
    if not mine:
        blocks.append(ContextBlock(elements=[mrkdwn(t("home.none", loc))]))
    else:
        blocks.append(SectionBlock(text=mrkdwn(_lines_within([deviation_line(d, loc) for d in mine], loc))))
        blocks.append(ContextBlock(elements=[mrkdwn(t("mine.hint", loc))]))
    return blocks


def overview_blocks(office: Office, grouped: Mapping[State, Sequence[Deviation]], now: datetime) -> list:
    """Open cases by state, oldest first, with how long each has waited."""
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
                   days=max((now - d.created_at).days, 0)) for d in deviations]
        title = t("overview.state", loc, state=t(f"state.{state.value}", loc), count=len(deviations))
        blocks.append(SectionBlock(text=mrkdwn(f"{title}\n{_lines_within(lines, loc, SECTION_MAX - len(title))}")))
    return blocks


def status_blocks(office: Office, deviation: Deviation, *, leader: bool) -> list:
    """One case as its reporter or a leader sees it; owners' names only for leaders."""
    loc = office.locale
    blocks: list = [
        HeaderBlock(text=plain("card.header", loc, reference=deviation.reference, title=deviation.title[:100])),
        SectionBlock(fields=[
            mrkdwn(f"*{t('card.state', loc)}*\n{t(f'state.{deviation.state}', loc)}"),
            mrkdwn(f"*{t('card.category', loc)}*\n{t(f'category.{deviation.category}', loc)}"),
            mrkdwn(f"*{t('status.registered', loc)}*\n"
                   f"{format_date(deviation.created_at.astimezone(office.tz).date(), loc)}"),
            mrkdwn(f"*{t('card.destination', loc)}*\n{office.destination(deviation.destination).name}"),
        ]),
    ]
    lines = action_lines(deviation, loc, owners=leader)
    if lines:
        blocks.append(SectionBlock(text=mrkdwn(f"*{t('card.actions', loc)}*\n{_lines_within(lines, loc)}")))
    if deviation.state == State.CLOSED.value and deviation.closure_feedback:
        blocks.append(SectionBlock(text=mrkdwn(f"*{t('card.feedback', loc)}*\n"
                                               f"{escape(deviation.closure_feedback)[:2800]}")))
    blocks.append(ContextBlock(elements=[mrkdwn(t(f"status.next.{deviation.state}", loc))]))
    return blocks


def home_extra_blocks(services: Services, office: Office, user_id: str) -> list:
    """App Home for leaders: the overview under their own cases."""
    if not services.leaders.is_leader(office, user_id):
        return []
    grouped = leaders_service.overview(services.db, office)
    return [DividerBlock(), *overview_blocks(office, grouped, services.clock.now())]


# --- /avvik subcommands -------------------------------------------------------------------------

def _reply(ack: Ack, text: str, blocks: list | None = None) -> None:
    """The ephemeral answer to the command (only the person who typed it sees it)."""
    blocks = blocks or [SectionBlock(text=mrkdwn(text[:3000]))]
    ack(text=text[:3000], blocks=[b.to_dict() for b in blocks])


def mine(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/avvik mine`: my own cases (anonymous ones have no owner and are never listed)."""
    loc = office.locale
    try:
        deviations = leaders_service.my_deviations(services.db, office, command.user_id)
    except DomainError as exc:
        _reply(ack, say(exc, loc))
        return
    _reply(ack, t("home.mine", loc), mine_blocks(office, deviations))


def status(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/avvik status AVV-2026-0001`: one case, to its reporter or a leader only."""
    loc = office.locale
    if len(command.words) < 2:
        _reply(ack, t("status.usage", loc))
        return
    reference = command.words[1][:32]
    try:
        deviation = leaders_service.deviation_for(services.db, services.leaders, office, reference, command.user_id)
    except DeviationNotFound:
        _reply(ack, t("status.not_found", loc, reference=escape(reference)))
        return
    except DomainError as exc:
        _reply(ack, say(exc, loc))
        return
    leader = services.leaders.is_leader(office, command.user_id)
    _reply(ack, t("card.fallback", loc, reference=deviation.reference, state=t(f"state.{deviation.state}", loc)),
           status_blocks(office, deviation, leader=leader))


def overview(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/avvik oversikt` (leaders): open cases by state, oldest first."""
    loc = office.locale
    try:
        leaders_service.authorize(services.db, services.clock, services.leaders, office, command.user_id, "oversikt")
        grouped = leaders_service.overview(services.db, office)
    except DomainError as exc:
        _reply(ack, say(exc, loc))
        return
    _reply(ack, t("overview.header", loc), overview_blocks(office, grouped, services.clock.now()))
