"""The leaders' assessment of a possible personal-data breach: the card's button opens the modal;
its submission records «Meldt til Datatilsynet» (with the date) or «Ikke meldepliktig» (with the
reason, GDPR art. 33(5)), and the card's countdown is refreshed in place. Leaders only, checked on
the server (handlers.middleware)."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk.models.views import View

from bot.breach import service as breach_service
from bot.errors import DeviationNotFound, DomainError
from bot.forms import FieldErrors
from bot.office import Office
from bot.services import Services
from bot.workspace import Subject
from handlers import ids
from handlers.breach.blocks import assessment_view
from handlers.common import form_errors, today
from handlers.middleware import by_value, for_leaders, leaders_only, parse, view_deviation
from handlers.payloads import BlockAction, ViewSubmission
from store.models import Deviation

ATTEMPT = "personvernvurdering"


def assessment_form(office: Office, deviation: Deviation, click: BlockAction) -> View:
    """«Vurder melding til Datatilsynet» on the card: the modal (a case with no breach track: a notice)."""
    if deviation.breach is None:
        raise DeviationNotFound()
    return assessment_view(deviation, deviation.breach, office)


def submit_assessment(ack: Ack, services: Services, office: Office, deviation: Deviation,
                      parsed: ViewSubmission) -> None:
    values = parsed.view.values()
    try:
        assessment = breach_service.parse_assessment(values.get(ids.Breach.DECISION),
                                                     values.get(ids.Breach.NOTIFIED_ON),
                                                     values.get(ids.Breach.REASON), today(services, office))
        ledger_ids = breach_service.record_assessment(services.db, services.clock, office, deviation.id, assessment,
                                                      actor_id=parsed.user.id)
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, ids.Breach.DECISION))
        return
    ack()
    services.messenger.deliver_soon(ledger_ids)


def register(app: App) -> None:
    case_button = parse(BlockAction, about=by_value(Subject.CASE))
    app.action(ids.Breach.ASSESS, middleware=[case_button])(for_leaders(ATTEMPT, assessment_form))
    app.view(ids.Breach.VIEW, middleware=[parse(ViewSubmission, errors_on=ids.Breach.DECISION),
                                          leaders_only(ATTEMPT, view_deviation, errors_on=ids.Breach.DECISION)])(
        submit_assessment)
