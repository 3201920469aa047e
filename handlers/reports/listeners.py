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
from bot.office import Office
from bot.reports.figures import Audience, Report
from bot.reports.periods import parse_period
from bot.reports.service import Chart, learning_chart, load_report, report_chart
from bot.reports.wording import period_name, span
from bot.services import Services
from handlers.blocks import mrkdwn
from handlers.common import today
from handlers.payloads import SlashCommand
from handlers.reports.blocks import report_blocks

log = logging.getLogger(__name__)


def run(services: Services, office: Office, command: SlashCommand, ack: Ack, client: WebClient) -> None:
    """Leaders only (checked here, on the server); the period is read before the ack so a typo is
    answered at once, and the report is computed and posted after it."""
    loc = office.locale
    try:
        services.leaders.require(office, command.user_id)
    except NotALeader as refused:
        ack(text=t(refused.key, loc))
        record_refusal(services.db, services.clock, office, deviation_id=None, actor_id=command.user_id,
                       attempted="rapport")
        return
    try:
        period = parse_period(" ".join(command.words[1:]), today(services, office))
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
