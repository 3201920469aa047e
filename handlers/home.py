"""App Home: a «Meld avvik» button, the person's own cases, and help (what, how, where)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, DividerBlock, HeaderBlock, SectionBlock
from slack_sdk.models.views import View

from bot.i18n import t
from bot.office import Office
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.help import home_help_blocks
from store.models import Deviation


def home_view(office: Office, mine: Sequence[Deviation]) -> View:
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
    blocks += home_help_blocks(office)
    return View(type="home", blocks=blocks)
