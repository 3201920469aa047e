"""Help: what a deviation is, the process in eight steps, where to report what, and `/avvik`'s
subcommands (seed 000).

The «Hvor melder jeg hva?» table is built from the same routing rules and office config the
bot routes by (handlers/routing_view.py), so the help never disagrees with what the bot does.
"""

from __future__ import annotations

from slack_sdk.models.blocks import DividerBlock, HeaderBlock, SectionBlock

from bot.i18n import t
from bot.office import Office
from handlers.blocks import mrkdwn, plain
from handlers.routing_view import process_block, where_blocks


def guide_blocks(office: Office) -> list:
    """What a deviation is, the eight steps, and where each kind is reported."""
    return [
        SectionBlock(text=mrkdwn(t("help.what_is", office.locale))),
        process_block(office),
        DividerBlock(),
        *where_blocks(office),
    ]


def help_blocks(office: Office) -> list:
    """`/avvik hjelp`."""
    loc = office.locale
    return [
        HeaderBlock(text=plain("help.header", loc)),
        *guide_blocks(office),
        DividerBlock(),
        SectionBlock(text=mrkdwn(t("help.commands", loc))),
    ]


def home_help_blocks(office: Office) -> list:
    """The help section at the end of App Home."""
    return [DividerBlock(), HeaderBlock(text=plain("guide.home_header", office.locale)), *guide_blocks(office)]
