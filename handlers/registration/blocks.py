"""The registration modal and its receipt (Block Kit builders for the `/avvik` flow)."""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    Option,
    OptionGroup,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import (
    CheckboxesElement,
    DatePickerElement,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.breach.rules import asked_for as asks_about_breach
from bot.deviations.rules import CitizenRights, Kind, Severity, State
from bot.forms import TEXT_MAX
from bot.i18n import Locale, has, t
from bot.office import Office
from bot.privacy import without_bidi_controls
from bot.registration.rules import Field, asked_fields, required_fields
from bot.registration.service import TITLE_MAX, Registered, initial_state
from bot.routing.rules import Category, Handling, Route
from handlers import ids
from handlers.blocks import escape, mrkdwn, option, options, plain
from handlers.breach import blocks as breach_blocks
from handlers.dialogue.blocks import code_blocks
from handlers.payloads import seal
from handlers.routing.blocks import follow_up_blocks, not_stored_hint, route_section
from store.models import Deviation

F = ids.Field


def _text_input(field: str, locale: Locale, *, multiline: bool, max_length: int, optional: bool,
                initial: str | None = None, hint: str | None = None) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=plain(f"field.{field}.label", locale),
        hint=PlainTextObject(text=hint, emoji=True) if hint else plain(f"field.{field}.hint", locale),
        optional=optional,
        element=PlainTextInputElement(action_id=ids.VALUE, multiline=multiline, max_length=max_length,
                                      initial_value=initial[:max_length] if initial else None),
    )


def registration_view(office: Office, today: date, *, prefill: str | None = None,
                      channel_id: str | None = None, category: Category | None = None,
                      now: datetime | None = None, offices: tuple[Office, ...] = (), ask: bool = False,
                      preselect: bool = True) -> View:
    """The modal `/avvik` opens. Help first (seed 000: what a deviation is, and that a report is
    about the system, not about a colleague), then the fields of DESIGN.md.

    Choosing a category rebuilds it (views.update) with `category` set: right under the
    category it says where the deviation goes and why; the fields are those the category needs
    (bot.registration.rules.asked_fields), each marked required or optional as the submission
    will treat it (required_fields); the text fields whose words the bot will not keep for that
    category say so. Every input keeps its block id and action id, so Slack keeps what the
    person has typed. The category the form was built for goes in the metadata: the submission
    never refuses as empty a field this form showed as optional.

    In a workspace with several `offices` (issue 24), the office the bot found goes in the sealed
    metadata; when it found none (`ask`), a required «Kontor» select comes first, with `office` chosen in
    it when `preselect` (the person's own last choice): a mere guess is not chosen for them, so a case
    does not reach the leaders of an office the reporter never picked. Until an office is chosen there,
    `office` is only a fallback: the form says nothing of its routing (where to report, what is not
    kept); choosing the office rebuilds the form with that office's.
    """
    loc = office.locale
    placed = not (ask and len(offices) > 1 and not preselect)
    route = office.route(category) if category else None
    asked = set(asked_fields(route))
    required = required_fields(route)
    # Seed 000 / DESIGN: an ASYS case keeps category, date and reference; the narrative belongs in ASYS.
    not_stored = not_stored_hint(route, office) if placed and route and not route.stores_narrative else None

    def text(field: Field, *, multiline: bool = True, max_length: int = TEXT_MAX,
             initial: str | None = None) -> InputBlock:
        return _text_input(field.value, loc, multiline=multiline, max_length=max_length,
                           optional=field not in required, initial=initial, hint=not_stored)

    fields: dict[Field, list] = {
        Field.KIND: [InputBlock(block_id=F.KIND, label=plain("field.kind.label", loc),
                                element=RadioButtonsElement(action_id=ids.VALUE, options=_kind_options(loc)))],
        Field.CATEGORY: [
            InputBlock(block_id=F.CATEGORY, label=plain("field.category.label", loc),
                       hint=plain("field.category.hint", loc), dispatch_action=True,
                       element=StaticSelectElement(action_id=ids.VALUE,
                                                   placeholder=plain("field.category.placeholder", loc),
                                                   options=_category_options(loc),
                                                   initial_option=_category_option(category, loc) if category
                                                   else None)),
            *([route_section(route, office, placed=placed)] if route else []),
            # Issue 21: could personal data be affected? «Ja» or «Vet ikke» starts the 72-hour track.
            *(breach_blocks.form_blocks(loc, now) if category and asks_about_breach(category) else []),
        ],
        Field.TITLE: [text(Field.TITLE, multiline=False, max_length=TITLE_MAX)],
        Field.WHAT_HAPPENED: [text(Field.WHAT_HAPPENED, initial=without_bidi_controls(prefill) if prefill else None)],
        Field.CAUSE: [text(Field.CAUSE)],
        Field.OCCURRED_ON: [InputBlock(block_id=F.OCCURRED_ON, label=plain("field.occurred_on.label", loc),
                                       element=DatePickerElement(action_id=ids.VALUE,
                                                                 initial_date=today.isoformat()))],
        Field.IMMEDIATE_ACTION: [text(Field.IMMEDIATE_ACTION)],
        Field.SUGGESTED_ACTION: [text(Field.SUGGESTED_ACTION)],
        Field.SEVERITY: [InputBlock(block_id=F.SEVERITY, label=plain("field.severity.label", loc),
                                    hint=plain("field.severity.hint", loc),
                                    element=StaticSelectElement(
                                        action_id=ids.VALUE, options=options("severity", list(Severity), loc),
                                        initial_option=option("severity", Severity.LOW, loc)))],
        Field.CITIZEN_RIGHTS: [InputBlock(block_id=F.CITIZEN_RIGHTS, label=plain("field.citizen_rights.label", loc),
                                          hint=plain("field.citizen_rights.hint", loc),
                                          element=RadioButtonsElement(
                                              action_id=ids.VALUE, options=options("rights", list(CitizenRights), loc),
                                              initial_option=option("rights", CitizenRights.UNSURE, loc)))],
        Field.ANONYMOUS: [InputBlock(block_id=F.ANONYMOUS, label=plain("field.anonymous.label", loc), optional=True,
                                     element=CheckboxesElement(action_id=ids.VALUE, options=[
                                         option("anonymous", "anonymous", loc)]))],
    }
    blocks = [
        *([_office_select(office, offices, preselect)] if ask and len(offices) > 1 else []),
        SectionBlock(text=mrkdwn(t("modal.intro", loc))),
        ContextBlock(elements=[mrkdwn(t("modal.not_about_colleague", loc))]),
        DividerBlock(),
        *(block for field, built in fields.items() if field in asked for block in built),
        ContextBlock(elements=[mrkdwn(t("modal.privacy", loc))]),
    ]
    sealed_office = office.id if len(offices) > 1 and not ask else None
    metadata = {key: value for key, value in (("channel", channel_id), ("category", category and category.value),
                                              ("office", sealed_office)) if value}
    return View(
        type="modal",
        callback_id=ids.REGISTRATION,
        title=plain("modal.title", loc),
        submit=plain("modal.submit", loc),
        close=plain("modal.cancel", loc),
        private_metadata=seal(metadata) if metadata else "",
        blocks=blocks,
    )


OPTION_TEXT_MAX = 75  # Block Kit's limit for an option's text
SELECT_MAX = 100  # and for the options of one select list, or of one group in it


def _office_select(chosen: Office, offices: tuple[Office, ...], preselect: bool) -> InputBlock:
    """«Kontor»: the workspace's offices by name, the remembered one chosen (`preselect`), else none.
    Slack shows at most 100 options in a list: more offices go in groups of up to 100, by name."""
    loc = chosen.locale
    by_name = sorted(offices, key=lambda o: o.name.casefold()) if len(offices) > SELECT_MAX else list(offices)
    choices = [Option(value=o.id, text=PlainTextObject(text=o.name[:OPTION_TEXT_MAX], emoji=False)) for o in by_name]
    initial = next((c for c in choices if c.value == chosen.id), None) if preselect else None
    if len(choices) <= SELECT_MAX:
        listed: dict[str, object] = {"options": choices}
    else:
        chunks = [by_name[i:i + SELECT_MAX] for i in range(0, len(by_name), SELECT_MAX)]
        listed = {"option_groups": [
            OptionGroup(label=PlainTextObject(text=f"{chunk[0].name[:36]} – {chunk[-1].name[:36]}", emoji=False),
                        options=choices[n * SELECT_MAX:(n + 1) * SELECT_MAX]) for n, chunk in enumerate(chunks)]}
    # Choosing it rebuilds the form (as the category does), to show where a chosen category goes at that office.
    return InputBlock(block_id=F.OFFICE, label=plain("field.office.label", loc), hint=plain("field.office.hint", loc),
                      dispatch_action=True, element=StaticSelectElement(action_id=ids.VALUE, initial_option=initial,
                                                  placeholder=plain("field.office.placeholder", loc), **listed))


def _category_option(category: Category, loc: Locale) -> Option:
    """A category in the dropdown, with its example where one helps pick the right one (seed 000:
    a missing § 17 decision is «Lov om sosiale tjenester i NAV», reported in TQM)."""
    label = t(f"category.{category.value}", loc)
    if has(f"category_example.{category.value}"):
        with_example = f"{label} ({t(f'category_example.{category.value}', loc)})"
        label = with_example if len(with_example) <= OPTION_TEXT_MAX else label
    return Option(value=category.value, label=label)


def _category_options(loc: Locale) -> list[Option]:
    return [_category_option(c, loc) for c in Category]


def _kind_options(loc: Locale) -> list[Option]:
    return [Option(value=k.value, label=t(f"kind_option.{k.value}", loc), description=t(f"kind_help.{k.value}", loc))
            for k in Kind]


def form_values(values: dict[str, object]) -> dict[str, object]:
    """The submitted view's values, shaped as bot.registration.service.RegistrationForm expects."""
    form = {name: value for name, value in values.items() if value is not None}
    chosen = values.get(F.ANONYMOUS)
    form[F.ANONYMOUS] = isinstance(chosen, list) and "anonymous" in chosen
    return form


def next_steps(route: Route, office: Office, *, anonymous: bool, in_dm: bool = False) -> list[str]:
    """What happens now, for the receipt: where to report, and what the leaders do."""
    loc = office.locale
    info = office.destination(route.destination)
    lines = []
    if route.handling is Handling.EXTERNAL:
        lines.append(t("receipt.external", loc, system=info.name, instructions=info.instructions))
        if route.keeps_minimal_text:
            lines.append(t("receipt.minimal", loc, system=info.name))
    elif route.handling is Handling.GUIDE:
        lines.append(t("receipt.guide", loc, system=info.name, instructions=info.instructions))
    else:
        lines.append(t("receipt.own", loc))
    if info.link:
        lines.append(t("receipt.link", loc, link=info.link, system=info.name))
    if route.alerts_leaders_at_once:
        lines.append(t("receipt.hms_now", loc))
    lines.append(t("receipt.anonymous" if anonymous else "receipt.follow_dm" if in_dm else "receipt.follow", loc))
    return lines


def receipt_blocks(registered: Registered, title: str, office: Office, *, state: State | None = None,
                   external_reference: str | None = None, in_dm: bool = False,
                   breach_lines: list[str] | None = None) -> list:
    """The receipt, in the modal and as a DM. A case reported elsewhere gets «Jeg har meldt i …»
    while it waits for the other system's reference (`state`: the case's state now)."""
    loc = office.locale
    route = registered.route
    return [
        HeaderBlock(text=plain("receipt.header", loc, reference=registered.reference)),
        SectionBlock(text=mrkdwn(t("receipt.summary", loc, reference=registered.reference, title=escape(title),
                                   category=t(f"category.{route.category.value}", loc)))),
        *([SectionBlock(text=mrkdwn("\n".join(breach_lines)))] if breach_lines else []),
        SectionBlock(text=mrkdwn("\n\n".join(next_steps(route, office, anonymous=registered.anonymous,
                                                         in_dm=in_dm)))),
        *follow_up_blocks(registered.deviation_id, route, office, state=state or initial_state(route),
                          external_reference=external_reference),
    ]


def receipt_view(registered: Registered, title: str, office: Office) -> View:
    """Shown in the modal itself right after submit: every reporter, anonymous or not, sees the reference.

    For a case reported elsewhere it carries «Jeg har meldt i …» too: for an anonymous reporter
    this modal is the only receipt, and the button proves who they are by this very view
    (bot/routing/service.py), with no id stored.
    """
    breach_lines = breach_blocks.receipt_lines(None, office, registered.breach_deadline)
    blocks = receipt_blocks(registered, title, office, breach_lines=breach_lines)
    if registered.case_code:  # issue 20: the anonymous reporter's code, shown this once
        blocks += code_blocks(registered.case_code, office)
    return View(type="modal", callback_id=ids.RECEIPT_VIEW, title=plain("receipt.title", office.locale),
                close=plain("receipt.close", office.locale), blocks=blocks)


def redirect_view(route: Route, office: Office) -> View:
    """Seed 000: «Tekniske problemer … skal meldes i brukerstøtte»: point there kindly, and say that a fault
    with consequences for a user, or one that broke a routine, is reported as an avvik too."""
    loc = office.locale
    info = office.destination(route.destination)
    text = t("redirect.text", loc, system=info.name, instructions=info.instructions)
    if info.link:
        text += "\n\n" + t("receipt.link", loc, link=info.link, system=info.name)
    return View(type="modal", callback_id=ids.RECEIPT_VIEW, title=plain("redirect.title", loc),
                close=plain("receipt.close", loc), blocks=[SectionBlock(text=mrkdwn(text))])


def dm_receipt_blocks(deviation: Deviation, office: Office) -> list:
    """The receipt DM as the case is now: a case reported elsewhere shows its button or its reference."""
    registered = Registered(deviation.id, deviation.reference, office.route(deviation.category),
                            deviation.anonymous, created=True)
    return receipt_blocks(registered, deviation.title, office, state=State(deviation.state),
                          external_reference=deviation.external_reference, in_dm=True,
                          breach_lines=breach_blocks.receipt_lines(deviation.breach, office))
