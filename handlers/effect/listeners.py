"""«Har tiltaket virket?»: Ja / Delvis / Nei in the DM open the answer's modal; its submission stores the
answer (and reopens the case when asked to), then the DM shows the answer instead of its buttons.

Who may answer is checked on the server, whatever the payload says: a leader of the office, for a
check of that office, once, and only the round the question was sent for (the button's value names the
case and the round; an earlier round's button is told kindly that the question is replaced). A refusal
at the button is told privately (an ephemeral message) and changes nothing; at the modal it goes back
on the form.
"""

from __future__ import annotations

import logging
import re
from functools import partial

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.effect import service as effect
from bot.effect.rules import Answer, parse_answer
from bot.errors import DomainError
from bot.forms import FieldErrors
from bot.i18n import t
from bot.leaders.forms import parse_reason
from bot.office import Office
from bot.services import Services
from bot.workspace import Subject
from handlers import ids
from handlers.common import display_name, form_errors, id_of, open_from, say, tell
from handlers.effect.blocks import answer_view, answered_blocks
from handlers.middleware import parse
from handlers.payloads import BlockAction, ViewSubmission

log = logging.getLogger(__name__)
_tell = partial(tell, about="effect check")  # only the person who pressed sees it
E = ids.Effect


def _answer_of(text: str) -> Answer | None:
    """The answer an action id or callback id ends with (`effect_answer:nei`)."""
    return parse_answer(text.rpartition(":")[2])



def _clicked(value: object) -> tuple[int | None, int | None]:
    """The case and the round a button names (`123:1768377600000000`); None for what is not there."""
    case, _, asked = str(value or "").partition(":")
    return id_of(case), id_of(asked)


def _case_of(click: BlockAction) -> tuple[Subject, int] | None:
    """The row whose office the click is for: the case its button names."""
    case, _ = _clicked(click.value)
    return (Subject.CASE, case) if case is not None else None


def on_answer(ack: Ack, client: WebClient, services: Services, office: Office, parsed: BlockAction) -> None:
    """Ja / Delvis / Nei: the modal for a note (and, for Delvis or Nei, «Gjenåpne avviket»)."""
    ack()
    answer = _answer_of(str(parsed.actions[0]["action_id"]))
    channel, ts = parsed.message_at
    if answer is None:
        return  # not a button the bot made
    case, asked = _clicked(parsed.value)
    try:
        question = effect.question_for(services.db, services.clock, services.leaders, office, case, parsed.user.id,
                                       asked)
    except DomainError as refused:
        _tell(client, channel, parsed.user.id, say(refused, office.locale))
        return
    open_from(client, parsed, answer_view(office, question, answer, channel, ts))


def _note(values: dict[str, object]) -> str | None:
    """The optional note; when written, checked as every reason is (length, no national id number)."""
    written = values.get(E.NOTE)
    if not (isinstance(written, str) and written.strip()):
        return None
    return parse_reason(values, E.NOTE)


def submit_answer(ack: Ack, client: WebClient, services: Services, office: Office, parsed: ViewSubmission) -> None:
    """The answer stored once, audited, and the case reopened when «Gjenåpne avviket» was ticked."""
    answer = _answer_of(parsed.view.callback_id)
    meta, values = parsed.view.metadata, parsed.view.values()
    ticked = values.get(E.REOPEN)
    reopen = isinstance(ticked, list) and E.REOPEN_CHOSEN in ticked
    try:
        if answer is None:
            raise effect.CheckNotFound()
        answered = effect.answer_check(services.db, services.clock, services.leaders, office, id_of(meta.get("case")),
                                       answer, _note(values), reopen, actor_id=parsed.user.id,
                                       asked=id_of(meta.get("asked")))
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, E.NOTE))
        return
    ack()
    # The card, its thread and the reporter in the background (ledger rows: retried if this fails), so
    # the leader's own DM shows the answer at once even when Slack is slow.
    services.messenger.deliver_soon(answered.ledger_ids)
    _show_answer(client, services, office, meta, answered, parsed.user.id)


def _show_answer(client: WebClient, services: Services, office: Office, meta: dict, answered: effect.Answered,
                 user: str) -> None:
    """The DM the button was pressed in says what was answered, without the buttons (a reply to the
    leader's own click: the sealed metadata names the message)."""
    channel, ts = meta.get("channel"), meta.get("ts")
    deviation_id = id_of(meta.get("case"))
    if not (isinstance(channel, str) and isinstance(ts, str) and deviation_id):
        return
    try:
        deviation = effect.load_case(services.db, office, deviation_id)
        blocks = answered_blocks(office, deviation, answered.answer, display_name(client, user), answered.reopened)
        client.chat_update(channel=channel, ts=ts, text=t("effect.fallback_answered", office.locale,
                                                             reference=deviation.reference),
                           blocks=[b.to_dict() for b in blocks])
    except (SlackApiError, DomainError) as exc:
        log.warning("effect check: the DM was not updated (%s)", type(exc).__name__)


def register(app: App) -> None:
    # The button's value names the case: in a workspace of several offices, the request is the case's office's.
    app.action(re.compile(rf"^{E.ANSWER}:"), middleware=[parse(BlockAction, about=_case_of)])(on_answer)
    app.view(re.compile(rf"^{E.VIEW}:"), middleware=[parse(ViewSubmission, errors_on=E.NOTE)])(submit_answer)
