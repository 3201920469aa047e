"""Ledger senders for the case card in the leader channel, posted once and updated in place, and the
HMS alert.

Each renders from the case as it is now, so a retried message is never stale.
"""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock

from bot.i18n import t
from bot.messenger import Delivery, MessageKind, Messenger, NotYet
from handlers.blocks import mrkdwn
from handlers.deviations.blocks import card_blocks, card_text
from store import deviations as store
from store.models import Deviation


def deviation_of(delivery: Delivery) -> Deviation:
    kind, _, ident = delivery.entry.target.partition(":")
    deviation = store.by_id(delivery.session, int(ident)) if kind == "deviation" and ident.isdigit() else None
    if deviation is None:
        raise LookupError(f"ledger target {delivery.entry.target} is gone")
    return deviation


def send_leader_card(delivery: Delivery) -> None:
    """Post the case card, or update it in place when it was posted before."""
    deviation, office = deviation_of(delivery), delivery.office
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
    delivery.record(lambda session: store.set_card(session, deviation_id, channel, ts))


def send_leader_alert(delivery: Delivery) -> None:
    """HMS (threats, harassment, violence): the leader channel hears at once, with an @here."""
    deviation, office = deviation_of(delivery), delivery.office
    key = "alert.hms_anonymous" if deviation.anonymous else "alert.hms"  # nobody to contact when anonymous
    text = t(key, office.locale, reference=deviation.reference)
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                     blocks=[SectionBlock(text=mrkdwn(text)).to_dict()])


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.LEADER_CARD, send_leader_card)
    messenger.register(MessageKind.LEADER_ALERT, send_leader_alert)
