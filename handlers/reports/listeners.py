"""`/avvik rapport [periode]`: the period report for leaders, as a direct message with its chart.

The report covers the deviations of the period and, at its end, the quality rounds of
Kvalitetssystemet (seed 002) and the measures they led to.

Where it goes, and why a DM: the leaders' version names the owners of overdue actions, so it
must not land in whatever channel the command was typed in; an ephemeral reply through the
command's `response_url` cannot carry a file and is gone on reload, while a leader wants to
keep the report and forward it to the leader group. So the command is acked at once with a
«working on it» line (ephemeral), and the report is posted with chat.postMessage to the
leader's DM with the app (the Messages tab), the charts (cases per month and open cases; risk and
cause) uploaded into the same DM with files_upload_v2. It is the direct answer to a request, not
something the bot sends on its own, so it does not go through the ledger; a failure is logged and
the leader can ask again.

The county report (issue 24) goes the same way to a county's leaders: `/avvik rapport fylke [periode]`,
or `/avvik rapport [periode]` from someone who leads a county and not the office. A person who leads
both gets the office's report unless they say `fylke`. It has no chart and no names, only figures.

A refusal is audited under the office found for the person (bot/workspace.py); in a workspace of several
offices where nothing placed them in one, the office is a guess, and the refusal is only logged.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import SectionBlock

from bot.deviations.audit import record_refusal
from bot.errors import InvalidPeriod, NotALeader, StorageUnavailable
from bot.i18n import t
from bot.office import County, Office
from bot.reports.figures import Audience, Report
from bot.reports.periods import parse_period
from bot.reports.service import Chart, learning_chart, load_county_report, load_report, report_chart
from bot.reports.wording import period_name, span
from bot.services import Services
from bot.workspace import Found, Which
from handlers.blocks import mrkdwn
from handlers.common import today
from handlers.payloads import SlashCommand
from handlers.reports.blocks import county_report_blocks, report_blocks

log = logging.getLogger(__name__)


COUNTY_WORDS = frozenset({"fylke", "county"})


def audited_under(office: Office, which: Which | None) -> Office | None:
    """The office a refusal is audited under: the one found for the person, never the workspace's first
    office taken as a guess (None: no office was found for them)."""
    return None if which is not None and which.found is Found.GUESS else office


def run(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient, *,
        which: Which | None = None) -> None:
    """Leaders only (checked here, on the server); the period is read before the ack so a typo is
    answered at once, and the report is computed and posted after it. `which`: how `office` was found."""
    loc = office.locale
    words = command.words[1:]
    county_asked = bool(words) and words[0].lower() in COUNTY_WORDS
    if county_asked or not services.leaders.is_leader(office, command.user_id):
        counties = services.leaders.counties_led(services.offices.counties_in_team(office.team_id), command.user_id)
        if counties or county_asked:
            run_county(services, office, command, counties, words[1:] if county_asked else words, ack, client,
                       which=which)
            return
    try:
        services.leaders.require(office, command.user_id)
    except NotALeader as refused:
        ack(text=t(refused.key, loc))
        record_refusal(services.db, services.clock, audited_under(office, which), deviation_id=None,
                       actor_id=command.user_id, attempted="rapport")
        return
    try:
        period = parse_period(" ".join(words), today(services, office))
    except InvalidPeriod as error:
        ack(text=t(error.key, loc, **error.params))
        return
    ack(text=t("report.working", loc, period=period_name(period, loc), span=span(period, loc)))
    try:
        report = load_report(services.db, office, period, services.clock.now(), Audience.LEADERS)
    except StorageUnavailable:
        _tell(client, command.user_id, t("report.error.unavailable", loc))
        return
    post_report(client, office, command.user_id, report)


def run_county(services: Services, office: Office, command: SlashCommand, counties: tuple[County, ...],
               words: list[str], ack: Ack, client: WebClient, *, which: Which | None = None) -> None:
    """The county report of each county the person leads, each in a DM; anyone else is refused."""
    loc = office.locale
    if not counties:
        ack(text=t("report.county.refused", loc))
        record_refusal(services.db, services.clock, audited_under(office, which), deviation_id=None,
                       actor_id=command.user_id, attempted="fylkesrapport")
        return
    try:
        period = parse_period(" ".join(words), today(services, office))
    except InvalidPeriod as error:
        ack(text=t(error.key, loc, **error.params))
        return
    ack(text="\n".join(t("report.county.working", loc, county=c.name, period=period_name(period, loc),
                         span=span(period, loc)) for c in counties))
    for county in counties:
        offices = [services.offices.by_id(office_id) for office_id in county.offices]
        try:
            report = load_county_report(services.db, county, offices, period, services.clock.now())
        except StorageUnavailable:
            _tell(client, command.user_id, t("report.error.unavailable", loc))
            continue  # the next county's report may still be read
        blocks = [b.to_dict() for b in county_report_blocks(report, loc)]
        text = t("report.county.fallback", loc, period=period_name(period, loc), county=county.name,
                 registered=report.total.registered)
        try:
            client.chat_postMessage(channel=command.user_id, text=text, blocks=blocks)
        except (SlackApiError, SlackClientError) as exc:
            code = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("county report %s: not delivered (%s)", period.label, code)


def post_report(client: WebClient, office: Office, user_id: str, report: Report) -> None:
    """The report in the leader's DM, and its charts right below it (one upload, so they arrive together)."""
    blocks = [b.to_dict() for b in report_blocks(report, office)]
    text = t("report.fallback", office.locale, period=period_name(report.period, office.locale),
             registered=report.current.registered)
    try:
        posted = client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
        upload_charts(client, posted["channel"], [report_chart(report, office), learning_chart(report, office)])
    except (SlackApiError, SlackClientError) as exc:
        code = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("report %s: not delivered (%s)", report.period.label, code)


def upload_charts(client: WebClient, channel_id: str, charts: list[Chart]) -> None:
    """Upload charts into a conversation in one share, so they arrive together."""
    client.files_upload_v2(channel=channel_id, file_uploads=[
        {"file": c.png, "filename": c.filename, "title": c.title, "alt_txt": c.alt_text} for c in charts])


def _tell(client: WebClient, user_id: str, text: str) -> None:
    try:
        client.chat_postMessage(channel=user_id, text=text, blocks=[SectionBlock(text=mrkdwn(text)).to_dict()])
    except (SlackApiError, SlackClientError):
        log.warning("report: could not tell the leader the report failed")
