"""Ledger senders for the dialogue: a question or an answer as a line in the card's thread, and the
responsible leader's DM when the reporter answers. The reporter is only ever «Melderen»."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, SectionBlock

from bot.dialogue import outbox
from bot.i18n import t
from bot.messenger import Delivery, MessageKind, Messenger
from handlers.blocks import mrkdwn
from handlers.dialogue.blocks import answer_dm_text, thread_text


def send_thread_line(delivery: Delivery, said: outbox.Said) -> None:
    deviation = said.deviation
    if not (deviation.card_channel and deviation.card_ts):
        raise LookupError("the card is not posted yet")  # retried after the card's own entry is sent
    text = thread_text(said.message, delivery.office, said.event.at)
    delivery.client.chat_postMessage(channel=deviation.card_channel, thread_ts=deviation.card_ts, text=text[:3000],
                                     blocks=[SectionBlock(text=mrkdwn(text[:3000])).to_dict()])


def send_answer_dm(delivery: Delivery, said: outbox.Said) -> None:
    office = delivery.office
    text = answer_dm_text(said.deviation, said.message, office)
    blocks = [SectionBlock(text=mrkdwn(text[:3000])),
              ContextBlock(elements=[mrkdwn(t("dialogue.dm.where", office.locale))])]
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text[:3000],
                                     blocks=[b.to_dict() for b in blocks])


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.DIALOGUE_THREAD, send_thread_line, outbox.said)
    messenger.register(MessageKind.DIALOGUE_ANSWER, send_answer_dm, outbox.said)
