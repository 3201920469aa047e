"""`/avvik øvelse` (leaders), the poll's buttons and «Vis svar», and `/avvik drøfting`.

A vote is acked at once; the person then hears privately (an ephemeral message) what was counted,
and the poll shows the new counts. Nobody's vote is shown or stored against them.
"""

from __future__ import annotations

import logging
import re
from functools import partial

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.errors import DomainError
from bot.i18n import t
from bot.learning import service as learning
from bot.learning.rules import Outcome, Question, cases, find_case, valid_answer
from bot.office import Office
from bot.services import Services, lookup_client
from bot.workspace import Subject
from handlers import ids
from handlers.blocks import escape
from handlers.common import id_of, reply, say, tell
from handlers.learning.blocks import answer_label, discussion_blocks, poll_blocks, question_text
from handlers.middleware import by_value, parse
from handlers.payloads import BlockAction, SlashCommand

log = logging.getLogger(__name__)
_tell = partial(tell, about="exercise")  # only the person who pressed sees it

NOT_THERE = {"channel_not_found", "not_in_channel"}


def bot_in_channel(services: Services, channel: str) -> bool:
    """Whether the bot can post in `channel`, asked in one short try (the person waits for the ack);
    when Slack cannot say in time, the poll is entered and the ledger finds out."""
    try:
        info = lookup_client(services.settings).conversations_info(channel=channel).get("channel") or {}
    except SlackApiError as exc:
        return exc.response.get("error") not in NOT_THERE
    except (SlackClientError, OSError):
        return True
    return bool(info.get("is_im") or info.get("is_member", True))


def exercise(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/avvik øvelse [ID]` (leaders): the training case as a poll in this channel."""
    loc = office.locale
    if not services.leaders.is_leader(office, command.user_id):
        reply(ack, t("error.not_a_leader", loc))
        return
    wanted = command.words[1] if len(command.words) > 1 else None
    case = find_case(office.learning, loc, wanted)
    if case is None:
        known = ", ".join(f"`{c.id}`" for c in cases(office.learning, loc))
        reply(ack, t("learning.exercise.unknown_case", loc, case=escape(wanted or "")[:40], cases=known))
        return
    channel = command.channel_id or ""
    if not channel or not bot_in_channel(services, channel):
        reply(ack, t("learning.exercise.not_in_channel", loc))
        return
    try:
        _, ledger_ids = learning.start_exercise(services.db, services.clock, office, case.id, channel)
    except DomainError as exc:
        reply(ack, say(exc, loc))
        return
    reply(ack, t("learning.exercise.posted", loc, title=escape(case.title)))
    services.messenger.deliver_soon(ledger_ids)


def discussion(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/avvik drøfting`: seed 000's ten questions, for a staff meeting."""
    reply(ack, t("learning.discussion.header", office.locale), discussion_blocks(office))



def on_vote(ack: Ack, client: WebClient, services: Services, office: Office, parsed: BlockAction) -> None:
    """One vote: first, changed (counted once) or the same again (refused); the poll shows the counts."""
    ack()
    loc, user = office.locale, parsed.user.id
    channel, ts = parsed.message_at
    _, question, answer = [*str(parsed.actions[0]["action_id"]).split(":"), "", ""][:3]
    chosen = valid_answer(question, answer)
    if chosen is None:
        return  # not a button the bot made
    asked, answer = chosen
    try:
        voted = learning.vote(services.db, office, id_of(parsed.value), user, asked, answer)
    except DomainError as exc:
        _tell(client, channel, user, say(exc, loc))
        return
    if voted.outcome is Outcome.CLOSED:
        _tell(client, channel, user, t("learning.exercise.closed", loc))
        return
    key = {Outcome.VOTED: "voted", Outcome.CHANGED: "changed", Outcome.ALREADY: "already"}[voted.outcome]
    _tell(client, channel, user, t(f"learning.exercise.{key}", loc, answer=answer_label(office, asked, answer),
                                   question=question_text(asked, loc)))
    if voted.outcome is not Outcome.ALREADY and learning.is_open(services.db, voted.exercise.id):
        # Checked again just before: a poll revealed meanwhile must not get its buttons back.
        _refresh(client, office, voted.exercise.id, voted.exercise.case_id, voted.counts, channel, ts)


def _refresh(client: WebClient, office: Office, exercise_id: int, case_id: str, counts: dict[str, int],
             channel: str | None, ts: str | None) -> None:
    """The poll with its new counts (best effort: the next vote or the reveal brings it up to date)."""
    case = find_case(office.learning, office.locale, case_id)
    if case is None or not channel or not ts:
        return
    shown = {q: counts.get(q.value, 0) for q in Question}
    try:
        client.chat_update(channel=channel, ts=ts, text=t("learning.exercise.fallback", office.locale),
                           blocks=[b.to_dict() for b in poll_blocks(office, exercise_id, case, shown)])
    except SlackApiError as exc:
        log.warning("exercise: counts not updated (%s)", exc.response.get("error"))


def on_reveal(ack: Ack, client: WebClient, services: Services, office: Office, parsed: BlockAction) -> None:
    """«Vis svar» (leaders): the tally is kept, the key and the votes erased, and the answer shown."""
    ack()
    loc, user = office.locale, parsed.user.id
    channel, _ = parsed.message_at
    if not services.leaders.is_leader(office, user):
        _tell(client, channel, user, t("learning.exercise.leaders_only", loc))
        return
    try:
        _, ledger_ids = learning.reveal(services.db, services.clock, office, id_of(parsed.value))
    except DomainError as exc:
        _tell(client, channel, user, say(exc, loc))
        return
    services.messenger.deliver_soon(ledger_ids)


def register(app: App) -> None:
    exercise_button = parse(BlockAction, about=by_value(Subject.EXERCISE))
    app.action(re.compile(rf"^{ids.EXERCISE_VOTE}:"), middleware=[exercise_button])(on_vote)
    app.action(ids.EXERCISE_REVEAL, middleware=[exercise_button])(on_reveal)
