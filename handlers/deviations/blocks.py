"""The case card: one message per case in the leader channel, updated in place as it moves; and
what an action's owner sees, for a case's action and a quality round's measure alike: the DM
with «Utført» and the completion modal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.deviations.rules import ActionState, State, closure_offered, risk_changeable, risk_score
from bot.forms import TEXT_MAX
from bot.i18n import Locale, format_date, t
from bot.office import Office
from bot.routing.rules import Destination
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.breach import blocks as breach_blocks
from handlers.common import metadata
from handlers.dialogue.blocks import ask_button, dialogue_block
from handlers.routing.blocks import plain_text, reference_button
from store.models import Action, Deviation


def reporter_text(deviation: Deviation, loc: Locale, name: Callable[[str], str] | None = None) -> str:
    """Never a name for an anonymous case: there is none to show. With `name`, the reporter is named
    without a ping (they have nothing to do on the leaders' card)."""
    if deviation.anonymous or not deviation.reporter_id:
        return t("card.anonymous", loc)
    return name(deviation.reporter_id) if name else f"<@{deviation.reporter_id}>"


def severity_text(deviation: Deviation, loc: Locale) -> str:
    """The leader's severity, and the reporter's when a leader changed it («Høy (meldt som Lav)»)."""
    text = t(f"severity.{deviation.severity}", loc)
    if deviation.reported_severity and deviation.reported_severity != deviation.severity:
        text += " " + t("card.reported_as", loc, severity=t(f"severity.{deviation.reported_severity}", loc))
    return text


def score_of(deviation: Deviation) -> int | None:
    """The case's risk score, or None when «ikke vurdert» (a value outside the scale counts as none)."""
    try:
        return risk_score(deviation.risk_likelihood, deviation.risk_consequence)
    except ValueError:
        return None


def risk_words(likelihood: int | None, consequence: int | None, office: Office) -> str:
    """Issue 22: «:large_yellow_circle: Gul (12) · sannsynlighet: Sannsynlig · konsekvens: Alvorlig», or «Risiko
    ikke vurdert»; colour and words from the office config."""
    loc = office.locale
    try:
        score = risk_score(likelihood, consequence)
    except ValueError:
        score = None
    if score is None or likelihood is None or consequence is None:
        return t("risk.none", loc)
    band = office.risk.band(score).value
    return t("risk.words", loc, emoji=t(f"risk.emoji.{band}", loc), band=t(f"risk.band.{band}", loc), score=score,
             likelihood=escape(office.risk.likelihood_word(likelihood, loc)),
             consequence=escape(office.risk.consequence_word(consequence, loc)))


def risk_short(deviation: Deviation, office: Office) -> str:
    """The colour and score that begin a line in a list (`:red_circle: 16 · `); nothing while «ikke vurdert»."""
    score = score_of(deviation)
    if score is None:
        return ""
    band = office.risk.band(score).value
    return t("risk.short", office.locale, emoji=t(f"risk.emoji.{band}", office.locale), score=score)


def causes_text(cause_types: list[str] | None, office: Office) -> str:
    return ", ".join(escape(office.cause_label(c, office.locale)) for c in cause_types or []) or "–"


def risk_block(deviation: Deviation, office: Office, *, button: bool = False) -> SectionBlock:
    """The risk with its colour, and the cause types the leaders chose, for leaders' eyes; with `button`,
    «Endre risiko» beside it while the case is open and assessed (issue 22; «Vurder» asks it before)."""
    loc = office.locale
    lines = [t("risk.card", loc, risk=risk_words(deviation.risk_likelihood, deviation.risk_consequence, office))
             if score_of(deviation) is not None else t("risk.none", loc)]
    if deviation.cause_types:
        lines.append(t("risk.causes_line", loc, causes=causes_text(deviation.cause_types, office)))
    accessory = None
    if button and risk_changeable(State(deviation.state)):
        key = "card.change_risk" if score_of(deviation) is not None else "card.set_risk"
        accessory = ButtonElement(text=plain(key, loc), action_id=ids.CHANGE_RISK, value=str(deviation.id))
    return SectionBlock(block_id=f"risk:{deviation.id}", text=mrkdwn("\n".join(lines)[:3000]), accessory=accessory)


def card_fields(deviation: Deviation, office: Office, name: Callable[[str], str] | None = None) -> list:
    loc = office.locale
    return [
        mrkdwn(f"*{t('card.kind', loc)}*\n{t(f'kind.{deviation.kind}', loc)}"),
        mrkdwn(f"*{t('card.category', loc)}*\n{t(f'category.{deviation.category}', loc)}"),
        mrkdwn(f"*{t('card.severity', loc)}*\n{severity_text(deviation, loc)}"),
        mrkdwn(f"*{t('card.rights', loc)}*\n{t(f'rights.{deviation.citizen_rights}', loc)}"),
        mrkdwn(f"*{t('card.state', loc)}*\n{t(f'state.{deviation.state}', loc)}"),
        mrkdwn(f"*{t('card.destination', loc)}*\n{office.destination(deviation.destination).name}"),
        mrkdwn(f"*{t('card.occurred_on', loc)}*\n{format_date(deviation.occurred_on, loc)}"),
        mrkdwn(f"*{t('card.reporter', loc)}*\n{reporter_text(deviation, loc, name)}"),
    ]


def card_buttons(deviation: Deviation, office: Office) -> list:
    """The buttons that fit the case's state (Vurder, Lukk …); also used on reminders.

    «Lukk» is offered only when the closure rules can hold (ready, no open action); the modal's
    submission checks them again on the locked case. Pressing any of them is checked on the server.
    """
    loc, value, state = office.locale, str(deviation.id), State(deviation.state)
    action_states = [ActionState(a.state) for a in deviation.actions]
    buttons: list = []
    if state is State.REGISTERED:
        buttons.append(ButtonElement(text=plain("card.assess", loc), action_id=ids.ASSESS, value=value,
                                     style="primary"))
    if state is State.FORWARDED and not deviation.external_reference:
        # A leader may add the other system's reference (the only way for an anonymous reporter's case).
        buttons.append(reference_button(deviation.id, Destination(deviation.destination), office, for_leaders=True))
    if state is State.FORWARDED and deviation.external_reference:
        # Seed 000: assessed and followed up there; a leader confirms it before the case may close.
        system = office.destination(deviation.destination).name
        buttons.append(ButtonElement(text=plain_text(t("card.followed_up", loc, system=system)),
                                     action_id=ids.FOLLOWED_UP, value=value, style="primary"))
    if state is State.ACTIONS_ONGOING and ActionState.OPEN in action_states:
        buttons.append(ButtonElement(text=plain("card.change_action", loc), action_id=ids.CHANGE_ACTION,
                                     value=value))
        buttons.append(ButtonElement(text=plain("card.drop_action", loc), action_id=ids.DROP_ACTION, value=value))
    if state is State.ACTIONS_ONGOING:
        buttons.append(ButtonElement(text=plain("card.add_action", loc), action_id=ids.ADD_ACTION, value=value))
    if closure_offered(state, action_states):
        buttons.append(ButtonElement(text=plain("card.close", loc), action_id=ids.CLOSE, value=value,
                                     style="primary"))
    if state is State.CLOSED:
        buttons.append(ButtonElement(text=plain("card.reopen", loc), action_id=ids.REOPEN, value=value))
    if ask := ask_button(deviation, office):  # issue 20: «Spør melderen» on an open anonymous case
        buttons.append(ask)
    return buttons


def action_lines(deviation: Deviation, loc: Locale, *, owners: bool = True) -> list[str]:
    """One line per corrective action: term, what, who (leaders only), due date, state."""
    lines = []
    for action in deviation.actions:
        who = f" · <@{action.owner_id}>" if owners else ""
        line = t("card.action_line", loc, mark=t(f"card.mark.{action.state}", loc),
                 term=t(f"term.{action.term}", loc), description=escape(action.description)[:300],
                 who=who, due=format_date(action.due_on, loc), state=t(f"action_state.{action.state}", loc))
        if action.snoozed_until and action.state == ActionState.OPEN.value:
            line += " " + t("card.snoozed_action", loc, date=format_date(action.snoozed_until, loc))
        lines.append(line)
    return lines


def followup_blocks(deviation: Deviation, office: Office) -> list:
    """What the leaders have decided so far: responsible leader, reasons, actions, closure."""
    loc = office.locale
    blocks: list = [risk_block(deviation, office, button=True)]
    if deviation.responsible_leader:
        blocks.append(ContextBlock(elements=[mrkdwn(t("card.responsible", loc,
                                                      leader=f"<@{deviation.responsible_leader}>"))]))
    if deviation.snoozed_until and deviation.state != State.CLOSED.value:
        snoozed = t("card.snoozed", loc, date=format_date(deviation.snoozed_until, loc),
                    reason=escape(deviation.snooze_reason or "–")[:500])
        blocks.append(ContextBlock(elements=[mrkdwn(snoozed)]))
    if deviation.assessment_note:
        blocks.append(SectionBlock(text=mrkdwn(f"*{t('card.assessment', loc)}*\n"
                                               f"{escape(deviation.assessment_note)[:2800]}")))
    lines = action_lines(deviation, loc)
    if lines:
        text = "\n".join(lines)
        blocks.append(SectionBlock(text=mrkdwn(f"*{t('card.actions', loc)}*\n{text}"[:3000])))
    if deviation.state == State.CLOSED.value and deviation.closure_feedback:
        text = f"*{t('card.feedback', loc)}*\n{escape(deviation.closure_feedback)[:1400]}"
        if deviation.lesson:
            text += f"\n*{t('card.lesson', loc)}*\n{escape(deviation.lesson)[:1000]}"
        blocks.append(SectionBlock(text=mrkdwn(text[:3000])))
        if deviation.decision_date:
            decision = t("card.decision", loc, date=format_date(deviation.decision_date, loc),
                         reference=escape(deviation.decision_reference or ""))
            blocks.append(ContextBlock(elements=[mrkdwn(decision)]))
    return blocks


def card_blocks(deviation: Deviation, office: Office, name: Callable[[str], str] | None = None,
                now: datetime | None = None) -> list:
    """The card's blocks, with the buttons that fit the case's state; `name` names people without a ping;
    for a possible personal-data breach, its countdown as of `now`."""
    loc = office.locale
    blocks: list = [
        HeaderBlock(text=plain("card.header", loc, reference=deviation.reference, title=deviation.title[:100])),
        SectionBlock(fields=card_fields(deviation, office, name)),
    ]
    for key, text in (("card.what_happened", deviation.what_happened),
                      ("card.cause", deviation.cause),
                      ("card.immediate_action", deviation.immediate_action),
                      ("card.suggested_action", deviation.suggested_action)):
        if text:
            blocks.append(SectionBlock(text=mrkdwn(f"*{t(key, loc)}*\n{escape(text)[:2800]}")))
    if deviation.external_reference:
        blocks.append(ContextBlock(elements=[mrkdwn(t("card.external_reference", loc,
                                                      reference=escape(deviation.external_reference)))]))
    blocks += breach_blocks.card_blocks(deviation, office, now)
    blocks += followup_blocks(deviation, office)
    if deviation.anonymous and (said := dialogue_block(deviation, loc)):  # issue 20: the reporter's dialogue
        blocks.append(said)
    buttons = card_buttons(deviation, office)
    if buttons:
        blocks.append(ActionsBlock(block_id=f"card:{deviation.id}", elements=buttons))
    return blocks


def card_text(deviation: Deviation, office: Office) -> str:
    """The notification text (and what screen readers and old clients show)."""
    return t("card.fallback", office.locale, reference=deviation.reference,
             state=t(f"state.{deviation.state}", office.locale))


# --- an action's owner --------------------------------------------------------------------------
# `reference` and `title` are what the action belongs to: a case's, or a measure's round and area.

def action_summary(reference: str, title: str, action: Action, loc: Locale) -> str:
    return t("action.summary", loc, reference=reference, title=escape(title)[:200],
             term=t(f"term.{action.term}", loc), description=escape(action.description)[:2000],
             due=format_date(action.due_on, loc))


def owner_dm_blocks(office: Office, reference: str, title: str, action: Action, *,
                    responsible: str | None = None) -> list:
    """The owner's DM: the action, who is responsible, and «Utført» while it is open."""
    loc = office.locale
    blocks: list = [SectionBlock(text=mrkdwn(t("action.assigned", loc, reference=reference))),
                    SectionBlock(text=mrkdwn(action_summary(reference, title, action, loc)))]
    if responsible:
        blocks.append(ContextBlock(elements=[mrkdwn(t("action.responsible", loc, leader=f"<@{responsible}>"))]))
    if action.state == ActionState.OPEN.value:
        blocks.append(ActionsBlock(block_id=f"action:{action.id}", elements=[
            ButtonElement(text=plain("action.done_button", loc), action_id=ids.ACTION_DONE, value=str(action.id),
                          style="primary")]))
    else:
        blocks.append(ContextBlock(elements=[mrkdwn(t(f"action.now_{action.state}", loc))]))
    return blocks


def completion_modal(office: Office, reference: str, title: str, action: Action, channel: str | None,
                     ts: str | None) -> View:
    """«Utført»: the owner's note. The DM it came from (channel, ts) is updated once it is saved."""
    loc = office.locale
    note = InputBlock(block_id=ids.COMPLETION_NOTE, label=plain("action.note.label", loc), optional=False,
                      hint=plain("action.note.hint", loc),
                      element=PlainTextInputElement(action_id=ids.VALUE, multiline=True, max_length=TEXT_MAX))
    return View(type="modal", callback_id=ids.COMPLETION_VIEW, title=plain("action.done_title", loc),
                submit=plain("action.done_submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(action=action.id, channel=channel, ts=ts),
                blocks=[SectionBlock(text=mrkdwn(action_summary(reference, title, action, loc))), note,
                        ContextBlock(elements=[mrkdwn(t("modal.privacy", loc))])])
