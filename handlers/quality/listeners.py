"""`/kvalitet`: the quality-measurement module (seed 002). Command, modals, buttons and senders."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import NamedTuple

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.errors import DomainError, StorageUnavailable
from bot.forms import FieldErrors
from bot.i18n import format_date, t
from bot.office import Office
from bot.privacy import contains_national_id
from bot.quality import service as quality_service
from bot.quality.rules import (
    VERDICT,
    Area,
    Scope,
    Season,
    nearest_round,
    next_opening,
    opened_late,
    parse_measure,
    parse_review,
    parse_season,
    parse_verdicts,
    round_title,
    suggestion_keys,
    window,
)
from bot.services import Services
from bot.workspace import Subject
from handlers import ids
from handlers.common import (
    ANSWER_WAIT,
    FOLLOW_UP_WAIT,
    after_slack,
    answer_in_time,
    form_errors,
    id_of,
    mark_dm_done,
    modal_or_notice,
    notice_view,
    open_from,
    open_view,
    today,
    usergroups,
)
from handlers.middleware import by_value, parse
from handlers.payloads import BlockAction, SlashCommand, ViewSubmission
from handlers.quality.blocks import (
    close_view,
    good_practice_view,
    measure_completion_view,
    measure_dm_blocks,
    measure_view,
    review_view,
    round_name,
    saved_view,
    status_text,
)
from store.models import QualityRound

log = logging.getLogger(__name__)
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
REVIEW_GENERAL = "case_number"  # the review form's field for what is about no one field

Subcommand = Callable[[Services, Office, SlashCommand, Ack, WebClient], None]


class Upcoming(NamedTuple):
    """A round not opened yet, named as rounds are."""

    year: int
    season: str


def _round_to_review(services: Services, office: Office, user: str) -> QualityRound | str:
    """The open round this person may review in, or the key of why not."""
    rnd = quality_service.current_round(services.db, office)
    if rnd is None:
        return "error.quality.no_open_round"
    if user not in rnd.reviewers and not services.leaders.is_leader(office, user):
        return "error.quality.not_a_reviewer"
    return rnd


def _review(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    rnd = _round_to_review(services, office, command.user_id)
    if rnd == "error.quality.no_open_round":
        season, year, opens = next_opening(office.quality, today(services, office))
        ack(text=t("quality.next_round", office.locale, round=round_title(Upcoming(year, season.value), office.locale),
                   opens=format_date(opens, office.locale)))
        return
    if isinstance(rnd, str):
        ack(text=t(rnd, office.locale))
        return
    ack()
    open_view(client, command.trigger_id, review_view(office, rnd))


def _leader(services: Services, office: Office, command: SlashCommand, ack: Ack) -> bool:
    if services.leaders.is_leader(office, command.user_id):
        return True
    ack(text=t("error.not_a_leader", office.locale))
    return False


def _leaders_round(services: Services, office: Office, command: SlashCommand, ack: Ack) -> QualityRound | None:
    """The latest round, for a leader's command; otherwise the person is told why not (and None)."""
    if not _leader(services, office, command, ack):
        return None
    rnd = quality_service.latest_round(services.db, office)
    if rnd is None:
        ack(text=t("error.quality.no_round", office.locale))
    return rnd


def _new(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/kvalitet ny [vår|høst]`: open the nearest season's round, unless another round runs: then say
    which, until when, and when the asked-for round opens by itself."""
    if not _leader(services, office, command, ack):
        return
    loc = office.locale
    named = parse_season(command.words[1]) if len(command.words) > 1 else None
    season, year = nearest_round(office.quality, today(services, office), named)
    reviewers = MENTION.findall(command.text) or quality_service.reviewers_of(services.leaders, office)
    opened = quality_service.open_round(services.db, services.clock, office, season, year, opened_by=command.user_id,
                               reviewers=reviewers)
    rnd = opened.round
    if opened.blocked:
        asked = window(office.quality, season, year)[0]
        ack(text=t("quality.one_at_a_time", loc, running=round_name(rnd, loc), closes=format_date(rnd.closes_on, loc),
                   asked=t("quality.round_name", loc, season=t(f"quality.season.{season.value}", loc).lower(),
                           year=year),
                   opens=format_date(asked, loc)))
        return
    key = ("quality.opened_by_leader" if opened.created
           else "quality.already_open" if rnd.state == "apen" else "quality.already_held")
    closed = format_date(rnd.closed_at.astimezone(office.tz).date(), loc) if rnd.closed_at else ""
    text = t(key, loc, round=round_name(rnd, loc), opens=format_date(rnd.opens_on, loc),
             closes=format_date(rnd.closes_on, loc), closed=closed)
    if rnd.state == "apen" and opened_late(office.quality, Season(rnd.season), rnd.year, rnd.opens_on):
        text += " " + t("quality.opened_late", loc, closes=format_date(rnd.closes_on, loc))
    ack(text=text)
    services.messenger.deliver_soon(opened.ledger_ids)


def _status(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    progress = quality_service.progress(services.db, office)
    if progress is None:
        ack(text=t("error.quality.no_round", office.locale))
        return
    user, reviewers = command.user_id, progress.round.reviewers
    # Who reviews and how far each has come is the leaders' to see; a reviewer sees their own line.
    shown = reviewers if services.leaders.is_leader(office, user) else [r for r in reviewers if r == user]
    ack(text=status_text(office, progress.round, progress.done, shown))


def _close(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/kvalitet avslutt` (or `lukk`): the leaders write the helhetsvurdering per area in a modal
    beside the figures (seed 002), and the round ends when they send it. A round without reviews
    has nothing to assess: it ends at once, named in the reply."""
    if not _leader(services, office, command, ack):
        return
    rnd = quality_service.current_round(services.db, office)
    if rnd is None:
        ack(text=t("error.quality.no_open_round", office.locale))
        return
    result = quality_service.figures(services.db, office, rnd.id)
    if result.reviews:
        ack()
        open_view(client, command.trigger_id, close_view(office, result))
        return
    closed = quality_service.close_round(services.db, services.clock, office, rnd.id, closed_by=command.user_id)
    ack(text=t("quality.closed_empty", office.locale, round=round_name(rnd, office.locale)))
    services.messenger.deliver_soon(closed.ledger_ids)


def submit_close(ack: Ack, services: Services, office: Office, parsed: ViewSubmission) -> None:
    """The leaders' helhetsvurdering: the round ends, and the posts carry their words beside the figures."""
    round_id, user, loc = id_of(parsed.view.metadata.get("round")), parsed.user.id, office.locale
    first = f"{VERDICT}.{Area.MAPPING.value}"
    if round_id is None:
        ack(response_action="errors", errors={first: t("error.generic", loc)})
        return
    if not services.leaders.is_leader(office, user):
        ack(response_action="errors", errors={first: t("error.not_a_leader", loc)})
        return
    try:
        result = quality_service.figures(services.db, office, round_id)
        verdicts = parse_verdicts(parsed.view.values(), [s.area for s in result.summaries if s.mean is not None])
        closed = quality_service.close_round(services.db, services.clock, office, round_id, closed_by=user,
                                             verdicts=verdicts)
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, first))
        return
    ack(response_action="update", view=notice_view(office, t("quality.closed", loc,
                                                             round=round_name(closed.round, loc))).to_dict())
    services.messenger.deliver_soon(closed.ledger_ids)


def _good_practice(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/kvalitet gode-grep` (leaders): pick «fungerer bra» answers of the latest round to share."""
    rnd = _leaders_round(services, office, command, ack)
    if rnd is None:
        return
    items = quality_service.works_well(services.db, office, rnd.id)
    if not items:
        ack(text=t("quality.good.none", office.locale, round=round_name(rnd, office.locale)))
        return
    ack()
    open_view(client, command.trigger_id, good_practice_view(office, rnd, items))


def submit_good_practice(ack: Ack, services: Services, office: Office, parsed: ViewSubmission) -> None:
    """The chosen answers go to the office channel as one short post, without reviewer or case."""
    round_id, user, loc = id_of(parsed.view.metadata.get("round")), parsed.user.id, office.locale
    field = ids.GOOD_PRACTICE_CHOSEN
    if round_id is None or not services.leaders.is_leader(office, user):
        ack(response_action="errors", errors={field: t("error.not_a_leader" if round_id else "error.generic", loc)})
        return
    chosen = parsed.view.values().get(field)
    picked = [i for v in (chosen if isinstance(chosen, list) else []) if (i := id_of(v)) is not None]
    try:
        ledger_ids = quality_service.share_good_practices(services.db, services.clock, office, round_id, picked)
    except DomainError as exc:
        ack(response_action="errors", errors=form_errors(exc, office, field))
        return
    if not ledger_ids:
        ack(response_action="errors", errors={field: t("error.field.choose", loc)})
        return
    ack(response_action="update", view=notice_view(office, t("quality.good.shared", loc, count=len(picked))).to_dict())
    services.messenger.deliver_soon(ledger_ids)


def _tags(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """`/kvalitet stikkord [godkjenn STIKKORD]`: the leaders decide which of the reviewers' own tags the
    office may read in its helhetsvurdering (the preset themes it always may)."""
    if not _leader(services, office, command, ack):
        return
    loc = office.locale
    if len(command.words) > 2 and command.words[1].lower() == "godkjenn":
        tag = command.text.split(None, 2)[2]
        if contains_national_id(tag):
            ack(text=t("error.quality.national_id", loc))
            return
        approved = quality_service.approve_tag(services.db, services.clock, office, tag, approved_by=command.user_id)
        ack(text=t("quality.tags.approved", loc, tag=approved) if approved else t("quality.tags.help", loc))
        return
    listing = quality_service.tag_listing(services.db, office)
    ack(text=t("quality.tags.list", loc, presets=", ".join(listing.presets),
               approved=", ".join(sorted(listing.approved)) or "–",
               waiting=", ".join(listing.waiting) or "–"))


def _measure(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    rnd = _leaders_round(services, office, command, ack)
    if rnd is None:
        return
    ack()
    open_view(client, command.trigger_id, measure_view(office, rnd, today(services, office)))


def _help(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    ack(text=t("quality.help", office.locale))


SUBCOMMANDS: dict[str, Subcommand] = {
    "ny": _new, "status": _status, "lukk": _close, "avslutt": _close, "tiltak": _measure, "stikkord": _tags,
    "gode-grep": _good_practice, "grep": _good_practice,
    "hjelp": _help, "help": _help,
}
OPENS_A_MODAL: frozenset[Subcommand] = frozenset({_review, _measure, _close, _good_practice})
NEEDS_NO_LEADERS: frozenset[Subcommand] = frozenset({_help})  # answered at once: no user group decides it


def on_kvalitet(ack: Ack, respond: Respond, client: WebClient, services: Services, office: Office,
                parsed: SlashCommand) -> None:
    """`/kvalitet`: the review form; `ny`, `status`, `lukk`, `tiltak` and `hjelp` as subcommands."""
    handler = SUBCOMMANDS.get(parsed.words[0].lower(), _help) if parsed.words else _review
    if handler in OPENS_A_MODAL:
        # The trigger lives 3 s, so the form is never opened after waiting on Slack: who leads is waited
        # for a second at most (bot.leaders.directory), and the members last known answer.
        handler(services, office, parsed, ack, client)
        return
    if handler in NEEDS_NO_LEADERS:
        handler(services, office, parsed, ack, client)
        return
    # Reviewers and leaders may be user groups Slack is asked for: Slack's 3 seconds wait not on it.
    answer_in_time(services, office, ack, respond, lambda ack: handler(services, office, parsed, ack, client))


def open_review_from_invite(ack: Ack, client: WebClient, services: Services, office: Office,
                            parsed: BlockAction) -> None:
    """The invitation's button: the review form, or a DM saying why not."""
    ack()
    if parsed.trigger_id:
        rnd = _round_to_review(services, office, parsed.user.id)
        if isinstance(rnd, str):
            client.chat_postMessage(channel=parsed.user.id, text=t(rnd, office.locale))
        else:
            open_view(client, parsed.trigger_id, review_view(office, rnd))


def submit_review(ack: Ack, services: Services, office: Office, parsed: ViewSubmission) -> None:
    """One reviewed case stored; the form then says how many the reviewer has done of their target."""
    round_id, user = id_of(parsed.view.metadata.get("round")), parsed.user.id
    if round_id is None:
        ack(response_action="errors", errors={REVIEW_GENERAL: t("error.generic", office.locale)})
        return
    try:
        form = parse_review(parsed.view.values())
        quality_service.submit_review(services.db, services.clock, office, round_id, user, form, view_id=parsed.view.id,
                             is_leader=services.leaders.is_leader(office, user))
        progress = quality_service.progress(services.db, office, round_id)
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, REVIEW_GENERAL))
        return
    if progress is None:  # the round went away meanwhile: nothing to count
        ack()
        return
    ack(response_action="update",
        view=saved_view(office, progress.of(user), progress.round.target_per_reviewer).to_dict())


def suggested(value: object, office: Office) -> str | None:
    """The name of the seed's measure a leader picked («kontor.3»), if it is one of them."""
    key = f"quality.suggestion.{value}" if isinstance(value, str) else ""
    return t(key, office.locale) if key in suggestion_keys() else None


def submit_measure(ack: Ack, services: Services, office: Office, parsed: ViewSubmission) -> None:
    """A leader turns a finding into a measure; its owner gets a DM with «Utført»."""
    round_id, user = id_of(parsed.view.metadata.get("round")), parsed.user.id
    if round_id is None:
        ack(response_action="errors", errors={ids.MeasureField.DESCRIPTION: t("error.generic", office.locale)})
        return
    # The office's and its counties' user groups, read at once and waited for briefly: the form's answer
    # must be in the ack. County leaders Slack names later are told after it (below).
    known = services.leaders.settle(usergroups(services, office), ANSWER_WAIT)
    if not services.leaders.is_leader(office, user):
        ack(response_action="errors", errors={ids.MeasureField.DESCRIPTION: t("error.not_a_leader", office.locale)})
        return
    try:
        values = parsed.view.values()
        measure = parse_measure(values, today(services, office), suggested(values.get(ids.MeasureField.SUGGESTION),
                                                                          office))
        form = quality_service.MeasureForm(measure.description, measure.area, measure.scope, measure.owner,
                                           measure.due_on)
        county_leaders = quality_service.county_leaders_of(services.leaders, services.offices, office) \
            if measure.scope is Scope.COUNTY else []
        action_id, ledger_ids = quality_service.create_measure(services.db, services.clock, office, round_id, form,
                                                               created_by=user, county_leaders=county_leaders)
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, ids.MeasureField.DESCRIPTION))
        return
    ack()
    services.messenger.deliver_soon(ledger_ids)
    if not known and measure.scope is Scope.COUNTY:
        after_slack(lambda: _tell_county_when_known(services, office, action_id))


def _tell_county_when_known(services: Services, office: Office, action_id: int) -> None:
    """After the ack: the county's leaders Slack names once it answers are told of the measure too."""
    services.leaders.settle(usergroups(services, office), FOLLOW_UP_WAIT)
    leaders = quality_service.county_leaders_of(services.leaders, services.offices, office)
    try:
        services.messenger.deliver_soon(quality_service.tell_county_leaders(services.db, services.clock, office,
                                                                            action_id, leaders))
    except StorageUnavailable:
        log.warning("county measure %s: its county's leaders could not be entered", action_id)


# --- a measure's «Utført» (the button and modal a case's action has: which one, the database says) --

def show_measure_completion(client: WebClient, services: Services, office: Office, parsed: BlockAction) -> None:
    """After the ack (handlers.actions): the owner (or a leader) opens the completion note for a
    measure, from its DM."""

    def build() -> View:
        measure, action = quality_service.measure_to_complete(services.db, services.clock, services.leaders, office,
                                                     id_of(parsed.value), parsed.user.id)
        return measure_completion_view(office, measure, action, *parsed.message_at)

    open_from(client, parsed, modal_or_notice(office, build))


def submit_measure_completion(ack: Ack, client: WebClient, services: Services, office: Office,
                              parsed: ViewSubmission) -> None:
    """The note saved: the measure is done, and the DM the owner pressed «Utført» in says so."""
    meta, user = parsed.view.metadata, parsed.user.id
    try:
        _, action = quality_service.measure_for(services.db, services.clock, services.leaders, office,
                                       id_of(meta.get("action")), user)
        note = quality_service.parse_note(parsed.view.values(), ids.COMPLETION_NOTE)
        measure, action = quality_service.finish_measure(services.db, services.clock, office, action.id, note,
                                                         actor_id=user)
    except (FieldErrors, DomainError) as exc:
        ack(response_action="errors", errors=form_errors(exc, office, ids.COMPLETION_NOTE))
        return
    ack()
    mark_dm_done(client, office, meta, measure_dm_blocks(office, measure, action))


def register(app: App) -> None:
    app.command(ids.QUALITY_COMMAND, middleware=[parse(SlashCommand, for_leaders=True)])(on_kvalitet)
    app.action(ids.QUALITY_OPEN_REVIEW, middleware=[parse(BlockAction, about=by_value(Subject.ROUND))])(
        open_review_from_invite)
    app.view(ids.QUALITY_REVIEW, middleware=[parse(ViewSubmission, errors_on=REVIEW_GENERAL)])(submit_review)
    app.view(ids.QUALITY_CLOSE, middleware=[parse(ViewSubmission, errors_on=f"{VERDICT}.{Area.MAPPING.value}")])(
        submit_close)
    app.view(ids.QUALITY_GOOD_PRACTICE, middleware=[parse(ViewSubmission, errors_on=ids.GOOD_PRACTICE_CHOSEN)])(
        submit_good_practice)
    app.view(ids.QUALITY_MEASURE,
             middleware=[parse(ViewSubmission, errors_on=ids.MeasureField.DESCRIPTION)])(submit_measure)
