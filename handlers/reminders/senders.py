"""Senders for the scheduler's messages: reminders by DM, escalations and the weekly summary in the
leader channel, and the feedback digest in the office channel.

Each renders the cases as `bot.reminders.outbox` loads them when it is sent, so a retried message
is never stale: a reminder about a case assessed in the meantime is left out, and a message with
nothing left in it is not sent at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, DividerBlock, HeaderBlock, SectionBlock

from bot.deviations.rules import State
from bot.i18n import Locale, format_date, format_week, t, t_count
from bot.leaders.links import card_links
from bot.messenger import Delivery, MessageKind, Messenger
from bot.office import Office
from bot.reminders import outbox
from bot.reminders.rules import LEADER_RULES, SNOOZABLE, Rule, iso_week
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.breach import blocks as breach_blocks
from handlers.deviations.blocks import card_buttons, risk_short
from store.models import Action, Deviation, NudgeEntry

MAX_CASES = 20  # per reminder message: 2 blocks each stays well inside Block Kit's 50
MAX_LINES = 10  # per list in the weekly summary
MAX_DIGEST_ITEMS = 40
TEXT_MAX = 2900


def _title(deviation: Deviation, loc: Locale) -> str:
    # A case kept with minimal text (ASYS) has its category as its title.
    if deviation.title == deviation.category:
        return t(f"category.{deviation.category}", loc)
    return escape(deviation.title)


def _clip(text: str) -> str:
    return text if len(text) <= TEXT_MAX else text[:TEXT_MAX - 1] + "…"


# --- reminders ----------------------------------------------------------------------------------

def nudge_line(entry: NudgeEntry, deviation: Deviation, action: Action | None, office: Office) -> str:
    loc, rule = office.locale, Rule(entry.rule)
    if rule in (Rule.OVERDUE_OWNER, Rule.OVERDUE_LEADER) and action is not None:
        return t(f"nudge.{rule.value}", loc, action=escape(action.description[:200]), owner=action.owner_id,
                 due=format_date(action.due_on, loc), days=entry.workdays)
    if rule is Rule.EXTERNAL_REFERENCE:
        info = office.destination(deviation.destination)
        return t("nudge.external_reference", loc, system=info.name, instructions=info.instructions,
                 days=entry.workdays)
    return t(f"nudge.{rule.value}", loc, days=entry.workdays)


def nudge_blocks(items: Sequence[tuple[NudgeEntry, Deviation, Action | None]], office: Office,
                 links: Mapping[int, str] | None = None) -> list:
    """One message gathering a person's reminders, one section per case; on a leader's reminder,
    the case linked to its card (`links`) and the case's buttons (the same as on its card), so they
    can act from the message."""
    links = links or {}
    loc = office.locale
    deviations: dict[int, tuple[Deviation, list[str], bool]] = {}
    snoozable: dict[int, int] = {}  # per case, the first reminder «Utsett» may quiet
    for entry, deviation, action in items:
        _, lines, leader = deviations.setdefault(deviation.id, (deviation, [], False))
        lines.append(nudge_line(entry, deviation, action, office))
        deviations[deviation.id] = (deviation, lines, leader or Rule(entry.rule) in LEADER_RULES)
        if Rule(entry.rule) in SNOOZABLE:
            snoozable.setdefault(deviation.id, entry.id)
    blocks: list = [HeaderBlock(text=plain("nudge.header", loc)),
                    ContextBlock(elements=[mrkdwn(t("nudge.intro", loc))])]
    for deviation, lines, leader in list(deviations.values())[:MAX_CASES]:
        reference = f"<{links[deviation.id]}|{deviation.reference}>" if leader and deviation.id in links \
            else deviation.reference
        head = t("nudge.case", loc, risk=risk_short(deviation, office), reference=reference,
                 title=_title(deviation, loc))
        blocks.append(SectionBlock(text=mrkdwn(_clip("\n".join([head, *lines])))))
        buttons = card_buttons(deviation, office) if leader else []
        if deviation.id in snoozable:
            buttons.append(ButtonElement(text=plain("snooze.button", loc), action_id=ids.SNOOZE,
                                         value=str(snoozable[deviation.id])))
        if buttons:
            blocks.append(ActionsBlock(block_id=f"card:{deviation.id}", elements=buttons))
    if len(deviations) > MAX_CASES:
        blocks.append(ContextBlock(elements=[mrkdwn(t_count("nudge.more", loc, len(deviations) - MAX_CASES))]))
    return blocks


def send_nudges(delivery: Delivery, items: list[tuple[NudgeEntry, Deviation, Action | None]]) -> None:
    """A person's reminders of one run, in one direct message."""
    if not items:
        return  # everything was dealt with before the message went out
    office = delivery.office
    links = card_links(delivery.client, office, [deviation for _, deviation, _ in items], wait=5.0)
    delivery.client.chat_postMessage(channel=delivery.entry.recipient,
                                     blocks=[b.to_dict() for b in nudge_blocks(items, office, links)],
                                     text=t_count("nudge.fallback", office.locale, len(items)))


# --- escalation ---------------------------------------------------------------------------------

ESCALATIONS_SHOWN = 15  # cases with their buttons in one post (Slack allows 50 blocks); the rest in one line


def send_escalation(delivery: Delivery, escalated: list[outbox.Escalated]) -> None:
    """K reminders without progress: one post in the leader channel per run, listing every case escalated
    by risk then age (bot.reminders.outbox.escalation), each with its risk's colour and score and its
    buttons."""
    office, loc = delivery.office, delivery.office.locale
    cases = [e for e in escalated if e.deviation.state != State.CLOSED]
    if not cases:
        return
    blocks: list = []
    if len(cases) > 1:
        blocks.append(SectionBlock(text=mrkdwn(t("escalation.header", loc, count=len(cases)))))
    for item in cases[:ESCALATIONS_SHOWN]:
        deviation = item.deviation
        count = item.level * office.cadence.escalate_after_nudges
        leader = f"<@{deviation.responsible_leader}>" if deviation.responsible_leader else t("escalation.nobody", loc)
        blocks += [
            SectionBlock(text=mrkdwn(t("escalation.text", loc, risk=risk_short(deviation, office),
                                       reference=deviation.reference, title=_title(deviation, loc), count=count))),
            ContextBlock(elements=[mrkdwn(t("escalation.state", loc, state=t(f"state.{deviation.state}", loc),
                                            leader=leader))]),
        ]
        buttons = card_buttons(deviation, office)
        if buttons:
            blocks.append(ActionsBlock(block_id=f"card:{deviation.id}", elements=buttons))
    rest = cases[ESCALATIONS_SHOWN:]
    if rest:
        blocks.append(ContextBlock(elements=[mrkdwn(t("overview.more", loc, count=len(rest)) + ": "
                                                    + ", ".join(e.deviation.reference for e in rest))]))
    first = cases[0]
    text = (t("escalation.fallback", loc, reference=first.deviation.reference,
              count=first.level * office.cadence.escalate_after_nudges) if len(cases) == 1
            else t("escalation.header", loc, count=len(cases)))
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, blocks=[b.to_dict() for b in blocks],
                                     text=text)


# --- the leaders' weekly summary ------------------------------------------------------------------

def _lines(lines: list[str], loc: Locale) -> str:
    if not lines:
        return t("summary.none", loc)
    shown = lines[:MAX_LINES]
    if len(lines) > MAX_LINES:
        shown.append(t("summary.more", loc, count=len(lines) - MAX_LINES))
    return _clip("\n".join(shown))


def send_leader_summary(delivery: Delivery, summary: outbox.Summary) -> None:
    """Seed 000: leaders «jevnlig etterspør informasjon om meldte avvik». New, unassessed, overdue
    and ready-to-close cases, as they stand when the summary goes out, each list by risk then age
    (bot.reminders.outbox.summary), each case with its risk's colour and score."""
    loc = delivery.office.locale
    new, unassessed, ready, overdue = summary.new, summary.unassessed, summary.ready, summary.overdue

    def deviation_line(d: Deviation) -> str:
        return t("summary.case_line", loc, risk=risk_short(d, delivery.office), reference=d.reference,
                 title=_title(d, loc), state=t(f"state.{d.state}", loc))

    overdue_lines = [t("summary.action_line", loc, risk=risk_short(d, delivery.office), reference=d.reference,
                       action=escape(a.description[:120]), owner=a.owner_id, due=format_date(a.due_on, loc))
                     for a, d in overdue]
    sections = [
        ("summary.new", [deviation_line(d) for d in new]),
        ("summary.unassessed", [deviation_line(d) for d in unassessed]),
        ("summary.overdue", overdue_lines),
        ("summary.ready", [deviation_line(d) for d in ready]),
    ]
    week = format_week(delivery.entry.period or iso_week(summary.today), loc)
    blocks: list = [HeaderBlock(text=plain("summary.header", loc, week=week)),
                    ContextBlock(elements=[mrkdwn(t("summary.intro", loc))])]
    for key, lines in sections:
        blocks.append(SectionBlock(text=mrkdwn(f"{t(key, loc, count=len(lines))}\n{_lines(lines, loc)}")))
    if summary.waiting_on_reporter:  # issue 20: nobody to remind, so the leaders see it here
        lines = [t("dialogue.summary.line", loc, risk=risk_short(d, delivery.office), reference=d.reference,
                   title=_title(d, loc),
                   waiting=t(f"dialogue.waiting.{what.value}", loc)) for d, what in summary.waiting_on_reporter]
        header = t("dialogue.summary.header", loc, count=len(lines))
        blocks.append(SectionBlock(text=mrkdwn(f"{header}\n{_lines(lines, loc)}")))
    missed = breach_blocks.missed_lines(list(summary.missed_breaches), delivery.office)  # issue 21
    if missed:
        blocks.append(SectionBlock(text=mrkdwn(f"{missed[0]}\n{_lines(missed[1:], loc)}")))
    if summary.effect_waiting:  # issue 22: «Har tiltaket virket?» not yet answered
        lines = [t("effect.summary.line", loc, reference=d.reference, title=_title(d, loc),
                   asked=format_date(check.due_on, loc),
                   leader=f"<@{check.leader_id}>" if check.leader_id else t("effect.summary.leaders", loc))
                 for check, d in summary.effect_waiting]
        header = t_count("effect.summary.header", loc, len(lines))
        blocks.append(SectionBlock(text=mrkdwn(f"{header}\n{_lines(lines, loc)}")))
    text = t("summary.fallback", loc, new=len(new), unassessed=len(unassessed), overdue=len(overdue), ready=len(ready))
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, blocks=[b.to_dict() for b in blocks], text=text)


# --- the feedback digest -------------------------------------------------------------------------

def digest_item(deviation: Deviation, loc: Locale) -> str:
    """Category, what was done and what we learnt. Never who reported or whom it concerned: the
    title and the narrative stay with the leaders."""
    parts = [t("digest.case", loc, category=t(f"category.{deviation.category}", loc),
               kind=t(f"kind.{deviation.kind}", loc), reference=deviation.reference)]
    if deviation.closure_feedback:
        parts.append(t("digest.done", loc, feedback=escape(deviation.closure_feedback)))
    if deviation.lesson:
        parts.append(t("digest.learnt", loc, lesson=escape(deviation.lesson)))
    return _clip("\n".join(parts))


def send_digest(delivery: Delivery, told: outbox.DigestToTell) -> None:
    """Seed 000: leaders «gir tilbakemelding til kontoret om hva som er gjort»."""
    loc = delivery.office.locale
    digest, closed, at_once = told.digest, told.closed, told.told_at_once
    blocks: list = [
        HeaderBlock(text=plain("digest.header", loc, week=format_week(digest.period, loc))),
        SectionBlock(text=mrkdwn(t("digest.intro", loc))),
        ContextBlock(elements=[mrkdwn(t("digest.counts", loc, reported=digest.reported, closed=digest.closed,
                                        open=digest.open))]),
    ]
    if not closed:
        blocks.append(SectionBlock(text=mrkdwn(t("digest.empty", loc) if not at_once else
                                               t("digest.only_at_once", loc, count=at_once))))
    else:
        blocks.append(DividerBlock())
    for deviation in closed[:MAX_DIGEST_ITEMS]:
        blocks.append(SectionBlock(text=mrkdwn(digest_item(deviation, loc))))
    if len(closed) > MAX_DIGEST_ITEMS:
        blocks.append(ContextBlock(elements=[mrkdwn(t("digest.more", loc, count=len(closed) - MAX_DIGEST_ITEMS))]))
    if closed and at_once:
        blocks.append(ContextBlock(elements=[mrkdwn(t("digest.also_at_once", loc, count=at_once))]))
    text = t("digest.fallback", loc, closed=digest.closed, reported=digest.reported, open=digest.open)
    delivery.client.chat_postMessage(channel=delivery.entry.recipient, blocks=[b.to_dict() for b in blocks], text=text)


def register(messenger: Messenger) -> None:
    messenger.register(MessageKind.NUDGES, send_nudges, outbox.nudges)
    messenger.register(MessageKind.ESCALATION, send_escalation, outbox.escalation)
    messenger.register(MessageKind.LEADER_SUMMARY, send_leader_summary, outbox.summary)
    messenger.register(MessageKind.DIGEST, send_digest, outbox.digest)
