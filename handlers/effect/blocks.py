"""«Har tiltaket virket?»: the question's DM (and its reminder), the DM once answered, and the answer's
modal. Pure builders: no I/O."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.effect.outbox import Question
from bot.effect.rules import REOPEN_OFFERED, Answer, round_of
from bot.i18n import Locale, format_date, t, t_count
from bot.office import Office
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.common import metadata
from store.models import Deviation

E = ids.Effect
NOTE_MAX = 3000
ACTIONS_SHOWN = 10
LINE_MAX = 300


def _short(text: str | None, limit: int = LINE_MAX) -> str:
    text = " ".join((text or "").split())
    return escape(text if len(text) <= limit else text[:limit - 1] + "…")


def case_line(office: Office, deviation: Deviation) -> str:
    """The case by its reference and title (the leaders may see the title), and when it closed."""
    loc = office.locale
    line = t("effect.case", loc, reference=deviation.reference, title=_short(deviation.title, 200))
    if deviation.closed_at is None:
        return line  # reopened since
    return line + "\n" + t("effect.closed", loc, date=format_date(deviation.closed_at.astimezone(office.tz).date(),
                                                                    loc))


def action_lines(question: Question, loc: Locale) -> str:
    """The actions carried out, each with its completion note, in short."""
    lines = [t("effect.action", loc, description=_short(a.description, 200), note=_short(a.completion_note) or "–")
             for a in question.actions[:ACTIONS_SHOWN]]
    if len(question.actions) > ACTIONS_SHOWN:
        lines.append(t("overview.more", loc, count=len(question.actions) - ACTIONS_SHOWN))
    return "\n".join(lines) or t("effect.no_actions", loc)


def button_value(deviation_id: int, asked: int) -> str:
    """A button's value: the case, and the round of its check the question was sent for."""
    return f"{deviation_id}:{asked}"


def question_blocks(office: Office, question: Question, *, reminder: bool = False) -> list:
    """The question with the case, its actions and their notes, and Ja / Delvis / Nei (each naming the
    case and the round asked)."""
    loc, deviation = office.locale, question.deviation
    value = button_value(deviation.id, round_of(question.check.created_at))
    blocks: list = [HeaderBlock(text=plain("effect.header", loc))]
    if reminder:
        blocks.append(ContextBlock(elements=[mrkdwn(t("effect.reminder", loc, asked=format_date(
            question.check.due_on, loc)))]))
    blocks += [SectionBlock(text=mrkdwn(case_line(office, deviation))),
               SectionBlock(text=mrkdwn(f"{t_count('effect.actions', loc, len(question.actions))}\n"
                                        f"{action_lines(question, loc)}"[:3000])),
               ContextBlock(elements=[mrkdwn(t("effect.why", loc))]),
               ActionsBlock(block_id=f"effect:{deviation.id}", elements=[
                   ButtonElement(text=plain(f"effect.answer.{answer.value}", loc), action_id=ids.effect_action(
                       answer.value), value=value, style="primary" if answer is Answer.WORKED else None)
                   for answer in Answer])]
    return blocks


def answered_blocks(office: Office, deviation: Deviation, answer: Answer, by: str, reopened: bool) -> list:
    """The DM once answered: the answer instead of the buttons."""
    loc = office.locale
    said = t("effect.answered", loc, answer=t(f"effect.answer.{answer.value}", loc), user=by)
    if reopened:
        said += " " + t("effect.reopened", loc)
    return [HeaderBlock(text=plain("effect.header", loc)), SectionBlock(text=mrkdwn(case_line(office, deviation))),
            SectionBlock(text=mrkdwn(said))]


def answer_view(office: Office, question: Question, answer: Answer, channel: str | None, ts: str | None) -> View:
    """The answer pressed, an optional note, and, for «Delvis» or «Nei», «Gjenåpne avviket» with the
    note as the reason (or, when the case was reopened since the question, a line saying so).
    The DM it came from (channel, ts) is updated once it is saved; the round it answers is sealed in."""
    loc = office.locale
    blocks: list = [
        SectionBlock(text=mrkdwn(case_line(office, question.deviation))),
        SectionBlock(text=mrkdwn(t("effect.modal.answer", loc, answer=t(f"effect.answer.{answer.value}", loc)))),
        InputBlock(block_id=E.NOTE, label=plain("effect.modal.note.label", loc), optional=True,
                   hint=plain("effect.modal.note.hint", loc),
                   element=PlainTextInputElement(action_id=ids.VALUE, multiline=True, max_length=NOTE_MAX)),
    ]
    if answer in REOPEN_OFFERED and question.deviation.closed_at is None:
        blocks.append(ContextBlock(elements=[mrkdwn(t("effect.modal.reopened_since", loc))]))
    elif answer in REOPEN_OFFERED:
        reopen = Option(value=E.REOPEN_CHOSEN, label=t("effect.modal.reopen.option", loc),
                        description=t("effect.modal.reopen.description", loc))
        blocks.append(InputBlock(block_id=E.REOPEN, label=plain("effect.modal.reopen.label", loc), optional=True,
                                 element=CheckboxesElement(action_id=ids.VALUE, options=[reopen])))
    blocks.append(ContextBlock(elements=[mrkdwn(t("modal.privacy", loc))]))
    return View(type="modal", callback_id=ids.effect_view(answer.value), title=plain("effect.modal.title", loc),
                submit=plain("effect.modal.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=question.deviation.id, asked=round_of(question.check.created_at),
                                                channel=channel, ts=ts), blocks=blocks)
