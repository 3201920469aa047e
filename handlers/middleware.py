"""The opening every listener shares, run once as Bolt listener middleware before the listener.

What a step finds goes into Bolt's `context`, and Bolt passes a context key to any listener,
middleware or matcher that names it as a parameter, just as it passes `ack` and `client`:

    services   Services    every request (`provide`, app-wide)
    parsed     the request's body as a model from handlers.payloads  (`parse`)
    office     Office      the office the request is for             (`parse`)
    which      Which       how that office was found, and the workspace's offices (`parse`)
    deviation  Deviation   the deviation a leader's form is about    (`leaders_only`)

So a listener reads like `def submit_closure(ack, services, office, deviation, parsed)`. (The
parsed body is `parsed`, not `payload`: Bolt already passes its own raw `payload` under that name.)

Middleware runs before the ack, and Bolt answers Slack only when the listener has acked, so a
step here only does what the answer itself needs: parsing, in-memory lookups, and for a leader's
*form* (whose errors go back in the ack) the leaders-only check. A leader's *button* is checked
after its ack, by `for_leaders`: the check reads the database, may ask Slack for the leader
user group, and writes a refusal to the audit log, none of which may hold Slack's 3 seconds.

One exception, in a workspace several offices share (issue 24): finding the office may read one row
(the case a button is about, the person's last «Kontor») and the user groups, cached for minutes;
the answer's words and the leaders-only check depend on it. Every group is asked for at once, in the
background, so Slack is waited on at most a second (bot.leaders.directory), however many offices.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from slack_bolt import Ack, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.errors import DeviationNotFound, DomainError
from bot.i18n import DEFAULT_LOCALE, Locale, t
from bot.leaders import service as leaders_service
from bot.office import Office
from bot.services import Services
from bot.workspace import Found, Hints, Subject, Which, which
from handlers import ids
from handlers.blocks import mrkdwn, plain
from handlers.common import id_of, modal_or_notice, open_from, open_view, say, usergroups
from handlers.payloads import BlockAction, HomeOpened, MessageShortcut, SlashCommand, ViewSubmission
from store.models import Deviation

log = logging.getLogger(__name__)

SERVICES, PARSED, OFFICE, WHICH, DEVIATION = "services", "parsed", "office", "which", "deviation"

Next = Callable[[], None]
Middleware = Callable[..., BoltResponse | None]
DeviationOf = Callable[[Any], int | None]  # the id of the deviation a request is about, from its parsed body
About = Callable[[Any], "tuple[Subject, int] | None"]  # the row a request is about, from its parsed body


def provide(services: Services) -> Middleware:
    """App-wide: every listener and listener middleware can ask for `services`."""
    def provide_services(context: BoltContext, next: Next) -> None:
        context[SERVICES] = services
        next()

    return provide_services


def _locale_of(services: Services, body: dict) -> Locale:
    """The office's language for a body that did not parse: its team, if that is an office's."""
    team = body.get("team")
    offices = services.offices.in_team(team.get("id") if isinstance(team, dict) else None)
    return offices[0].locale if offices else DEFAULT_LOCALE


def parse(model: type[BaseModel], *, errors_on: str | None = None, about: About | None = None,
          for_leaders: bool | Callable[[Any], bool] = False) -> Middleware:
    """The body as `model` (`parsed`) and the office it is for (`office`, found as bot.workspace says:
    `about` names the row a button is about; a modal's own metadata names its row; `for_leaders`,
    leaders' work, tries the offices the person leads before their staff group).

    A body Slack would not send in that shape is acked and goes no further; a form's, with a
    generic error on its field `errors_on`, so the person keeps what they typed.
    """
    def parse_payload(ack: Ack, body: dict, context: BoltContext, services: Services, client: WebClient,
                      next: Next) -> BoltResponse | None:
        try:
            parsed = model.model_validate(body)
        except ValidationError:
            if not errors_on:
                return ack()
            return ack(response_action="errors", errors={errors_on: t("error.generic", _locale_of(services, body))})
        offices = services.offices.in_team(parsed.team_id)  # type: ignore[attr-defined]
        if not offices:  # a workspace no office is configured for: say so, to the person only
            log.warning("refused a request from a workspace with no office")
            return _no_office(ack, client, parsed, errors_on)
        if len(offices) == 1:  # as always: nothing to find
            found = Which(offices[0], Found.ONLY, offices)
        else:
            # Every user group the request may need is asked for now, at once: each wait for Slack below,
            # and in the listener, then ends a second from here at the latest (bot.leaders.directory).
            services.leaders.settle({g for o in offices for g in usergroups(services, o)}, 0)
            leaders_work = for_leaders(parsed) if callable(for_leaders) else for_leaders
            found = which(services.db, services.leaders, offices, _hints(parsed, about, leaders_work))
        context[OFFICE], context[WHICH] = found.office, found
        context[PARSED] = parsed
        next()
        return None

    return parse_payload


def _hints(parsed: BaseModel, about: About | None, for_leaders: bool) -> Hints:
    """What the request says about its office (bot.workspace checks each against the workspace)."""
    meta = parsed.view.metadata if getattr(parsed, "view", None) is not None else {}  # type: ignore[attr-defined]
    row = about(parsed) if about else None
    for key in (Subject.CASE, Subject.ACTION, Subject.NUDGE, Subject.ROUND):
        if row is None and id_of(meta.get(key.value)) is not None:
            row = (key, id_of(meta.get(key.value)))
    if isinstance(parsed, SlashCommand):
        words = parsed.words
        return Hints(user_id=parsed.user_id, team_id=parsed.team_id, channel=parsed.channel_id, for_leaders=for_leaders,
                     reference=words[1] if len(words) > 1 and words[0].lower() == "status" else None)
    if isinstance(parsed, HomeOpened):
        return Hints(user_id=parsed.event.user, team_id=parsed.team_id, for_leaders=for_leaders)
    channel = meta.get("channel")
    if isinstance(parsed, MessageShortcut):
        channel = parsed.channel.id
    elif isinstance(parsed, BlockAction) and parsed.container is not None and parsed.container.channel_id:
        channel = parsed.container.channel_id
    user = getattr(parsed, "user", None)
    return Hints(user_id=user.id if user else None, team_id=parsed.team_id,  # type: ignore[attr-defined]
                 about=row, sealed_office=meta.get("office"), channel=channel, for_leaders=for_leaders)


def by_value(subject: Subject) -> About:
    """A button whose value is the id of a `subject` row (a case card's buttons carry the case's id)."""
    def about(click: BlockAction) -> tuple[Subject, int] | None:
        row_id = id_of(click.value)
        return (subject, row_id) if row_id is not None else None

    return about


def _no_office(ack: Ack, client: WebClient, parsed: BaseModel, errors_on: str | None) -> BoltResponse | None:
    """The answer to someone in a workspace no office is set up for (in Bokmål: there is no office to
    take the language from): on the form, as the command's ephemeral reply, or in a small modal."""
    text = t("error.unknown_workspace")
    if errors_on:
        return ack(response_action="errors", errors={errors_on: text})
    if isinstance(parsed, SlashCommand):
        return ack(text=text)
    notice = View(type="modal", callback_id=ids.NOTICE_VIEW, title=plain("notice.title", DEFAULT_LOCALE),
                  close=plain("notice.close", DEFAULT_LOCALE), blocks=[SectionBlock(text=mrkdwn(text))])
    # Opened beside the answer, not before it: Slack's 3 seconds are not spent waiting on Slack.
    threading.Thread(target=open_view, args=(client, getattr(parsed, "trigger_id", None), notice),
                     name="no-office-notice", daemon=True).start()
    return ack()


def button_value(click: BlockAction) -> int | None:
    """The deviation a card's button is about: its value."""
    return id_of(click.value)


def view_deviation(sent: BlockAction | ViewSubmission) -> int | None:
    """The deviation a leader's modal is about: kept in its metadata under `case` (the key modals
    already open in Slack carry)."""
    return id_of(sent.view.metadata.get("case")) if sent.view is not None else None


def authorized(services: Services, office: Office, user_id: str, attempt: str, deviation_id: int | None) -> Deviation:
    """The deviation a leader acts on, once the server has checked that they are one (whatever the
    payload says); anyone else's attempt is written to the audit log and raised as a DomainError."""
    leaders_service.authorize(services.db, services.clock, services.leaders, office, user_id, attempt, deviation_id)
    if deviation_id is None:
        raise DeviationNotFound()
    return leaders_service.load_deviation(services.db, office, deviation_id)


def leaders_only(attempt: str, deviation_of: DeviationOf, *, errors_on: str) -> Middleware:
    """A leader's form: the leader and the deviation (`deviation`) go on; anyone else, and a
    deviation that is not there, get the reason as an error on the form's field `errors_on`."""
    def check_leader(ack: Ack, context: BoltContext, services: Services, parsed: ViewSubmission,
                     next: Next) -> BoltResponse | None:
        office = context[OFFICE]
        try:
            context[DEVIATION] = authorized(services, office, parsed.user.id, attempt, deviation_of(parsed))
        except DomainError as refused:
            return ack(response_action="errors", errors={errors_on: say(refused, office.locale)})
        next()
        return None

    return check_leader


ButtonView = Callable[[Office, Deviation, BlockAction], View]


def for_leaders(attempt: str, build: ButtonView) -> Callable[..., None]:
    """A leader's button on a deviation (its value is the deviation's id): ack at once, then check on
    the server who asks (a refusal is audited) and open the modal `build` makes, or a notice saying
    politely why not."""
    def leader_button(ack: Ack, client: WebClient, services: Services, office: Office, parsed: BlockAction) -> None:
        ack()
        open_from(client, parsed, modal_or_notice(office, lambda: build(
            office, authorized(services, office, parsed.user.id, attempt, button_value(parsed)), parsed)))

    leader_button.__name__ = getattr(build, "__name__", "leader_button")
    return leader_button
