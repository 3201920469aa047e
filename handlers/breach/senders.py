"""Ledger senders of the breach track: the alert, the hourly reminders, the escalations, and the
card's countdown refreshed in place. Each renders the case as it is at send time, so a reminder
that is no longer due (the reference came in, the assessment was recorded) is not sent."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock

from bot.deviations import outbox
from bot.messenger import Delivery, MessageKind, Messenger
from handlers.blocks import mrkdwn
from handlers.breach.blocks import alert_text, escalation_text, reminder_text
from handlers.deviations.senders import send_leader_card
from store.models import Deviation


def _post(delivery: Delivery, text: str) -> None:
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                     blocks=[SectionBlock(text=mrkdwn(text[:3000])).to_dict()])


def send_alert(delivery: Delivery, deviation: Deviation) -> None:
    """At once, to the leader channel and the privacy contact: the deadline in the office's time zone."""
    if deviation.breach is not None:
        _post(delivery, alert_text(deviation, delivery.office))


def send_reminder(delivery: Delivery, deviation: Deviation) -> None:
    text = reminder_text(deviation, delivery.office, delivery.entry.recipient)
    if text is not None:  # dealt with since it was entered: nothing to remind of
        _post(delivery, text)


def send_escalation(delivery: Delivery, deviation: Deviation) -> None:
    breach = deviation.breach
    if breach is not None and breach.decided_at is None:
        _post(delivery, escalation_text(deviation, delivery.office, delivery.entry.period.removesuffix("h")))


def send_countdown(delivery: Delivery, deviation: Deviation) -> None:
    """The card updated in place with the countdown as of now (the card is posted by its own entry)."""
    send_leader_card(delivery, deviation)


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.BREACH_ALERT, send_alert, outbox.deviation)
    messenger.register(MessageKind.BREACH_REMINDER, send_reminder, outbox.deviation)
    messenger.register(MessageKind.BREACH_ESCALATION, send_escalation, outbox.deviation)
    messenger.register(MessageKind.BREACH_COUNTDOWN, send_countdown, outbox.deviation)
