"""App Home and help: a «Meld avvik» button, the person's own cases, and what a deviation is, the
process in eight steps, where to report what, and `/avvik`'s subcommands (seed 000).

The «Hvor melder jeg hva?» table is built from the same routing rules and office config the
bot routes by (handlers/routing/blocks.py), so the help never disagrees with what the bot does.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, DividerBlock, HeaderBlock, SectionBlock
from slack_sdk.models.views import View

from bot.i18n import t
from bot.office import Office
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.routing.blocks import process_block, where_blocks
from store.models import Deviation


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
        ContextBlock(elements=[mrkdwn(t("report.help_periods", loc))]),
    ]


def home_help_blocks(office: Office) -> list:
    """The help section at the end of App Home."""
    return [DividerBlock(), HeaderBlock(text=plain("guide.home_header", office.locale)), *guide_blocks(office)]


def home_view(office: Office, mine: Sequence[Deviation], extra: Sequence = ()) -> View:
    """«Meld avvik», the person's own cases, and `extra` (the overview, for leaders)."""
    loc = office.locale
    blocks: list = [
        HeaderBlock(text=plain("home.header", loc, office=office.name[:100])),
        SectionBlock(text=mrkdwn(t("home.intro", loc))),
        ActionsBlock(elements=[ButtonElement(text=plain("home.report", loc), action_id=ids.OPEN_REGISTRATION,
                                             style="primary")]),
        DividerBlock(),
        HeaderBlock(text=plain("home.mine", loc)),
    ]
    if not mine:
        blocks.append(ContextBlock(elements=[mrkdwn(t("home.none", loc))]))
    for deviation in mine:
        blocks.append(SectionBlock(text=mrkdwn(t("home.case_line", loc, reference=deviation.reference,
                                                   title=escape(deviation.title),
                                                   state=t(f"state.{deviation.state}", loc)))))
    blocks += extra
    blocks += home_help_blocks(office)
    return View(type="home", blocks=blocks[:100])
