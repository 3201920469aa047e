"""The leaders' modal submissions: assessment, completion note, dropping an action, closure, reopening.

Each checks who submits (a replayed or crafted submission is refused like a click), parses the
values into a checked form (field errors go back with `response_action: errors`, the form stays
as typed), calls one function in bot.leadership, acks, then delivers what it entered in the ledger.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deviations.rules import ActionState, Severity
from bot.errors import ActionNotFound, ClosureNotAllowed, DeviationNotFound, DomainError
from bot.forms import FieldErrors
from bot.i18n import Locale, t
from bot.leaders import service as leadership
from bot.leaders.forms import CLOSURE_FIELDS, parse_assessment, parse_choice, parse_closure, parse_reason
from bot.office import Office
from bot.services import Services
from handlers import ids
from handlers.common import id_of, office_of, say, today
from handlers.leaders.blocks import action_dm_blocks
from handlers.payloads import ViewSubmission

log = logging.getLogger(__name__)
L = ids.Leader

# Does the work and returns the ledger ids to deliver; raises FieldErrors or a DomainError.
Work = Callable[[Office, ViewSubmission], list[int]]


def _field_errors(exc: FieldErrors, loc: Locale) -> dict[str, str]:
    return {name: t(key, loc) for name, key in exc.errors.items()}


def _rows(value: object) -> list[int]:
    rows = value if isinstance(value, list) else []
    return [r for r in rows if isinstance(r, int) and 0 <= r < 1000][:20]


def register(app: App, services: Services) -> None:
    db, clock, leaders = services.db, services.clock, services.leaders

    def submission(callback_id: str, general_field: str, work: Work,
                   after: Callable[[Office, ViewSubmission, WebClient], None] | None = None) -> None:
        """Register a leader modal's submission; `general_field` shows errors that are about no one field."""
        @app.view(callback_id)
        def on_submit(ack: Ack, body: dict, client: WebClient) -> None:
            try:
                sent = ViewSubmission.model_validate(body)
            except ValidationError:
                ack(response_action="errors", errors={general_field: t("error.generic")})
                return
            office = office_of(services, sent.team_id)
            loc = office.locale
            try:
                ledger_ids = work(office, sent)
            except FieldErrors as exc:
                ack(response_action="errors", errors=_field_errors(exc, loc))
                return
            except ClosureNotAllowed as exc:
                ack(response_action="errors", errors={CLOSURE_FIELDS.get(exc.key, general_field): say(exc, loc)})
                return
            except DomainError as exc:
                ack(response_action="errors", errors={general_field: say(exc, loc)})
                return
            ack()
            services.messenger.deliver(ledger_ids)
            if after is not None:
                after(office, sent, client)

    def deviation_id_of(sent: ViewSubmission) -> int | None:
        return id_of(sent.view.metadata.get("case"))

    def assess(office: Office, sent: ViewSubmission) -> list[int]:
        deviation_id = deviation_id_of(sent)
        leadership.authorize(db, clock, leaders, office, sent.user.id, "vurder", deviation_id)
        if deviation_id is None:
            raise DeviationNotFound()
        form = parse_assessment(sent.view.values(), _rows(sent.view.metadata.get("rows")) or [0],
                                today(services, office), leaders.leaders(office))
        return leadership.assess(db, clock, office, deviation_id, form, actor_id=sent.user.id).ledger_ids

    def close(office: Office, sent: ViewSubmission) -> list[int]:
        deviation_id = deviation_id_of(sent)
        leadership.authorize(db, clock, leaders, office, sent.user.id, "lukk", deviation_id)
        if deviation_id is None:
            raise DeviationNotFound()
        deviation = leadership.load_deviation(db, office, deviation_id)
        form = parse_closure(sent.view.values(), Severity(deviation.severity), today(services, office))
        return leadership.close_deviation(db, clock, office, deviation_id, form, actor_id=sent.user.id).ledger_ids

    def reopen(office: Office, sent: ViewSubmission) -> list[int]:
        deviation_id = deviation_id_of(sent)
        leadership.authorize(db, clock, leaders, office, sent.user.id, "gjenapne", deviation_id)
        if deviation_id is None:
            raise DeviationNotFound()
        reason = parse_reason(sent.view.values(), L.REASON)
        return leadership.reopen_deviation(db, clock, office, deviation_id, reason, actor_id=sent.user.id).ledger_ids

    def drop(office: Office, sent: ViewSubmission) -> list[int]:
        deviation_id = deviation_id_of(sent)
        leadership.authorize(db, clock, leaders, office, sent.user.id, "forkast_tiltak", deviation_id)
        values, errors = sent.view.values(), {}
        action_id = reason = None
        try:
            action_id = parse_choice(values, L.ACTION)
        except FieldErrors as exc:
            errors.update(exc.errors)
        try:
            reason = parse_reason(values, L.REASON)
        except FieldErrors as exc:
            errors.update(exc.errors)
        if errors:
            raise FieldErrors(errors)
        assert action_id is not None and reason is not None
        deviation, _ = leadership.load_action(db, office, action_id)
        if deviation.id != deviation_id:
            raise ActionNotFound()
        return leadership.finish(db, clock, office, action_id, ActionState.DROPPED, reason,
                                 actor_id=sent.user.id).ledger_ids

    def complete(office: Office, sent: ViewSubmission) -> list[int]:
        action_id = id_of(sent.view.metadata.get("action"))
        if action_id is None:
            raise ActionNotFound()
        _, action = leadership.load_action(db, office, action_id)
        leadership.authorize_owner(db, clock, leaders, office, sent.user.id, action)
        note = parse_reason(sent.view.values(), L.NOTE)
        return leadership.finish(db, clock, office, action_id, ActionState.DONE, note,
                                 actor_id=sent.user.id).ledger_ids

    def update_owner_dm(office: Office, sent: ViewSubmission, client: WebClient) -> None:
        """The DM the owner pressed «Utført» in now says so, without the button (a reply to them)."""
        meta = sent.view.metadata
        channel, ts, action_id = meta.get("channel"), meta.get("ts"), id_of(meta.get("action"))
        if not (isinstance(channel, str) and isinstance(ts, str) and action_id):
            return
        try:
            deviation, action = leadership.load_action(db, office, action_id)
            client.chat_update(channel=channel, ts=ts, text=t("action.now_utfort", office.locale),
                               blocks=[b.to_dict() for b in action_dm_blocks(office, deviation, action)])
        except (DomainError, SlackApiError) as exc:
            log.warning("the owner's DM was not updated (%s)", type(exc).__name__)

    submission(ids.ASSESSMENT_VIEW, L.NEEDS_ACTIONS, assess)
    submission(ids.CLOSURE_VIEW, L.FEEDBACK, close)
    submission(ids.REOPEN_VIEW, L.REASON, reopen)
    submission(ids.DROP_VIEW, L.ACTION, drop)
    submission(ids.COMPLETION_VIEW, L.NOTE, complete, after=update_owner_dm)
