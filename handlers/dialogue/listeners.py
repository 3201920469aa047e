"""The anonymous reporter's dialogue in Slack (issue 20).

The reporter: `/avvik kode K7QM-…` (or App Home's «Følg opp anonymt avvik», which asks for the code)
opens the case's modal; its submission answers the leaders, adds information or the other system's
reference. The modal carries a sealed capability (bot/dialogue/codes.py), never the code, and the
reporter's Slack id is used for nothing but the in-memory throttle's daily-keyed hash.

The leaders: «Spør melderen» on the card of an anonymous case, and the question's modal.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.deviations.rules import State
from bot.dialogue import codes
from bot.dialogue import service as dialogue
from bot.errors import DomainError, InvalidTransition
from bot.forms import FieldErrors
from bot.i18n import t
from bot.office import Office
from bot.routing import service as routing
from bot.services import Services
from bot.workspace import Subject
from handlers import ids
from handlers.common import form_errors, notice_view, open_view, say
from handlers.dialogue.blocks import case_view, code_view, question_view
from handlers.middleware import by_value, for_leaders, leaders_only, parse, view_deviation
from handlers.payloads import BlockAction, SlashCommand, ViewSubmission
from store.models import Deviation

log = logging.getLogger(__name__)

ANSWER, REFERENCE, QUESTION = ids.DIALOGUE_ANSWER_FIELD, ids.EXTERNAL_REFERENCE_FIELD, ids.DIALOGUE_QUESTION_FIELD
TYPED_MAX = 64  # more than any code with spaces; the rest of a pasted line is not read


# --- the reporter ---------------------------------------------------------------------------------

def by_code(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/avvik kode K7QM-2XRD-H9TF-3WPA`: the case in a modal, or one neutral notice; without a code, the
    modal that asks for it. Acked first; the code is verified after (a slow hash, on purpose)."""
    ack()
    if len(command.words) < 2:
        open_view(client, command.trigger_id, code_view(office))
        return
    typed = " ".join(command.words[1:])[:TYPED_MAX]
    try:
        view = _case(services, office, _follow(services, office, command.team_id, command.user_id, typed))
    except DomainError as exc:
        view = notice_view(office, say(exc, office.locale))
    open_view(client, command.trigger_id, view)


def open_code_form(ack: Ack, client: WebClient, office: Office, parsed: BlockAction) -> None:
    """App Home's «Følg opp anonymt avvik»."""
    ack()
    open_view(client, parsed.trigger_id, code_view(office))


def submit_code(ack: Ack, services: Services, office: Office, parsed: ViewSubmission) -> None:
    typed = parsed.view.values().get(ids.DIALOGUE_CODE_FIELD)
    try:
        followed = _follow(services, office, parsed.team_id, parsed.user.id,
                           typed[:TYPED_MAX] if isinstance(typed, str) else "")
    except DomainError as exc:
        ack(response_action="errors", errors={ids.DIALOGUE_CODE_FIELD: say(exc, office.locale)})
        return
    ack(response_action="update", view=_case(services, office, followed).to_dict())


def _follow(services: Services, office: Office, team_id: str | None, requester: str,
            typed: str) -> dialogue.Followed:
    """The case a code opens, in whichever office of the workspace it is (issue 24: the code names the
    case; the reporter need not know which office the command was taken for)."""
    return dialogue.follow(services.db, services.clock, services.code_throttle, services.dialogue_key(), office,
                           requester=requester, typed=typed, within=services.offices.in_team(team_id))


def _case(services: Services, office: Office, followed: dialogue.Followed, *, sent: bool = False) -> View:
    """The case's modal, in the language of the case's own office."""
    office = next((o for o in (office, *services.offices.office) if o.id == followed.deviation.office_id), office)
    sealed = codes.seal(services.dialogue_key(), followed.deviation.id, services.clock.now())
    return case_view(office, followed, sealed, sent=sent)


def submit_dialogue(ack: Ack, services: Services, office: Office, parsed: ViewSubmission) -> None:
    """The reporter's answer or added information, and the reference while the case waits for one."""
    deviation_id = codes.unseal(services.dialogue_key(), parsed.view.metadata, services.clock.now())
    if deviation_id is None:
        ack(response_action="errors", errors={ANSWER: t("dialogue.error.expired", office.locale)})
        return
    values = parsed.view.values()
    ledger_ids: list[int] = []
    try:
        text = dialogue.parse_text(values.get(ANSWER), ANSWER, optional=True)
        typed_reference = values.get(REFERENCE)
        reference = routing.parse_reference(typed_reference) if isinstance(typed_reference, str) else None
        if text is None and reference is None:
            raise FieldErrors({ANSWER: "dialogue.error.nothing"})
        if reference is not None:
            ledger_ids += routing.confirm_by_code(services.db, services.clock, office, deviation_id,
                                                  reference).ledger_ids
        if text is not None:
            ledger_ids += dialogue.answer(services.db, services.clock, office, deviation_id, text).ledger_ids
        followed = dialogue.followed(services.db, office, deviation_id)
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, ANSWER,
                                                         {"error.external_reference_already_set": REFERENCE}))
        return
    ack(response_action="update", view=_case(services, office, followed, sent=True).to_dict())
    log.info("dialogue: the reporter of case %s wrote", deviation_id)  # the case only: never who, never what
    services.messenger.deliver_soon(ledger_ids)


# --- the leaders ----------------------------------------------------------------------------------

def question_form(office: Office, deviation: Deviation, click: BlockAction) -> View:
    """«Spør melderen»: for an open anonymous case."""
    if not deviation.anonymous:
        raise dialogue.NotAnonymous()
    if deviation.state == State.CLOSED.value:
        raise InvalidTransition(state=deviation.state, command=dialogue.ASKED)
    return question_view(office, deviation)


def submit_question(ack: Ack, services: Services, office: Office, deviation: Deviation,
                    parsed: ViewSubmission) -> None:
    try:
        question = dialogue.parse_text(parsed.view.values().get(QUESTION), QUESTION)
        said = dialogue.ask(services.db, services.clock, office, deviation.id, question or "",
                            leader_id=parsed.user.id)
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, QUESTION))
        return
    ack()
    services.messenger.deliver(said.ledger_ids)


def register(app: App) -> None:
    case_button = parse(BlockAction, about=by_value(Subject.CASE))
    if not any(isinstance(f, codes.RedactCodes) for f in app.logger.filters):
        app.logger.addFilter(codes.RedactCodes())  # Bolt's DEBUG lines would show the receipt's code
    app.action(ids.DIALOGUE_OPEN, middleware=[parse(BlockAction)])(open_code_form)
    app.view(ids.DIALOGUE_CODE_VIEW,
             middleware=[parse(ViewSubmission, errors_on=ids.DIALOGUE_CODE_FIELD)])(submit_code)
    app.view(ids.DIALOGUE_VIEW, middleware=[parse(ViewSubmission, errors_on=ANSWER)])(submit_dialogue)
    app.action(ids.DIALOGUE_ASK, middleware=[case_button])(for_leaders(dialogue.ASKED, question_form))
    app.view(ids.DIALOGUE_QUESTION_VIEW,
             middleware=[parse(ViewSubmission, errors_on=QUESTION),
                         leaders_only(dialogue.ASKED, view_deviation, errors_on=QUESTION)])(submit_question)
