"""The «Utsett» modal on a reminder: a later workday and a reason (issue 16)."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import ContextBlock, InputBlock, SectionBlock
from slack_sdk.models.blocks.block_elements import DatePickerElement, PlainTextInputElement
from slack_sdk.models.views import View

from bot.forms import TEXT_MAX
from bot.i18n import format_date, t
from bot.office import Office
from handlers import ids
from handlers.blocks import mrkdwn, plain
from handlers.common import metadata

S = ids.Snooze


def snooze_view(office: Office, nudge_id: int, latest: date) -> View:
    """Pick a later workday (at most the office's limit ahead) and say why."""
    loc = office.locale
    return View(type="modal", callback_id=ids.SNOOZE_VIEW, title=plain("snooze.title", loc),
                submit=plain("snooze.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(nudge=nudge_id),
                blocks=[SectionBlock(text=mrkdwn(t("snooze.intro", loc, latest=format_date(latest, loc)))),
                        InputBlock(block_id=S.UNTIL, label=plain("snooze.until", loc),
                                   element=DatePickerElement(action_id=ids.VALUE)),
                        InputBlock(block_id=S.REASON, label=plain("snooze.reason", loc),
                                   element=PlainTextInputElement(action_id=ids.VALUE, multiline=True,
                                                                 max_length=TEXT_MAX)),
                        ContextBlock(elements=[mrkdwn(t("snooze.escalation", loc))])])
