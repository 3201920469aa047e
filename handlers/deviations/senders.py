"""Ledger senders for the case card in the leader channel, posted once and updated in place, and the
HMS alert.

Each renders the case as `bot.deviations.outbox` loads it at send time, so a retried message is never stale.
"""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock

from bot.deviations import outbox
from bot.i18n import t
from bot.messenger import Delivery, MessageKind, Messenger, NotYet
from handlers.blocks import mrkdwn
from handlers.deviations.blocks import card_blocks, card_text
from store.models import Deviation


def send_leader_card(delivery: Delivery, deviation: Deviation) -> None:
    """Post the case card, or update it in place when it was posted before."""
    office = delivery.office
    blocks = [b.to_dict() for b in card_blocks(deviation, office)]
    text = card_text(deviation, office)
    if deviation.card_ts and deviation.card_channel:
        delivery.client.chat_update(channel=deviation.card_channel, ts=deviation.card_ts, blocks=blocks, text=text)
        return
    if delivery.entry.period:
        # An update whose card is still being posted: wait for it rather than post a second card.
        raise NotYet("card")
    response = delivery.client.chat_postMessage(channel=delivery.entry.recipient, blocks=blocks, text=text)
    deviation_id, channel, ts = deviation.id, response["channel"], response["ts"]
    delivery.record(outbox.card_posted(deviation_id, channel, ts))


def send_leader_alert(delivery: Delivery, deviation: Deviation) -> None:
    """HMS (threats, harassment, violence): the leader channel hears at once, with an @here."""
    office = delivery.office
    key = "alert.hms_anonymous" if deviation.anonymous else "alert.hms"  # nobody to contact when anonymous
    text = t(key, office.locale, reference=deviation.reference, system=office.destination(deviation.destination).name)
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                     blocks=[SectionBlock(text=mrkdwn(text)).to_dict()])


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.LEADER_CARD, send_leader_card, outbox.deviation)
    messenger.register(MessageKind.LEADER_ALERT, send_leader_alert, outbox.deviation)
