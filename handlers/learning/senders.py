"""Ledger senders for learning: the poll, its reveal (in place of the poll), the month's question."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import SectionBlock

from bot.i18n import t
from bot.learning import outbox
from bot.learning.rules import Question
from bot.learning.service import record_poll
from bot.messenger import Delivery, MessageKind, Messenger, NotYet
from handlers.blocks import mrkdwn
from handlers.learning.blocks import monthly_question_text, poll_blocks, revealed_blocks


def _blocks(delivery: Delivery, view: outbox.ExerciseView) -> list[dict]:
    office, exercise = delivery.office, view.exercise
    if exercise.state == "apen":
        counts = {q: sum(view.tally.get(q.value, {}).values()) for q in Question}
        blocks = poll_blocks(office, exercise.id, view.case, counts)
    else:
        blocks = revealed_blocks(office, view.case, view.tally)
    return [b.to_dict() for b in blocks]


def send_poll(delivery: Delivery, view: outbox.ExerciseView) -> None:
    """The case as a poll in the channel it was asked for; its ts is kept for the votes and the reveal."""
    text = t("learning.exercise.fallback", delivery.office.locale)
    response = delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                                blocks=_blocks(delivery, view))
    delivery.record(record_poll(view.exercise.id, response["ts"]))


def send_reveal(delivery: Delivery, view: outbox.ExerciseView) -> None:
    """The poll becomes the answer and the tally; a poll gone from the channel gets the answer anew."""
    exercise = view.exercise
    if exercise.message_ts is None:
        raise NotYet("poll")
    text = t("learning.exercise.answer_header", delivery.office.locale).strip("*")
    try:
        delivery.client.chat_update(channel=exercise.channel, ts=exercise.message_ts, text=text,
                                    blocks=_blocks(delivery, view))
    except SlackApiError as exc:
        if exc.response.get("error") != "message_not_found":
            raise
        delivery.client.chat_postMessage(channel=exercise.channel, text=text, blocks=_blocks(delivery, view))


def send_question(delivery: Delivery, number: int) -> None:
    text = monthly_question_text(delivery.office, number)
    fallback = t("learning.discussion.fallback", delivery.office.locale,
                 question=t(f"learning.discussion.q{number}", delivery.office.locale))
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=fallback,
                                     blocks=[SectionBlock(text=mrkdwn(text)).to_dict()])


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.EXERCISE_POLL, send_poll, outbox.exercise)
    messenger.register(MessageKind.EXERCISE_REVEAL, send_reveal, outbox.exercise)
    messenger.register(MessageKind.DISCUSSION_QUESTION, send_question, outbox.question)
