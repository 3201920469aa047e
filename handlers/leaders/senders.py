"""Ledger senders for the leaders' side: the card's thread, owners' DMs, «klar for lukking» to the
responsible leader, and a major deviation's feedback to the office channel.

Each renders the rows as `bot/` loads them at send time, so a retried message is never stale.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from slack_sdk import WebClient
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, SectionBlock

from bot.deviations import outbox as deviations
from bot.deviations.rules import ActionState, Command, State, closure_offered
from bot.effect.service import ANSWERED as EFFECT_ANSWERED
from bot.i18n import Locale, format_date, format_datetime, has, t, t_count
from bot.leaders import outbox
from bot.leaders.service import ACTION_ADDED, ACTION_CHANGED, ACTION_DONE, ACTION_DROPPED, RISK_CHANGED
from bot.messenger import Delivery, MessageKind, Messenger
from bot.office import Office
from bot.operations.service import Refusal, leader_channel_refusal
from bot.reminders.service import SNOOZED
from bot.reports.wording import one_line
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.common import display_name, who
from handlers.deviations.blocks import causes_text, risk_words
from handlers.leaders.blocks import action_dm_blocks, delivery_reason
from store.models import Action, Deviation, Event


def _action(deviation: Deviation, event: Event) -> Action | None:
    return next((a for a in deviation.actions if a.id == event.action_id), None)


def step_text(event: Event, deviation: Deviation, office: Office, client: WebClient) -> str:
    """One step of the case, for its thread: when, who (never an anonymous reporter: the audit log
    has no id for them), and what. Only someone who must act now is mentioned (pinged); whoever did
    the step, and anyone else, is named without a ping."""
    loc: Locale = office.locale
    action = _action(deviation, event)

    def person(user_id: str | None) -> str:  # someone this step gives work to, unless they did it themselves
        return who(client, user_id, must_act=bool(user_id) and user_id != event.actor_id)

    if event.kind == Command.ASSESS_WITH_ACTIONS:
        what = t_count("thread.assessed_with", loc, event.detail.get("actions", len(deviation.actions)),
                       leader=person(deviation.responsible_leader))
    elif event.kind == Command.ASSESS_WITHOUT_ACTIONS:
        what = t("thread.assessed_without", loc, reasons=_quote(deviation.assessment_note))
    elif event.kind == ACTION_DONE and action is not None:
        what = t("thread.action_done", loc, description=_quote(action.description),
                 note=_quote(action.completion_note))
    elif event.kind == ACTION_DROPPED and action is not None:
        what = t("thread.action_dropped", loc, description=_quote(action.description),
                 reason=_quote(action.drop_reason))
    elif event.kind == ACTION_ADDED and action is not None:
        what = t("thread.action_added", loc, description=_quote(action.description), owner=person(action.owner_id),
                 due=format_date(action.due_on, loc))
    elif event.kind == ACTION_CHANGED and action is not None:
        what = t("thread.action_changed", loc, description=_quote(action.description),
                 changes=_changes(event.detail, loc, person, lambda user: who(client, user, must_act=False)))
    elif event.kind == SNOOZED:
        target = _quote(action.description) if action is not None else deviation.reference
        what = t("thread.snoozed", loc, target=target, date=_iso_date(event.detail.get("until"), loc),
                 reason=_quote(action.snooze_reason if action is not None else deviation.snooze_reason))
    elif event.kind == Command.CONFIRM_EXTERNAL:
        what = t("thread.external_reference", loc, reference=escape(deviation.external_reference or "–")[:100],
                 system=escape(office.destination(deviation.destination).name))
    elif event.kind == Command.FOLLOWED_UP_ELSEWHERE:
        what = t("thread.followed_up", loc, reference=escape(deviation.external_reference or "–")[:100],
                 system=escape(office.destination(deviation.destination).name))
    elif event.kind == Command.ACTIONS_FINISHED:
        what = t("thread.actions_finished", loc)
    elif event.kind == Command.BACK_TO_ASSESSMENT:
        what = t("thread.back_to_assessment", loc)
    elif event.kind == Command.CLOSE:
        what = t("thread.closed", loc)
        if event.detail.get("decision") and deviation.decision_date:
            what += " " + t("thread.decision", loc, date=format_date(deviation.decision_date, loc),
                            reference=escape(deviation.decision_reference or ""))
    elif event.kind == Command.REOPEN:
        what = t("thread.reopened", loc, reason=_quote(str(event.detail.get("reason") or "")))
    elif event.kind == EFFECT_ANSWERED and has(f"effect.answer.{event.detail.get('answer')}"):
        what = t("effect.thread", loc, answer=t(f"effect.answer.{event.detail.get('answer')}", loc))
    elif event.kind == RISK_CHANGED:
        what = _risk_changed(event.detail, office)
    else:
        what = t("thread.moved", loc, before=_state(event.from_state, loc), after=_state(event.to_state, loc))
    changed = event.detail.get("severity") if isinstance(event.detail, dict) else None
    if isinstance(changed, dict):
        what += " " + t("thread.severity", loc, before=_severity(changed.get("from"), loc),
                        after=_severity(changed.get("to"), loc))
    risk = event.detail.get("risk") if isinstance(event.detail, dict) else None
    if isinstance(risk, dict):  # issue 22: the risk and cause set at assessment
        what += " " + t("thread.risk", loc, risk=_risk(risk.get("likelihood"), risk.get("consequence"), office))
        what += " " + t("risk.causes_line", loc, causes=causes_text(_ids(event.detail.get("cause_types")), office))
    actor = f"{display_name(client, event.actor_id)} · " if event.actor_id else ""
    return t("thread.line", loc, when=format_datetime(event.at, office.locale, office.tz), who=actor, what=what)


def _changes(detail: dict, loc: Locale, person: Callable[[str | None], str], name: Callable[[str], str]) -> str:
    """What an «Endre tiltak» changed: the responsible person (the new one pinged), the due date, or both."""
    parts = []
    owner = detail.get("owner")
    if isinstance(owner, dict):
        before = owner.get("from")
        parts.append(t("thread.change.owner", loc, before=name(before) if isinstance(before, str) else "–",
                       after=person(owner.get("to"))))
    due = detail.get("due_on")
    if isinstance(due, dict):
        parts.append(t("thread.change.due", loc, before=_iso_date(due.get("from"), loc),
                       after=_iso_date(due.get("to"), loc)))
    return " ".join(parts) or "–"


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ids(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _risk(likelihood: object, consequence: object, office: Office) -> str:
    return risk_words(_number(likelihood), _number(consequence), office)


def _risk_changed(detail: dict, office: Office) -> str:
    """«Endre risiko» (issue 22): the risk before and after, and the cause types before and after."""
    loc, parts = office.locale, []
    likelihood, consequence = detail.get("likelihood"), detail.get("consequence")
    if isinstance(likelihood, dict) and isinstance(consequence, dict):
        before = _risk(likelihood.get("from"), consequence.get("from"), office)
        parts.append(t("thread.risk_changed", loc, before=before,
                       after=_risk(likelihood.get("to"), consequence.get("to"), office)))
    causes = detail.get("cause_types")
    if isinstance(causes, dict):
        parts.append(t("thread.causes_changed", loc, before=causes_text(_ids(causes.get("from")), office),
                       after=causes_text(_ids(causes.get("to")), office)))
    return " ".join(parts) or "–"


def _iso_date(value: object, loc: Locale) -> str:
    try:
        return format_date(date.fromisoformat(str(value)), loc)
    except ValueError:
        return "–"


def _quote(text: str | None, limit: int = 600) -> str:
    return escape(text or "–")[:limit]


def _severity(value: object, loc: Locale) -> str:
    return t(f"severity.{value}", loc) if isinstance(value, str) and has(f"severity.{value}") else "–"


def _state(value: str | None, loc: Locale) -> str:
    return t(f"state.{value}", loc) if value and has(f"state.{value}") else "–"


def send_card_thread(delivery: Delivery, step: outbox.Step) -> None:
    """A line in the case card's thread for one event (DESIGN.md: «threaded history»)."""
    deviation, office = step.deviation, delivery.office
    if not (deviation.card_channel and deviation.card_ts):
        raise LookupError("the card is not posted yet")  # retried after the card's own entry is sent
    text = step_text(step.event, deviation, office, delivery.client)
    delivery.client.chat_postMessage(channel=deviation.card_channel, thread_ts=deviation.card_ts, text=text,
                                     blocks=[SectionBlock(text=mrkdwn(text[:3000])).to_dict()])


def send_action_assigned(delivery: Delivery, action: Action) -> None:
    """The owner's DM: their action, its due date, and «Utført»."""
    deviation, office = action.deviation, delivery.office
    blocks = [b.to_dict() for b in action_dm_blocks(office, deviation, action)]
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, blocks=blocks,
                                     text=t("action.assigned", office.locale, reference=deviation.reference))


def send_action_dropped(delivery: Delivery, action: Action) -> None:
    """The owner's DM when a leader drops their action: which one, why, and that nothing more is
    needed from them (their first DM still shows «Utført»)."""
    loc = delivery.office.locale
    text = t("action.dropped_dm", loc, reference=action.deviation.reference,
             description=escape(one_line(action.description)), reason=_quote(action.drop_reason))
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                     blocks=[SectionBlock(text=mrkdwn(text)).to_dict()])


def send_action_reassigned(delivery: Delivery, action: Action) -> None:
    """The former responsible person's DM when a leader gives their action to someone else."""
    loc = delivery.office.locale
    text = t("action.reassigned_dm", loc, reference=action.deviation.reference,
             description=escape(one_line(action.description)),
             owner=who(delivery.client, action.owner_id, must_act=False))
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                     blocks=[SectionBlock(text=mrkdwn(text)).to_dict()])


def send_ready_to_close(delivery: Delivery, deviation: Deviation) -> None:
    """Tell the responsible leader that the case may be closed now, with «Lukk» if it still may."""
    office = delivery.office
    loc = office.locale
    text = t("ready.text", loc, reference=deviation.reference, title=escape(deviation.title)[:200])
    blocks: list = [SectionBlock(text=mrkdwn(text))]
    if closure_offered(State(deviation.state), [ActionState(a.state) for a in deviation.actions]):
        blocks.append(ActionsBlock(block_id=f"ready:{deviation.id}", elements=[
            ButtonElement(text=plain("card.close", loc), action_id=ids.CLOSE, value=str(deviation.id),
                          style="primary")]))
    else:
        blocks.append(ContextBlock(elements=[mrkdwn(t("ready.now", loc, state=_state(deviation.state, loc)))]))
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                     blocks=[b.to_dict() for b in blocks])


def send_office_feedback(delivery: Delivery, deviation: Deviation) -> None:
    """A major deviation's closure feedback to the whole office at once: what was done, what we
    learnt, the leader group's decision. Never who reported it, who acted or who decided."""
    office = delivery.office
    loc = office.locale
    parts = [t("feedback.header", loc, reference=deviation.reference,
               category=t(f"category.{deviation.category}", loc)),
             escape(deviation.closure_feedback or "")[:2000]]
    if deviation.lesson:
        parts.append(t("feedback.lesson", loc, lesson=escape(deviation.lesson)[:800]))
    if deviation.decision_date:
        parts.append(t("feedback.decision", loc, date=format_date(deviation.decision_date, loc)))
    text = "\n\n".join(parts)
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text[:3000],
                                     blocks=[SectionBlock(text=mrkdwn(text[:3000])).to_dict()])


def send_delivery_problem(delivery: Delivery, refusal: Refusal) -> None:
    """A leader hears by DM that the leader channel refuses the bot: App Home is not where they look."""
    loc = delivery.office.locale
    text = t("delivery.leader_channel_dm", loc, channel=delivery.office.leader_channel, count=refusal.count,
             reason=delivery_reason(Refusal(refusal.error, refusal.count, refusal.last_at, None), loc))
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                     blocks=[SectionBlock(text=mrkdwn(text)).to_dict()])


def send_reporter_closed(delivery: Delivery, deviation: Deviation) -> None:
    """The reporter's DM when their case closes: the reference, and the same feedback (and lesson)
    the office gets. Never who acted or decided."""
    loc = delivery.office.locale
    parts = [t("reporter.closed", loc, reference=deviation.reference, title=escape(deviation.title)[:200]),
             escape(deviation.closure_feedback or "")[:2000]]
    if deviation.lesson:
        parts.append(t("feedback.lesson", loc, lesson=escape(deviation.lesson)[:800]))
    parts.append(t("reporter.thanks", loc, reference=deviation.reference))
    text = "\n\n".join(parts)
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text[:3000],
                                     blocks=[SectionBlock(text=mrkdwn(text[:3000])).to_dict()])


def send_reporter_reopened(delivery: Delivery, deviation: Deviation) -> None:
    """The reporter's DM when their closed case is reopened: the leaders assess it again."""
    text = t("reporter.reopened", delivery.office.locale, reference=deviation.reference,
             title=escape(deviation.title)[:200])
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, text=text,
                                     blocks=[SectionBlock(text=mrkdwn(text)).to_dict()])


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.CARD_THREAD, send_card_thread, outbox.step)
    messenger.register(MessageKind.ACTION_ASSIGNED, send_action_assigned, outbox.action)
    messenger.register(MessageKind.ACTION_DROPPED, send_action_dropped, outbox.action)
    messenger.register(MessageKind.ACTION_REASSIGNED, send_action_reassigned, outbox.action)
    messenger.register(MessageKind.READY_TO_CLOSE, send_ready_to_close, deviations.deviation)
    messenger.register(MessageKind.OFFICE_FEEDBACK, send_office_feedback, deviations.deviation)
    messenger.register(MessageKind.DELIVERY_PROBLEM, send_delivery_problem, leader_channel_refusal)
    messenger.register(MessageKind.REPORTER_CLOSED, send_reporter_closed, deviations.deviation)
    messenger.register(MessageKind.REPORTER_REOPENED, send_reporter_reopened, deviations.deviation)
