"""Ledger senders for «Har tiltaket virket?»: the question by DM, and its reminders. A check answered
(or a case reopened) before the message goes out is not asked again."""

from __future__ import annotations

from bot.effect import outbox
from bot.i18n import t
from bot.messenger import Delivery, MessageKind, Messenger
from handlers.effect.blocks import question_blocks


def _send(delivery: Delivery, question: outbox.Question, *, reminder: bool) -> None:
    if not question.open:
        return  # answered meanwhile, or the case is followed up again: nothing to ask
    office = delivery.office
    text = t("effect.fallback", office.locale, reference=question.deviation.reference)
    blocks = question_blocks(office, question, reminder=reminder)
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text, blocks=[b.to_dict() for b in blocks])


def send_question(delivery: Delivery, question: outbox.Question) -> None:
    _send(delivery, question, reminder=False)


def send_reminder(delivery: Delivery, question: outbox.Question) -> None:
    _send(delivery, question, reminder=True)


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.EFFECT_CHECK, send_question, outbox.question)
    messenger.register(MessageKind.EFFECT_REMINDER, send_reminder, outbox.question)
