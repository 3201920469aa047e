"""`/avvik` and its subcommands. An unknown subcommand is named as unknown, then gets help."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import SectionBlock

from bot.i18n import t
from bot.office import Office
from bot.services import Services
from bot.workspace import Which
from handlers import ids
from handlers.blocks import escape, mrkdwn
from handlers.common import answer_in_time
from handlers.dialogue.listeners import by_code
from handlers.home.blocks import help_blocks
from handlers.home.listeners import mine, status
from handlers.leaders.overview import overview
from handlers.learning import listeners as learning
from handlers.middleware import parse
from handlers.payloads import SlashCommand
from handlers.registration.listeners import open_registration
from handlers.reports import listeners as report

Subcommand = Callable[[Services, Office, SlashCommand, Ack, WebClient], None]


def _help(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    blocks = _help_for(services, office, command)
    ack(text=t("help.fallback", office.locale), blocks=[b.to_dict() for b in blocks])


SUBCOMMANDS: dict[str, Subcommand] = {
    "hjelp": _help,
    "help": _help,
    "rapport": report.run,
    "report": report.run,
    "mine": mine,
    "status": status,
    "oversikt": overview,
    "kode": by_code,  # an anonymous reporter's case code (issue 20)
    "code": by_code,
    "øvelse": learning.exercise,  # issue 23: seed 000's training case as a poll (leaders)
    "ovelse": learning.exercise,
    "drøfting": learning.discussion,  # seed 000's ten questions for discussion
    "drofting": learning.discussion,
}
# Answered at once, not after who leads is known (handlers.common.answer_in_time): a subcommand that
# opens a modal (its trigger lives 3 s) and one whose answer no leader group decides.
OPENS_A_MODAL: frozenset[Subcommand] = frozenset({by_code})
NEEDS_NO_LEADERS: frozenset[Subcommand] = frozenset({mine})


def on_avvik(ack: Ack, respond: Respond, client: WebClient, services: Services, office: Office, which: Which,
             parsed: SlashCommand) -> None:
    if not parsed.words:
        ack()  # first, so Slack has its 200 well inside 3 s; then open the modal
        open_registration(services, client, which, parsed.trigger_id)
        return
    word = parsed.words[0].lower()
    handler = SUBCOMMANDS.get(word)
    if handler is report.run:  # its refusals are audited under the office only when one was found for the person
        handler = partial(report.run, which=which)

    def answer(ack: Ack) -> None:
        if handler is None:
            _unknown(services, office, parsed, ack)
        else:
            handler(services, office, parsed, ack, client)

    if handler in OPENS_A_MODAL or handler in NEEDS_NO_LEADERS:
        answer(ack)
        return
    answer_in_time(services, office, ack, respond, answer)  # who leads decides many answers: Slack waits not on it


def _help_for(services: Services, office: Office, command: SlashCommand) -> list:
    """The help as this person needs it: the county report where there are counties, the leaders' part
    for a leader."""
    return help_blocks(office, counties=bool(services.offices.counties_of(office.id)),
                       leader=services.leaders.is_leader(office, command.user_id))


def _unknown(services: Services, office: Office, command: SlashCommand, ack: Ack) -> None:
    """A subcommand the bot does not know: say so first, then the help."""
    text = t("help.unknown", office.locale, word=escape(command.words[0][:40]))
    blocks = [SectionBlock(text=mrkdwn(text)),
              *_help_for(services, office, command)]
    ack(text=text, blocks=[b.to_dict() for b in blocks])


def _leaders_work(command: SlashCommand) -> bool:
    """Any subcommand: with several offices in the workspace, the offices the person leads count
    before their staff group (`/avvik` alone registers: the channel, the staff group, or «Kontor»)."""
    return bool(command.words)


def register(app: App) -> None:
    app.command(ids.COMMAND, middleware=[parse(SlashCommand, for_leaders=_leaders_work)])(on_avvik)
