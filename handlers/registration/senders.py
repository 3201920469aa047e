"""Ledger sender for registration: the reporter's receipt by direct message."""

from __future__ import annotations

from bot.deviations import outbox
from bot.i18n import t
from bot.messenger import Delivery, MessageKind, Messenger
from handlers.registration.blocks import dm_receipt_blocks
from store.models import Deviation


def send_receipt(delivery: Delivery, deviation: Deviation) -> None:
    """The reporter's receipt DM: reference, summary, what happens next (DESIGN.md, «Who uses it»)."""
    office = delivery.office
    blocks = dm_receipt_blocks(deviation, office)
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, blocks=[b.to_dict() for b in blocks],
                                     text=t("receipt.header", office.locale, reference=deviation.reference))


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.RECEIPT, send_receipt, outbox.deviation)
