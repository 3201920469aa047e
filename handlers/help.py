"""Help: what a deviation is, the process, and `/avvik`'s subcommands (seed 000)."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, SectionBlock

from bot.i18n import t
from bot.office import Office
from handlers.blocks import mrkdwn, plain


def help_blocks(office: Office) -> list:
    loc = office.locale
    return [
        HeaderBlock(text=plain("help.header", loc)),
        SectionBlock(text=mrkdwn(t("help.what_is", loc))),
        SectionBlock(text=mrkdwn(t("help.commands", loc))),
        ContextBlock(elements=[mrkdwn(t("report.help_periods", loc))]),
    ]
