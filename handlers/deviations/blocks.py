"""The case card: one message per case in the leader channel, updated in place as it moves; and
what an action's owner sees, for a case's action and a quality round's measure alike: the DM
with «Utført» and the completion modal."""

from __future__ import annotations

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

from bot.deviations.rules import ActionState, State, closure_offered
from bot.forms import TEXT_MAX
from bot.i18n import Locale, format_date, t
from bot.office import Office
from bot.routing.rules import Destination
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.common import metadata
from handlers.dialogue.blocks import ask_button, dialogue_block
from handlers.routing.blocks import reference_button
from store.models import Action, Deviation


def reporter_text(deviation: Deviation, loc: Locale) -> str:
    """Never a name for an anonymous case: there is none to show."""
    if deviation.anonymous or not deviation.reporter_id:
        return t("card.anonymous", loc)
    return f"<@{deviation.reporter_id}>"


def card_fields(deviation: Deviation, office: Office) -> list:
    loc = office.locale
    return [
        mrkdwn(f"*{t('card.kind', loc)}*\n{t(f'kind.{deviation.kind}', loc)}"),
        mrkdwn(f"*{t('card.category', loc)}*\n{t(f'category.{deviation.category}', loc)}"),
        mrkdwn(f"*{t('card.severity', loc)}*\n{t(f'severity.{deviation.severity}', loc)}"),
        mrkdwn(f"*{t('card.rights', loc)}*\n{t(f'rights.{deviation.citizen_rights}', loc)}"),
        mrkdwn(f"*{t('card.state', loc)}*\n{t(f'state.{deviation.state}', loc)}"),
        mrkdwn(f"*{t('card.destination', loc)}*\n{office.destination(deviation.destination).name}"),
        mrkdwn(f"*{t('card.occurred_on', loc)}*\n{format_date(deviation.occurred_on, loc)}"),
        mrkdwn(f"*{t('card.reporter', loc)}*\n{reporter_text(deviation, loc)}"),
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
    if state is State.FORWARDED:
        # A leader may add the other system's reference (the only way for an anonymous reporter's case).
        buttons.append(reference_button(deviation.id, Destination(deviation.destination), office, for_leaders=True))
    if state is State.ACTIONS_ONGOING and ActionState.OPEN in action_states:
        buttons.append(ButtonElement(text=plain("card.drop_action", loc), action_id=ids.DROP_ACTION, value=value))
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
        lines.append(t("card.action_line", loc, mark=t(f"card.mark.{action.state}", loc),
                       term=t(f"term.{action.term}", loc), description=escape(action.description)[:300],
                       who=who, due=format_date(action.due_on, loc), state=t(f"action_state.{action.state}", loc)))
    return lines


def followup_blocks(deviation: Deviation, office: Office) -> list:
    """What the leaders have decided so far: responsible leader, reasons, actions, closure."""
    loc = office.locale
    blocks: list = []
    if deviation.responsible_leader:
        blocks.append(ContextBlock(elements=[mrkdwn(t("card.responsible", loc,
                                                      leader=f"<@{deviation.responsible_leader}>"))]))
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


def card_blocks(deviation: Deviation, office: Office) -> list:
    """The card's blocks, with the buttons that fit the case's state."""
    loc = office.locale
    blocks: list = [
        HeaderBlock(text=plain("card.header", loc, reference=deviation.reference, title=deviation.title[:100])),
        SectionBlock(fields=card_fields(deviation, office)),
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
