"""«Utsett» on a reminder (issue 16): the button opens the modal; the submission snoozes the case's (or
the action's) reminders until the workday chosen, with a reason. Only the person the reminder was sent
to may snooze it, checked on the server."""

from __future__ import annotations

from datetime import date

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.errors import DomainError
from bot.forms import FieldErrors
from bot.leaders.forms import parse_reason
from bot.office import Office
from bot.reminders import service as reminders_service
from bot.services import Services
from bot.workdays import NORWAY
from bot.workspace import Subject
from handlers import ids
from handlers.common import form_errors, id_of, modal_or_notice, open_from, today
from handlers.middleware import by_value, parse
from handlers.payloads import BlockAction, ViewSubmission
from handlers.reminders.blocks import snooze_view

S = ids.Snooze
SNOOZE_FIELDS = {"error.snooze_later": S.UNTIL, "error.snooze_workday": S.UNTIL, "error.snooze_too_far": S.UNTIL}


def open_snooze(ack: Ack, client: WebClient, services: Services, office: Office, parsed: BlockAction) -> None:
    ack()

    def build() -> View:
        target = reminders_service.snoozable(services.db, office, id_of(parsed.value), parsed.user.id)
        return snooze_view(office, target.nudge_id, _latest(services, office))

    open_from(client, parsed, modal_or_notice(office, build))


def _latest(services: Services, office: Office) -> date:
    """The latest workday «Utsett» may pick: the office's limit ahead."""
    return NORWAY.add(today(services, office), office.cadence.snooze_max_workdays)


def _until(values: dict[str, object]) -> date:
    value = values.get(S.UNTIL)
    try:
        return date.fromisoformat(value) if isinstance(value, str) else date.min
    except ValueError:
        return date.min


def submit_snooze(ack: Ack, services: Services, office: Office, parsed: ViewSubmission) -> None:
    values = parsed.view.values()
    try:
        until = _until(values)
        if until == date.min:
            raise FieldErrors({S.UNTIL: "error.field.required"})
        reason = parse_reason(values, S.REASON)
        ledger_ids = reminders_service.snooze(services.db, services.clock, office, id_of(parsed.view.metadata.get(
            "nudge")), until, reason, user_id=parsed.user.id)
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, S.REASON, SNOOZE_FIELDS))
        return
    ack()
    services.messenger.deliver(ledger_ids)


def register(app: App) -> None:
    app.action(ids.SNOOZE, middleware=[parse(BlockAction, about=by_value(Subject.NUDGE))])(open_snooze)
    app.view(ids.SNOOZE_VIEW, middleware=[parse(ViewSubmission, errors_on=S.REASON)])(submit_snooze)
