"""`/kvalitet`: the quality-measurement module (seed 002). Command, modals, buttons and senders."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.errors import DomainError, StorageUnavailable
from bot.forms import FieldErrors
from bot.i18n import t
from bot.office import Office
from bot.quality import service as rounds
from bot.quality.rules import nearest_round, parse_measure, parse_review, parse_season
from bot.services import Services
from handlers import ids
from handlers.common import office_of, open_view, today
from handlers.payloads import BlockAction, SlashCommand, ViewSubmission
from handlers.quality.blocks import (
    measure_view,
    review_view,
    round_name,
    saved_view,
    status_text,
)
from store import quality as store

log = logging.getLogger(__name__)
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")

Subcommand = Callable[[Services, Office, SlashCommand, Ack, WebClient], None]


def _open_review(services: Services, office: Office, user: str, trigger_id: str, client: WebClient) -> str | None:
    """Open the review modal; returns an error key when the person can't review now."""
    rnd = rounds.current_round(services.db, office)
    if rnd is None:
        return "error.quality.no_open_round"
    if user not in rnd.reviewers and not services.leaders.is_leader(office, user):
        return "error.quality.not_a_reviewer"
    open_view(client, trigger_id, review_view(office, rnd))
    return None


def _review(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    rnd = rounds.current_round(services.db, office)
    if rnd is None or (command.user_id not in rnd.reviewers and not services.leaders.is_leader(office,
                                                                                              command.user_id)):
        key = "error.quality.no_open_round" if rnd is None else "error.quality.not_a_reviewer"
        ack(text=t(key, office.locale))
        return
    ack()
    _open_review(services, office, command.user_id, command.trigger_id, client)


def _leader(services: Services, office: Office, command: SlashCommand, ack: Ack) -> bool:
    if services.leaders.is_leader(office, command.user_id):
        return True
    ack(text=t("error.not_a_leader", office.locale))
    return False


def _new(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    if not _leader(services, office, command, ack):
        return
    named = parse_season(command.words[1]) if len(command.words) > 1 else None
    season, year = nearest_round(office.quality, today(services, office), named)
    reviewers = MENTION.findall(command.text) or rounds.reviewers_of(services.leaders, office)
    opened = rounds.open_round(services.db, services.clock, office, season, year, opened_by=command.user_id,
                               reviewers=reviewers)
    rnd = opened.round
    key = ("quality.opened_by_leader" if opened.created
           else "quality.already_open" if rnd.state == "apen" else "quality.already_held")
    closed = rnd.closed_at.astimezone(office.tz).date().isoformat() if rnd.closed_at else ""
    ack(text=t(key, office.locale, round=round_name(rnd, office.locale), opens=rnd.opens_on.isoformat(),
               closes=rnd.closes_on.isoformat(), closed=closed))
    services.messenger.deliver_soon(opened.ledger_ids)


def _status(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    with services.db.transaction() as session:
        rnd = store.latest(session, office.id)
        if rnd is None:
            ack(text=t("error.quality.no_round", office.locale))
            return
        ack(text=status_text(office, rnd, store.reviews_per_reviewer(session, rnd.id)))


def _close(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    if not _leader(services, office, command, ack):
        return
    rnd = rounds.current_round(services.db, office)
    if rnd is None:
        ack(text=t("error.quality.no_open_round", office.locale))
        return
    ids_ = rounds.close_round(services.db, services.clock, office, rnd.id, closed_by=command.user_id)
    ack(text=t("quality.closed", office.locale, round=round_name(rnd, office.locale)))
    services.messenger.deliver_soon(ids_)


def _measure(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    if not _leader(services, office, command, ack):
        return
    with services.db.transaction() as session:
        rnd = store.latest(session, office.id)
    if rnd is None:
        ack(text=t("error.quality.no_round", office.locale))
        return
    ack()
    open_view(client, command.trigger_id, measure_view(office, rnd, today(services, office)))


def _help(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    ack(text=t("quality.help", office.locale))


SUBCOMMANDS: dict[str, Subcommand] = {
    "ny": _new, "status": _status, "lukk": _close, "tiltak": _measure, "hjelp": _help, "help": _help,
}


def register(app: App, services: Services) -> None:
    @app.command(ids.QUALITY_COMMAND)
    def on_kvalitet(ack: Ack, body: dict, client: WebClient) -> None:
        try:
            command = SlashCommand.model_validate(body)
        except ValidationError:
            ack()
            return
        office = office_of(services, command.team_id)
        handler = SUBCOMMANDS.get(command.words[0].lower(), _help) if command.words else _review
        handler(services, office, command, ack, client)

    @app.action(ids.QUALITY_OPEN_REVIEW)
    def on_open_review(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        try:
            action = BlockAction.model_validate(body)
        except ValidationError:
            return
        if action.trigger_id:
            office = office_of(services, action.team_id)
            error = _open_review(services, office, action.user.id, action.trigger_id, client)
            if error:
                client.chat_postMessage(channel=action.user.id, text=t(error, office.locale))

    @app.view(ids.QUALITY_REVIEW)
    def on_review(ack: Ack, body: dict) -> None:
        try:
            submission = ViewSubmission.model_validate(body)
            round_id = int(submission.view.metadata.get("round", 0))
        except (ValidationError, TypeError, ValueError):
            ack(response_action="errors", errors={"case_number": t("error.generic")})
            return
        office = office_of(services, submission.team_id)
        loc, user = office.locale, submission.user.id
        try:
            form = parse_review(submission.view.values())
            rounds.submit_review(services.db, services.clock, office, round_id, user, form,
                                 view_id=submission.view.id, is_leader=services.leaders.is_leader(office, user))
        except FieldErrors as exc:
            ack(response_action="errors", errors={field: t(key, loc) for field, key in exc.errors.items()})
            return
        except DomainError as exc:
            ack(response_action="errors", errors={"case_number": t(exc.key, loc, **exc.params)})
            return
        with services.db.transaction() as session:
            rnd = store.by_id(session, round_id)
            done = store.reviews_per_reviewer(session, round_id).get(user, 0)
        ack(response_action="update", view=saved_view(office, done, rnd.target_per_reviewer).to_dict())

    @app.view(ids.QUALITY_MEASURE)
    def on_measure(ack: Ack, body: dict) -> None:
        try:
            submission = ViewSubmission.model_validate(body)
            round_id = int(submission.view.metadata.get("round", 0))
        except (ValidationError, TypeError, ValueError):
            ack(response_action="errors", errors={ids.MeasureField.DESCRIPTION: t("error.generic")})
            return
        office = office_of(services, submission.team_id)
        loc, user = office.locale, submission.user.id
        if not services.leaders.is_leader(office, user):
            ack(response_action="errors", errors={ids.MeasureField.DESCRIPTION: t("error.not_a_leader", loc)})
            return
        try:
            measure = parse_measure(submission.view.values(), today(services, office))
            form = rounds.MeasureForm(measure.description, measure.area, measure.scope, measure.owner,
                                      measure.due_on)
            _, ledger_ids = rounds.create_measure(services.db, services.clock, office, round_id, form,
                                                  created_by=user)
        except FieldErrors as exc:
            ack(response_action="errors", errors={field: t(key, loc) for field, key in exc.errors.items()})
            return
        except (DomainError, StorageUnavailable) as exc:
            ack(response_action="errors", errors={ids.MeasureField.DESCRIPTION: t(exc.key, loc)})
            return
        ack()
        services.messenger.deliver_soon(ledger_ids)
