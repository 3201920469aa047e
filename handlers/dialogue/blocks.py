"""Block Kit for the anonymous reporter's dialogue: the code on the receipt, the modal asking for
it, the case's modal the code opens, the leaders' question modal, and the card's one button and
one block. Pure builders: no I/O."""

from __future__ import annotations

import json
from datetime import datetime

from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.deviations.rules import State
from bot.dialogue.rules import Author, Waiting, grouped, waiting_for
from bot.dialogue.service import Followed
from bot.forms import TEXT_MAX
from bot.i18n import Locale, format_date, format_datetime, t
from bot.office import Office
from bot.routing.rules import Destination
from bot.routing.service import REFERENCE_MAX
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.common import metadata
from handlers.routing.blocks import plain_text
from store.models import Deviation, DialogueMessage

MAX_SHOWN = 20  # messages in the modal, the latest; a modal holds 100 blocks


# --- the receipt --------------------------------------------------------------------------------

def code_blocks(code: str, office: Office) -> list:
    """The code, alone in a code block so a triple-click copies exactly it, with the advice to keep it
    and when to look again."""
    loc, shown = office.locale, grouped(code)
    return [
        DividerBlock(),
        SectionBlock(text=mrkdwn(t("dialogue.receipt.code", loc, code=shown))),
        SectionBlock(text=mrkdwn(t("dialogue.receipt.keep", loc))),
        ContextBlock(elements=[mrkdwn(t("dialogue.receipt.when", loc, code=shown))]),
    ]


# --- the reporter's side ------------------------------------------------------------------------

def home_button(office: Office) -> ButtonElement:
    return ButtonElement(text=plain("dialogue.home.button", office.locale), action_id=ids.DIALOGUE_OPEN)


def code_view(office: Office) -> View:
    loc = office.locale
    return View(type="modal", callback_id=ids.DIALOGUE_CODE_VIEW, title=plain("dialogue.code.title", loc),
                submit=plain("dialogue.code.submit", loc), close=plain("dialogue.view.close", loc),
                blocks=[SectionBlock(text=mrkdwn(t("dialogue.code.intro", loc))),
                        InputBlock(block_id=ids.DIALOGUE_CODE_FIELD, label=plain("dialogue.code.label", loc),
                                   hint=plain("dialogue.code.hint", loc),
                                   element=PlainTextInputElement(action_id=ids.VALUE, max_length=40))])


def _message_text(message: DialogueMessage, office: Office) -> str:
    loc = office.locale
    key = "dialogue.view.question" if message.author == Author.LEADER.value else "dialogue.view.answer"
    text = escape(message.text)[:1500] if message.text else t("dialogue.thread.erased", loc)
    return t(key, loc, when=format_datetime(message.created_at, loc, office.tz), text=text)


def case_view(office: Office, followed: Followed, sealed: dict[str, object], *, sent: bool = False) -> View:
    """The case as its code shows it: its state in plain words, the leaders' feedback once closed, the
    questions and answers so far, and, while it is open, a field to answer or add information, and the
    reference field while it waits for one. After retention only the state is left."""
    loc, deviation = office.locale, followed.deviation
    state = State(deviation.state)
    blocks: list = [
        HeaderBlock(text=plain("dialogue.view.header", loc, reference=deviation.reference,
                               state=t(f"state.{state.value}", loc))),
        SectionBlock(text=mrkdwn(t(f"status.next.{state.value}", loc))),
        ContextBlock(elements=[mrkdwn(t("dialogue.view.registered", loc,
                                        date=format_date(deviation.created_at.astimezone(office.tz).date(), loc),
                                        category=t(f"category.{deviation.category}", loc)))]),
    ]
    if sent:
        blocks.append(SectionBlock(text=mrkdwn(t("dialogue.view.sent", loc))))
    if followed.erased:
        blocks.append(SectionBlock(text=mrkdwn(t("dialogue.view.erased", loc))))
        return _case_modal(office, blocks, sealed, inputs=False)
    if state is State.CLOSED and deviation.closure_feedback:
        blocks.append(SectionBlock(text=mrkdwn(t("dialogue.view.feedback", loc,
                                                 feedback=escape(deviation.closure_feedback)[:2500]))))
    blocks += [DividerBlock(), SectionBlock(text=mrkdwn(t("dialogue.view.history", loc)))]
    if not followed.messages:
        blocks.append(ContextBlock(elements=[mrkdwn(t("dialogue.view.none", loc))]))
    blocks += [SectionBlock(text=mrkdwn(_message_text(m, office))) for m in followed.messages[-MAX_SHOWN:]]
    if state is State.CLOSED:
        blocks.append(ContextBlock(elements=[mrkdwn(t("dialogue.view.closed", loc))]))
        return _case_modal(office, blocks, sealed, inputs=False)
    system = office.destination(Destination(deviation.destination)).name
    if followed.waiting is Waiting.ANSWER:
        blocks.append(SectionBlock(text=mrkdwn(t("dialogue.view.waiting_answer", loc))))
    blocks.append(InputBlock(block_id=ids.DIALOGUE_ANSWER_FIELD, label=plain("dialogue.view.answer_label", loc),
                             hint=plain("dialogue.view.answer_hint", loc), optional=True,
                             element=PlainTextInputElement(action_id=ids.VALUE, multiline=True,
                                                           max_length=TEXT_MAX)))
    if state is State.FORWARDED and not deviation.external_reference:
        blocks += [
            SectionBlock(text=mrkdwn(t("dialogue.view.waiting_reference", loc, system=system))),
            InputBlock(block_id=ids.EXTERNAL_REFERENCE_FIELD, optional=True,
                       label=plain_text(t("external.field.label", loc, system=system), 2000),
                       hint=plain("external.field.hint", loc),
                       element=PlainTextInputElement(action_id=ids.VALUE, max_length=REFERENCE_MAX)),
        ]
    return _case_modal(office, blocks, sealed, inputs=True)


def _case_modal(office: Office, blocks: list, sealed: dict[str, object], *, inputs: bool) -> View:
    loc = office.locale
    blocks = [*blocks, ContextBlock(elements=[mrkdwn(t("dialogue.view.privacy", loc))])]
    return View(type="modal", callback_id=ids.DIALOGUE_VIEW, title=plain("dialogue.view.title", loc),
                submit=plain("dialogue.view.submit", loc) if inputs else None,
                close=plain("dialogue.view.close", loc), private_metadata=json.dumps(sealed), blocks=blocks[:100])


# --- the leaders' side --------------------------------------------------------------------------

def ask_button(deviation: Deviation, office: Office) -> ButtonElement | None:
    """«Spør melderen» on the card of an open anonymous case."""
    if not deviation.anonymous or deviation.state == State.CLOSED.value:
        return None
    return ButtonElement(text=plain("dialogue.ask.button", office.locale), action_id=ids.DIALOGUE_ASK,
                         value=str(deviation.id))


def dialogue_block(deviation: Deviation, loc: Locale) -> ContextBlock | None:
    """What the card says of its dialogue: what it waits for from the reporter, else how much was said.
    Reads the case's dialogue (rendered in the sender's session)."""
    messages = list(deviation.dialogue)
    waiting = waiting_for(deviation.anonymous, deviation.state, deviation.external_reference,
                          [Author(m.author) for m in messages])
    if waiting is Waiting.ANSWER:
        return ContextBlock(elements=[mrkdwn(t("dialogue.card.waiting_answer", loc))])
    if waiting is Waiting.REFERENCE:
        return ContextBlock(elements=[mrkdwn(t("dialogue.card.waiting_reference", loc))])
    if messages:
        questions = sum(1 for m in messages if m.author == Author.LEADER.value)
        return ContextBlock(elements=[mrkdwn(t("dialogue.card.count", loc, questions=questions,
                                               answers=len(messages) - questions))])
    return None


def question_view(office: Office, deviation: Deviation) -> View:
    loc = office.locale
    return View(type="modal", callback_id=ids.DIALOGUE_QUESTION_VIEW, title=plain("dialogue.ask.title", loc),
                submit=plain("dialogue.ask.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id),
                blocks=[SectionBlock(text=mrkdwn(t("dialogue.ask.intro", loc, reference=deviation.reference))),
                        InputBlock(block_id=ids.DIALOGUE_QUESTION_FIELD, label=plain("dialogue.ask.label", loc),
                                   hint=plain("dialogue.ask.hint", loc),
                                   element=PlainTextInputElement(action_id=ids.VALUE, multiline=True,
                                                                 max_length=TEXT_MAX))])


def thread_text(message: DialogueMessage, office: Office, at: datetime) -> str:
    """A question or an answer as a line in the card's thread: the asking leader by mention, the
    reporter only as «Melderen»."""
    loc = office.locale
    text = f"«{escape(message.text)[:2500]}»" if message.text else t("dialogue.thread.erased", loc)
    if message.author == Author.LEADER.value:
        who = f"<@{message.leader_id}> · " if message.leader_id else ""
        what = t("dialogue.thread.asked", loc, text=text)
    else:
        who, what = "", t("dialogue.thread.answered", loc, text=text)
    return t("thread.line", loc, when=format_datetime(at, loc, office.tz), who=who, what=what)


def answer_dm_text(deviation: Deviation, message: DialogueMessage, office: Office) -> str:
    loc = office.locale
    text = f"«{escape(message.text)[:2500]}»" if message.text else t("dialogue.thread.erased", loc)
    return t("dialogue.dm.answered", loc, reference=deviation.reference, text=text)
