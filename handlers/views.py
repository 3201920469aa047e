"""Modal submissions: the registration form."""

from __future__ import annotations

import logging

from pydantic import ValidationError
from slack_bolt import Ack, App

from bot import registration
from bot.errors import StorageUnavailable
from bot.forms import FieldErrors
from bot.i18n import t
from bot.registration import Redirected, parse_form
from bot.services import Services
from handlers import ids
from handlers.common import office_of, today
from handlers.payloads import ViewSubmission
from handlers.registration_view import form_values, receipt_view, redirect_view

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.view(ids.REGISTRATION)
    def on_registration(ack: Ack, body: dict) -> None:
        try:
            submission = ViewSubmission.model_validate(body)
        except ValidationError:
            ack(response_action="errors", errors={ids.Field.TITLE: t("error.generic")})
            return
        office = office_of(services, submission.team_id)
        loc = office.locale
        try:
            form = parse_form(form_values(submission.view.values()), office, today(services, office))
            outcome = registration.register(services.db, services.clock, office, form, reporter_id=submission.user.id,
                               view_id=submission.view.id, channel_id=submission.view.channel)
        except FieldErrors as exc:
            ack(response_action="errors", errors={field: t(key, loc) for field, key in exc.errors.items()})
            return
        except StorageUnavailable:
            # The form stays open with everything typed; the person can simply submit again.
            ack(response_action="errors", errors={ids.Field.TITLE: t("error.storage_unavailable", loc)})
            return
        if isinstance(outcome, Redirected):
            ack(response_action="update", view=redirect_view(outcome.route, office).to_dict())
            return
        ack(response_action="update", view=receipt_view(outcome, outcome.title, office).to_dict())
        log.info("registered case %s (%s)", outcome.deviation_id, "new" if outcome.created else "retry")
        services.messenger.deliver_soon(outcome.ledger_ids)

