"""The closure modal («Lukk») and the reopening modal («Gjenåpne»).

Seed 000, «Lukking av avvik»: «ikke lukk et avvik før det er vurdert om det skal iverksettes
tiltak og tiltaket er gjennomført. Ved større avvik anbefales at ledergruppa fatter en formell
avgjørelse og informerer om det på kontoret.»
"""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, DividerBlock, InputBlock, SectionBlock
from slack_sdk.models.blocks.block_elements import DatePickerElement, PlainTextInputElement
from slack_sdk.models.views import View

from bot.assessment import REFERENCE_MAX
from bot.cases import ActionState, Severity
from bot.forms import TEXT_MAX
from bot.i18n import Locale, t
from bot.office import Office
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.leader_common import metadata
from store.models import Deviation

L = ids.Leader


def _text(block_id: str, key: str, loc: Locale, *, optional: bool, multiline: bool = True,
          max_length: int = TEXT_MAX) -> InputBlock:
    return InputBlock(block_id=block_id, label=plain(f"{key}.label", loc), hint=plain(f"{key}.hint", loc),
                      optional=optional,
                      element=PlainTextInputElement(action_id=ids.VALUE, multiline=multiline, max_length=max_length))


def closure_view(office: Office, deviation: Deviation) -> View:
    loc = office.locale
    done = sum(1 for a in deviation.actions if a.state == ActionState.DONE.value)
    dropped = sum(1 for a in deviation.actions if a.state == ActionState.DROPPED.value)
    blocks: list = [
        SectionBlock(text=mrkdwn(t("assess.case", loc, reference=deviation.reference,
                                   title=escape(deviation.title)[:200], state=t(f"state.{deviation.state}", loc)))),
        ContextBlock(elements=[mrkdwn(t("closure.actions", loc, done=done, dropped=dropped))]),
        _text(L.FEEDBACK, "closure.feedback", loc, optional=False),
        _text(L.LESSON, "closure.lesson", loc, optional=True),
    ]
    if deviation.severity == Severity.HIGH.value:
        blocks += [
            DividerBlock(),
            SectionBlock(text=mrkdwn(t("closure.major", loc))),
            InputBlock(block_id=L.DECISION_DATE, label=plain("closure.decision_date.label", loc),
                       element=DatePickerElement(action_id=ids.VALUE)),
            _text(L.DECISION_REFERENCE, "closure.decision_reference", loc, optional=False, multiline=False,
                  max_length=REFERENCE_MAX),
        ]
    return View(type="modal", callback_id=ids.CLOSURE_VIEW, title=plain("closure.title", loc),
                submit=plain("closure.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id), blocks=blocks)


def reopen_view(office: Office, deviation: Deviation) -> View:
    loc = office.locale
    return View(type="modal", callback_id=ids.REOPEN_VIEW, title=plain("reopen.title", loc),
                submit=plain("reopen.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id),
                blocks=[SectionBlock(text=mrkdwn(t("assess.case", loc, reference=deviation.reference,
                                                   title=escape(deviation.title)[:200],
                                                   state=t(f"state.{deviation.state}", loc)))),
                        _text(L.REASON, "reopen.reason", loc, optional=False)])
