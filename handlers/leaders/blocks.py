"""The leaders' modals: assessment («Vurder») with its action rows, the action DMs and modals that
follow from it, closure («Lukk») and reopening («Gjenåpne»).

Seed 000: leaders «iverksetter kort- og langsiktige tiltak». Each action row has block ids
of its own (`action_<row>_<field>`) that never change, so «Legg til tiltak» can rebuild the
modal with views.update and every value typed so far stays where it was.

Seed 000, «Lukking av avvik»: «ikke lukk et avvik før det er vurdert om det skal iverksettes
tiltak og tiltaket er gjennomført. Ved større avvik anbefales at ledergruppa fatter en formell
avgjørelse og informerer om det på kontoret.»
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    InputBlock,
    Option,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import (
    CheckboxesElement,
    DatePickerElement,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.deviations.rules import RISK_LEVELS, ActionState, Severity, Term, decision_required
from bot.forms import TEXT_MAX
from bot.i18n import Locale, t
from bot.leaders.forms import CLOSE_NOW, MAX_ACTIONS, NO, NONE_NEW, REFERENCE_MAX, YES
from bot.office import Office
from bot.operations.service import Refusal, reason_key
from handlers import ids
from handlers.blocks import escape, mrkdwn, option, options, plain
from handlers.common import metadata
from handlers.deviations.blocks import action_lines, completion_modal, owner_dm_blocks
from handlers.payloads import element_value
from store.models import Action, Deviation

L = ids.Leader
Typed = Mapping[str, object]  # a submitted view's values by block id (what the leader typed so far)


def _deviation_line(deviation: Deviation, loc: Locale) -> SectionBlock:
    return SectionBlock(text=mrkdwn(t("assess.case", loc, reference=deviation.reference,
                                      title=escape(deviation.title)[:200],
                                      state=t(f"state.{deviation.state}", loc))))


def _text(block_id: str, loc: Locale, key: str, typed: Typed, *, optional: bool, multiline: bool = True,
          max_length: int = TEXT_MAX, hint: bool = False) -> InputBlock:
    initial = typed.get(block_id)
    return InputBlock(block_id=block_id, label=plain(f"{key}.label", loc), optional=optional,
                      hint=plain(f"{key}.hint", loc) if hint else None,
                      element=PlainTextInputElement(action_id=ids.VALUE, multiline=multiline, max_length=max_length,
                                                    initial_value=initial if isinstance(initial, str) else None))


def _radio(block_id: str, loc: Locale, key: str, choices: Sequence[Option], typed: Typed, *,
           optional: bool) -> InputBlock:
    chosen = next((o for o in choices if o.value == typed.get(block_id)), None)
    return InputBlock(block_id=block_id, label=plain(key, loc), optional=optional,
                      element=RadioButtonsElement(action_id=ids.VALUE, options=list(choices), initial_option=chosen))


def _user(block_id: str, loc: Locale, key: str, initial: object, *, optional: bool) -> InputBlock:
    return InputBlock(block_id=block_id, label=plain(key, loc), optional=optional,
                      element=UserSelectElement(action_id=ids.VALUE, placeholder=plain("assess.pick_person", loc),
                                                initial_user=initial if isinstance(initial, str) else None))


def _severity(deviation: Deviation, loc: Locale, typed: Typed) -> InputBlock:
    """The leader decides whether this is a «større avvik»; the reporter's choice is shown beside it."""
    choices = options("severity", [s.value for s in Severity], loc)
    current = typed.get(L.SEVERITY) or deviation.severity
    chosen = next((o for o in choices if o.value == current), None)
    reported = deviation.reported_severity or deviation.severity
    return InputBlock(block_id=L.SEVERITY, label=plain("assess.severity.label", loc), optional=False,
                      hint=plain("assess.severity.hint", loc, reported=t(f"severity.{reported}", loc)),
                      element=RadioButtonsElement(action_id=ids.VALUE, options=choices, initial_option=chosen))


def _scale(block_id: str, office: Office, key: str, word: Callable[[int, Locale], str], current: object,
           typed: Typed) -> InputBlock:
    loc = office.locale
    choices = [Option(value=str(n), label=t("risk.option", loc, value=n, word=word(n, loc))[:75])
               for n in RISK_LEVELS]
    chosen_value = typed.get(block_id) if block_id in typed else (str(current) if current is not None else None)
    chosen = next((o for o in choices if o.value == chosen_value), None)
    return InputBlock(block_id=block_id, label=plain(f"{key}.label", loc), optional=False,
                      element=StaticSelectElement(action_id=ids.VALUE, options=choices, initial_option=chosen,
                                                  placeholder=plain("risk.pick", loc)))


def risk_inputs(office: Office, deviation: Deviation, typed: Typed) -> list:
    """Issue 22: «Hvor sannsynlig er det at det skjer igjen?», «Hvor alvorlig blir det for brukeren eller
    kontoret?» (the office's five words each), how the score is coloured, and one or more cause types;
    what the case has already (a reassessment, «Endre risiko») is chosen to begin with."""
    loc = office.locale
    causes = [Option(value=c.id, label=office.cause_label(c.id, loc)[:75]) for c in office.causes]
    picked = typed.get(L.CAUSE_TYPES) if L.CAUSE_TYPES in typed else deviation.cause_types
    initial = [o for o in causes if isinstance(picked, list) and o.value in picked]
    return [
        _scale(L.LIKELIHOOD, office, "risk.likelihood", office.risk.likelihood_word, deviation.risk_likelihood, typed),
        _scale(L.CONSEQUENCE, office, "risk.consequence", office.risk.consequence_word, deviation.risk_consequence,
               typed),
        ContextBlock(elements=[mrkdwn(t("risk.scale", loc, green=office.risk.green_up_to,
                                        yellow=office.risk.yellow_up_to))]),
        InputBlock(block_id=L.CAUSE_TYPES, label=plain("risk.causes.label", loc), optional=False,
                   element=CheckboxesElement(action_id=ids.VALUE, options=causes, initial_options=initial or None)),
    ]


def _reporter_cause(deviation: Deviation, loc: Locale) -> list:
    """The reporter's answer to «Hva gjorde at det kunne skje?» (issue 16), when there is one."""
    if not deviation.cause:
        return []
    return [ContextBlock(elements=[mrkdwn(t("assess.cause", loc, text=escape(deviation.cause)[:2500]))])]


def risk_view(office: Office, deviation: Deviation) -> View:
    """«Endre risiko» (issue 22): the risk and cause types of an assessed, open case, as they are now."""
    loc = office.locale
    return View(type="modal", callback_id=ids.RISK_VIEW, title=plain("risk.change_title", loc),
                submit=plain("risk.change_submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id),
                blocks=[_deviation_line(deviation, loc), *_reporter_cause(deviation, loc),
                        *risk_inputs(office, deviation, {}),
                        ContextBlock(elements=[mrkdwn(t("risk.change_told", loc))])])


def action_row(row: int, number: int, loc: Locale, typed: Typed) -> list:
    """One action: short- or long-term, what, who, by when. All optional in Slack's eyes: an empty
    row is skipped, a half-filled one gets field errors from the server."""
    due = typed.get(ids.action_block(row, "due_on"))
    return [
        SectionBlock(text=mrkdwn(t("assess.action_header", loc, number=number))),
        _radio(ids.action_block(row, "term"), loc, "assess.term", options("term", [m.value for m in Term], loc),
               typed, optional=True),
        _text(ids.action_block(row, "description"), loc, "assess.description", typed, optional=True),
        _user(ids.action_block(row, "owner"), loc, "assess.owner", typed.get(ids.action_block(row, "owner")),
              optional=True),
        InputBlock(block_id=ids.action_block(row, "due_on"), label=plain("assess.due_on", loc), optional=True,
                   element=DatePickerElement(action_id=ids.VALUE, initial_date=due if isinstance(due, str) else None)),
    ]


def assessment_view(office: Office, deviation: Deviation, rows: Sequence[int], actor_id: str,
                    typed: Typed | None = None) -> View:
    loc = office.locale
    typed = typed or {}
    blocks: list = [_deviation_line(deviation, loc), *_reporter_cause(deviation, loc)]
    if deviation.suggested_action:
        blocks.append(ContextBlock(elements=[mrkdwn(t("assess.suggested", loc,
                                                      text=escape(deviation.suggested_action)[:2500]))]))
    blocks += [
        _radio(L.NEEDS_ACTIONS, loc, "assess.needs_actions",
               [option("assess.choice", YES, loc), option("assess.choice", NO, loc),
                option("assess.choice", CLOSE_NOW, loc)], typed, optional=False),
        _text(L.REASONS, loc, "assess.reasons", typed, optional=True, hint=True),
        _severity(deviation, loc, typed),
        *risk_inputs(office, deviation, typed),
        _user(L.RESPONSIBLE, loc, "assess.responsible", typed.get(L.RESPONSIBLE) or actor_id, optional=False),
        DividerBlock(),
        # «Ingen tiltak – lukk nå»: the closure's feedback and experience in the same modal (issue 16).
        SectionBlock(text=mrkdwn(t("assess.close_now_intro", loc))),
        _text(L.FEEDBACK, loc, "assess.close_now_feedback", typed, optional=True, hint=True),
        *_experience(loc, typed),
        DividerBlock(),
        SectionBlock(text=mrkdwn(t("assess.actions_intro", loc))),
    ]
    for number, row in enumerate(rows, start=1):
        blocks += action_row(row, number, loc, typed)
    if len(rows) < MAX_ACTIONS:
        blocks.append(ActionsBlock(block_id=L.ADD_ROW_BLOCK, elements=[
            ButtonElement(text=plain("assess.add_action", loc), action_id=ids.ADD_ACTION_ROW,
                          value=str(deviation.id))]))
    blocks.append(ContextBlock(elements=[mrkdwn(t("modal.privacy", loc))]))
    return View(type="modal", callback_id=ids.ASSESSMENT_VIEW, title=plain("assess.title", loc),
                submit=plain("assess.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id, rows=list(rows)), blocks=blocks)


def typed_values(state_values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict[str, object]:
    """What a leader has typed so far, by block id, from a view's `state.values`."""
    return {block_id: element_value(element) for block_id, elements in state_values.items()
            for element in elements.values()}


# --- an action's owner --------------------------------------------------------------------------

def action_dm_blocks(office: Office, deviation: Deviation, action: Action) -> list:
    """The owner's DM: the action, who is responsible, and «Utført»."""
    return owner_dm_blocks(office, deviation.reference, deviation.title, action,
                           responsible=deviation.responsible_leader)


def completion_view(office: Office, deviation: Deviation, action: Action, channel: str | None,
                    ts: str | None) -> View:
    return completion_modal(office, deviation.reference, deviation.title, action, channel, ts)


def drop_view(office: Office, deviation: Deviation) -> View:
    """A leader drops an open action, with a reason (seed 000: done or dropped, never forgotten)."""
    loc = office.locale
    choices = [Option(value=str(a.id), label=f"{t(f'term.{a.term}', loc)}: {a.description}"[:75])
               for a in deviation.actions if a.state == ActionState.OPEN.value]
    return View(type="modal", callback_id=ids.DROP_VIEW, title=plain("drop.title", loc),
                submit=plain("drop.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id),
                blocks=[_deviation_line(deviation, loc),
                        InputBlock(block_id=L.ACTION, label=plain("drop.action", loc),
                                   element=StaticSelectElement(action_id=ids.VALUE, options=choices,
                                                               placeholder=plain("drop.placeholder", loc))),
                        _text(L.REASON, loc, "drop.reason", {}, optional=False, hint=True)])




def _experience(loc: Locale, typed: Typed) -> list:
    """Seed 000's last step, «Erfaring inn i virksomhetsplan»: written, or explicitly none new."""
    none_new = option("closure.no_new_lesson", NONE_NEW, loc)
    ticked = typed.get(L.NO_NEW_LESSON)
    return [_text(L.LESSON, loc, "closure.experience", typed, hint=True, optional=True),
            InputBlock(block_id=L.NO_NEW_LESSON, label=plain("closure.no_new_lesson.label", loc), optional=True,
                       element=CheckboxesElement(action_id=ids.VALUE, options=[none_new],
                                                 initial_options=[none_new] if isinstance(ticked, list)
                                                 and NONE_NEW in ticked else None))]


def closure_view(office: Office, deviation: Deviation) -> View:
    loc = office.locale
    done = sum(1 for a in deviation.actions if a.state == ActionState.DONE.value)
    dropped = sum(1 for a in deviation.actions if a.state == ActionState.DROPPED.value)
    blocks: list = [
        SectionBlock(text=mrkdwn(t("assess.case", loc, reference=deviation.reference,
                                   title=escape(deviation.title)[:200], state=t(f"state.{deviation.state}", loc)))),
    ]
    lines = action_lines(deviation, loc)
    if lines:
        # Seed 000: leaders close «ut fra resultat av tiltak(ene)»: what was done and what was dropped.
        blocks += [SectionBlock(text=mrkdwn(f"*{t('card.actions', loc)}*\n" + "\n".join(lines)[:2800])),
                   ContextBlock(elements=[mrkdwn(t("closure.actions", loc, done=done, dropped=dropped))]),
                   _text(L.FEEDBACK, loc, "closure.result", {}, hint=True, optional=False)]
    else:
        blocks.append(_text(L.FEEDBACK, loc, "closure.feedback", {}, hint=True, optional=False))
    blocks += _experience(loc, {})
    if decision_required(Severity(deviation.severity), office.rules.leader_group_decision):
        blocks += [
            DividerBlock(),
            SectionBlock(text=mrkdwn(t("closure.major", loc))),
            InputBlock(block_id=L.DECISION_DATE, label=plain("closure.decision_date.label", loc),
                       element=DatePickerElement(action_id=ids.VALUE)),
            _text(L.DECISION_REFERENCE, loc, "closure.decision_reference", {}, hint=True, optional=False,
                  multiline=False,
                  max_length=REFERENCE_MAX),
        ]
    return View(type="modal", callback_id=ids.CLOSURE_VIEW, title=plain("closure.title", loc),
                submit=plain("closure.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id), blocks=blocks)


def reopen_view(office: Office, deviation: Deviation) -> View:
    loc = office.locale
    return View(type="modal", callback_id=ids.REOPEN_VIEW, title=plain("reopen.title", loc),
                submit=plain("reopen.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id),
                blocks=[SectionBlock(text=mrkdwn(t("assess.case", loc, reference=deviation.reference,
                                                   title=escape(deviation.title)[:200],
                                                   state=t(f"state.{deviation.state}", loc)))),
                        _text(L.REASON, loc, "reopen.reason", {}, hint=True, optional=False)])


def delivery_reason(refusal: Refusal, loc: Locale) -> str:
    """Why the bot's messages were not sent and what to do, for leaders."""
    channel = f" <#{refusal.channel}>" if refusal.channel else ""
    return f"{t(reason_key(refusal.error), loc, channel=channel, error=refusal.error)} {t('delivery.after_fix', loc)}"


def followed_up_view(office: Office, deviation: Deviation) -> View:
    """«Bekreft oppfølging»: the other system and its reference, to confirm the case is followed up there."""
    loc = office.locale
    system = office.destination(deviation.destination).name
    return View(type="modal", callback_id=ids.FOLLOWED_UP_VIEW, title=plain("followed_up.title", loc),
                submit=plain("followed_up.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id),
                blocks=[_deviation_line(deviation, loc),
                        SectionBlock(block_id=L.FOLLOWED_UP,
                                     text=mrkdwn(t("followed_up.text", loc, system=escape(system),
                                                   external=escape(deviation.external_reference or "–"))))])


def add_action_view(office: Office, deviation: Deviation) -> View:
    """«Legg til tiltak» while the actions are under way: one more action, with its responsible person."""
    loc = office.locale
    return View(type="modal", callback_id=ids.ADD_ACTION_VIEW, title=plain("add_action.title", loc),
                submit=plain("add_action.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id),
                blocks=[_deviation_line(deviation, loc), *action_row(0, len(deviation.actions) + 1, loc, {}),
                        ContextBlock(elements=[mrkdwn(t("add_action.told", loc))])])


def change_action_view(office: Office, deviation: Deviation) -> View:
    """«Endre tiltak»: an open action gets a new responsible person and/or due date."""
    loc = office.locale
    choices = [Option(value=str(a.id), label=f"{t(f'term.{a.term}', loc)}: {a.description}"[:75])
               for a in deviation.actions if a.state == ActionState.OPEN.value]
    return View(type="modal", callback_id=ids.CHANGE_ACTION_VIEW, title=plain("change_action.title", loc),
                submit=plain("change_action.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=metadata(case=deviation.id),
                blocks=[_deviation_line(deviation, loc),
                        SectionBlock(text=mrkdwn(f"*{t('card.actions', loc)}*\n"
                                                 + "\n".join(action_lines(deviation, loc))[:2800])),
                        InputBlock(block_id=L.ACTION, label=plain("drop.action", loc),
                                   element=StaticSelectElement(action_id=ids.VALUE, options=choices,
                                                               placeholder=plain("drop.placeholder", loc))),
                        _user(L.NEW_OWNER, loc, "change_action.owner", None, optional=True),
                        InputBlock(block_id=L.NEW_DUE_ON, label=plain("change_action.due_on", loc), optional=True,
                                   element=DatePickerElement(action_id=ids.VALUE)),
                        ContextBlock(elements=[mrkdwn(t("change_action.told", loc))])])
