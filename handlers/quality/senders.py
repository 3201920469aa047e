"""Ledger senders for Kvalitetssystemet: a round opened, invitations and progress for reviewers,
the overall assessment, and measures to their owners."""

from __future__ import annotations

import logging

from slack_sdk.models.blocks import SectionBlock

from bot.i18n import t
from bot.leaders.service import MeasureParent
from bot.messenger import Delivery, MessageKind, Messenger
from bot.quality import service as rounds
from bot.quality.service import measure_parent
from handlers.blocks import escape, mrkdwn
from handlers.leaders.blocks import action_dm_blocks
from handlers.quality.blocks import (
    assessment_blocks,
    invite_blocks,
    round_name,
)
from store import quality as store
from store.models import Action, QualityRound

log = logging.getLogger(__name__)


def _round(delivery: Delivery) -> QualityRound:
    kind, _, ident = delivery.entry.target.partition(":")
    rnd = store.by_id(delivery.session, int(ident)) if kind == "round" and ident.isdigit() else None
    if rnd is None:
        raise LookupError(delivery.entry.target)
    return rnd


def _post(delivery: Delivery, text: str, blocks: list) -> None:
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                     blocks=[b.to_dict() for b in blocks])


def send_opened(delivery: Delivery) -> None:
    rnd, office = _round(delivery), delivery.office
    loc = office.locale
    text = t("quality.opened", loc, round=round_name(rnd, loc), group=t(f"quality.group.{rnd.target_group}", loc),
             opens=rnd.opens_on.isoformat(), closes=rnd.closes_on.isoformat(), reviewers=len(rnd.reviewers),
             target=rnd.target_per_reviewer)
    _post(delivery, text, [SectionBlock(text=mrkdwn(text))])


def send_invite(delivery: Delivery) -> None:
    rnd, office = _round(delivery), delivery.office
    _post(delivery, round_name(rnd, office.locale), invite_blocks(office, rnd))


def send_progress(delivery: Delivery) -> None:
    rnd, office = _round(delivery), delivery.office
    loc = office.locale
    done = store.reviews_per_reviewer(delivery.session, rnd.id).get(delivery.entry.recipient, 0)
    if rnd.state != "apen" or done >= rnd.target_per_reviewer:
        return  # caught up or closed since the reminder was entered: nothing to say
    text = t("quality.progress", loc, round=round_name(rnd, loc), closes=rnd.closes_on.isoformat(), done=done,
             target=rnd.target_per_reviewer)
    _post(delivery, text, [SectionBlock(text=mrkdwn(text)), *invite_blocks(office, rnd)[1:]])


def _send_assessment(delivery: Delivery, *, short: bool) -> None:
    rnd, office = _round(delivery), delivery.office
    result = rounds.assessment(delivery.session, rnd.id)
    _post(delivery, t("quality.assessment.fallback", office.locale, round=round_name(rnd, office.locale)),
          assessment_blocks(office, result, short=short))


def _measure(delivery: Delivery) -> tuple[Action, MeasureParent]:
    action = delivery.session.get(Action, int(delivery.entry.target.partition(":")[2]))
    parent = measure_parent(delivery.session, delivery.office, action) if action is not None else None
    if action is None or parent is None:
        raise LookupError(delivery.entry.target)
    return action, MeasureParent(*parent)


def send_measure(delivery: Delivery) -> None:
    """The owner's DM: the measure, office or county, and the same «Utført» as a case's action."""
    loc = delivery.office.locale
    action, parent = _measure(delivery)
    text = t("quality.measure.assigned", loc, round=parent.reference, area=parent.title,
             scope=t(f"quality.scope.{action.scope}", loc), description=escape(action.description),
             due=action.due_on.isoformat())
    _post(delivery, text, [SectionBlock(text=mrkdwn(text)), *action_dm_blocks(delivery.office, parent, action)[2:]])


def send_measure_overdue(delivery: Delivery) -> None:
    """A measure past its due date: its owner is reminded (once a week), with «Utført»."""
    loc = delivery.office.locale
    action, parent = _measure(delivery)
    if action.state != "apen":
        return  # done or dropped since the reminder was entered: nothing to say
    text = t("quality.measure.overdue", loc, round=parent.reference, description=escape(action.description),
             due=action.due_on.isoformat())
    _post(delivery, text, [SectionBlock(text=mrkdwn(text)), *action_dm_blocks(delivery.office, parent, action)[2:]])


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.QUALITY_OPENED, send_opened)
    messenger.register(MessageKind.QUALITY_INVITE, send_invite)
    messenger.register(MessageKind.QUALITY_PROGRESS, send_progress)
    messenger.register(MessageKind.QUALITY_ASSESSMENT, lambda d: _send_assessment(d, short=False))
    messenger.register(MessageKind.QUALITY_ASSESSMENT_SHORT, lambda d: _send_assessment(d, short=True))
    messenger.register(MessageKind.MEASURE_ASSIGNED, send_measure)
    messenger.register(MessageKind.MEASURE_OVERDUE, send_measure_overdue)
