"""Ledger senders for Kvalitetssystemet: a round opened, invitations and progress for reviewers,
the overall assessment, and measures to their owners.

Each renders what `bot.quality.outbox` loads at send time, so a retried message is never stale.
"""

from __future__ import annotations

from functools import partial

from slack_sdk.models.blocks import SectionBlock

from bot.i18n import format_date, t
from bot.messenger import Delivery, MessageKind, Messenger
from bot.quality import outbox
from bot.quality.service import Assessment
from handlers.blocks import escape, mrkdwn
from handlers.quality.blocks import (
    assessment_blocks,
    good_practice_blocks,
    invite_blocks,
    measure_dm_blocks,
    round_name,
)
from store.models import QualityRound


def _post(delivery: Delivery, text: str, blocks: list) -> None:
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                     blocks=[b.to_dict() for b in blocks])


def send_opened(delivery: Delivery, rnd: QualityRound) -> None:
    office = delivery.office
    loc = office.locale
    text = t("quality.opened", loc, round=round_name(rnd, loc), group=t(f"quality.group.{rnd.target_group}", loc),
             opens=format_date(rnd.opens_on, loc), closes=format_date(rnd.closes_on, loc), reviewers=len(rnd.reviewers),
             target=rnd.target_per_reviewer)
    _post(delivery, text, [SectionBlock(text=mrkdwn(text))])


def send_invite(delivery: Delivery, rnd: QualityRound) -> None:
    office = delivery.office
    _post(delivery, round_name(rnd, office.locale), invite_blocks(office, rnd))


def send_progress(delivery: Delivery, progress: outbox.ReviewerProgress) -> None:
    rnd, done, office = progress.round, progress.done, delivery.office
    loc = office.locale
    if rnd.state != "apen" or done >= rnd.target_per_reviewer:
        return  # caught up or closed since the reminder was entered: nothing to say
    text = t("quality.progress", loc, round=round_name(rnd, loc), closes=format_date(rnd.closes_on, loc), done=done,
             target=rnd.target_per_reviewer)
    _post(delivery, text, [SectionBlock(text=mrkdwn(text)), *invite_blocks(office, rnd)[1:]])


def _send_assessment(delivery: Delivery, result: Assessment, *, short: bool) -> None:
    rnd, office = result.round, delivery.office
    if not result.reviews:
        # Nothing to assess: the office hears nothing, the leaders that the round ended empty.
        if not short:
            text = t("quality.closed_empty_note", office.locale, round=round_name(rnd, office.locale))
            _post(delivery, text, [SectionBlock(text=mrkdwn(text))])
        return
    _post(delivery, t("quality.assessment.fallback", office.locale, round=round_name(rnd, office.locale)),
          assessment_blocks(office, result, short=short))


def send_measure(delivery: Delivery, measure: outbox.Measure) -> None:
    """The owner's DM: the measure, office or county, and the same «Utført» as a case's action."""
    loc = delivery.office.locale
    action, parent = measure.action, measure.parent
    text = t("quality.measure.assigned", loc, round=parent.reference, area=parent.title,
             scope=t(f"quality.scope.{action.scope}", loc), description=escape(action.description),
             due=format_date(action.due_on, loc))
    _post(delivery, text, [SectionBlock(text=mrkdwn(text)), *measure_dm_blocks(delivery.office, parent, action)[2:]])


def send_measure_overdue(delivery: Delivery, measure: outbox.Measure) -> None:
    """A measure past its due date: its owner is reminded (once a week), with «Utført»."""
    loc = delivery.office.locale
    action, parent = measure.action, measure.parent
    if action.state != "apen":
        return  # done or dropped since the reminder was entered: nothing to say
    text = t("quality.measure.overdue", loc, round=parent.reference, description=escape(action.description),
             due=format_date(action.due_on, loc))
    _post(delivery, text, [SectionBlock(text=mrkdwn(text)), *measure_dm_blocks(delivery.office, parent, action)[2:]])


def send_measure_overdue_leaders(delivery: Delivery, measure: outbox.Measure) -> None:
    """A measure past its due date, told once to the leader channel (as a case's overdue action is told
    to its responsible leader), with who owns it; a county measure to each county leader, naming the office."""
    office = delivery.office
    loc = office.locale
    action, parent = measure.action, measure.parent
    if action.state != "apen":
        return  # done or dropped since the reminder was entered: nothing to say
    key = "quality.measure.overdue_leaders" if delivery.entry.recipient == office.leader_channel else \
        "quality.measure.overdue_county"
    text = t(key, loc, round=parent.reference, area=parent.title, office=escape(office.name),
             description=escape(action.description), due=format_date(action.due_on, loc), owner=action.owner_id)
    _post(delivery, text, [SectionBlock(text=mrkdwn(text))])


def send_measure_county(delivery: Delivery, measure: outbox.Measure) -> None:
    """Issue 24: a new measure «i fylkets regi» told to each of the county's leaders, who follow it up."""
    office = delivery.office
    loc = office.locale
    action, parent = measure.action, measure.parent
    text = t("quality.measure.county", loc, round=parent.reference, area=parent.title, office=escape(office.name),
             description=escape(action.description), due=format_date(action.due_on, loc), owner=action.owner_id)
    _post(delivery, text, [SectionBlock(text=mrkdwn(text))])


def send_good_practices(delivery: Delivery, shared: outbox.SharedPractices) -> None:
    """«Gode grep» to the office channel: areas and words, no reviewer, no case."""
    office = delivery.office
    _post(delivery, t("quality.good.header", office.locale, round=round_name(shared.round, office.locale)),
          good_practice_blocks(office, shared))


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.QUALITY_OPENED, send_opened, outbox.quality_round)
    messenger.register(MessageKind.QUALITY_INVITE, send_invite, outbox.quality_round)
    messenger.register(MessageKind.QUALITY_PROGRESS, send_progress, outbox.progress)
    messenger.register(MessageKind.QUALITY_ASSESSMENT, partial(_send_assessment, short=False), outbox.assessment)
    messenger.register(MessageKind.QUALITY_ASSESSMENT_SHORT, partial(_send_assessment, short=True),
                       outbox.assessment)
    messenger.register(MessageKind.MEASURE_ASSIGNED, send_measure, outbox.measure)
    messenger.register(MessageKind.MEASURE_OVERDUE, send_measure_overdue, outbox.measure)
    messenger.register(MessageKind.MEASURE_OVERDUE_LEADERS, send_measure_overdue_leaders, outbox.measure)
    messenger.register(MessageKind.MEASURE_COUNTY, send_measure_county, outbox.measure)
    messenger.register(MessageKind.QUALITY_GOOD_PRACTICE, send_good_practices, outbox.good_practices)
