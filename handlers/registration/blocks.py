"""The registration modal and its receipt (Block Kit builders for the `/avvik` flow)."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    Option,
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

from bot.deviations.rules import CitizenRights, Kind, Severity, State
from bot.forms import TEXT_MAX
from bot.i18n import Locale, t
from bot.office import Office
from bot.privacy import without_bidi_controls
from bot.registration.service import TITLE_MAX, Registered, initial_state
from bot.routing.rules import Category, Handling, Route
from handlers import ids
from handlers.blocks import escape, mrkdwn, option, options, plain
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
                      channel_id: str | None = None, category: Category | None = None) -> View:
    """The modal `/avvik` opens. Help first (seed 000: what a deviation is, and that a report is
    about the system, not about a colleague), then the fields of DESIGN.md.

    Choosing a category rebuilds it (views.update) with `category` set: right under the
    category it says where the deviation goes and why, and the text fields whose words the
    bot will not keep for that category say so. Every input keeps its block id and action id,
    so Slack keeps what the person has typed.
    """
    loc = office.locale
    route = office.route(category) if category else None
    # Seed 000 / DESIGN: an ASYS case keeps category, date and reference; the narrative belongs in ASYS.
    not_stored = not_stored_hint(route, office) if route and not route.stores_narrative else None
    category_options = options("category", [c.value for c in Category], loc)
    blocks = [
        SectionBlock(text=mrkdwn(t("modal.intro", loc))),
        ContextBlock(elements=[mrkdwn(t("modal.not_about_colleague", loc))]),
        DividerBlock(),
        InputBlock(block_id=F.KIND, label=plain("field.kind.label", loc),
                   element=RadioButtonsElement(action_id=ids.VALUE, options=_kind_options(loc))),
        InputBlock(block_id=F.CATEGORY, label=plain("field.category.label", loc),
                   hint=plain("field.category.hint", loc), dispatch_action=True,
                   element=StaticSelectElement(action_id=ids.VALUE,
                                               placeholder=plain("field.category.placeholder", loc),
                                               options=category_options,
                                               initial_option=option("category", category.value, loc) if category
                                               else None)),
        *([route_section(route, office)] if route else []),
        _text_input(F.TITLE, loc, multiline=False, max_length=TITLE_MAX, optional=not_stored is not None,
                    hint=not_stored),
        _text_input(F.WHAT_HAPPENED, loc, multiline=True, max_length=TEXT_MAX, optional=True,
                    initial=without_bidi_controls(prefill) if prefill else None, hint=not_stored),
        InputBlock(block_id=F.OCCURRED_ON, label=plain("field.occurred_on.label", loc),
                   element=DatePickerElement(action_id=ids.VALUE, initial_date=today.isoformat())),
        _text_input(F.IMMEDIATE_ACTION, loc, multiline=True, max_length=TEXT_MAX, optional=True, hint=not_stored),
        _text_input(F.SUGGESTED_ACTION, loc, multiline=True, max_length=TEXT_MAX, optional=True, hint=not_stored),
        InputBlock(block_id=F.SEVERITY, label=plain("field.severity.label", loc),
                   hint=plain("field.severity.hint", loc),
                   element=StaticSelectElement(action_id=ids.VALUE, options=options("severity", list(Severity), loc),
                                               initial_option=option("severity", Severity.LOW, loc))),
        InputBlock(block_id=F.CITIZEN_RIGHTS, label=plain("field.citizen_rights.label", loc),
                   hint=plain("field.citizen_rights.hint", loc),
                   element=RadioButtonsElement(action_id=ids.VALUE, options=options("rights", list(CitizenRights), loc),
                                               initial_option=option("rights", CitizenRights.UNSURE, loc))),
        InputBlock(block_id=F.ANONYMOUS, label=plain("field.anonymous.label", loc), optional=True,
                   element=CheckboxesElement(action_id=ids.VALUE, options=[
                       option("anonymous", "anonymous", loc)])),
        ContextBlock(elements=[mrkdwn(t("modal.privacy", loc))]),
    ]
    return View(
        type="modal",
        callback_id=ids.REGISTRATION,
        title=plain("modal.title", loc),
        submit=plain("modal.submit", loc),
        close=plain("modal.cancel", loc),
        private_metadata=seal({"channel": channel_id}) if channel_id else "",
        blocks=blocks,
    )


def _kind_options(loc: Locale) -> list[Option]:
    return [Option(value=k.value, label=t(f"kind.{k.value}", loc), description=t(f"kind_help.{k.value}", loc))
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
                   external_reference: str | None = None, in_dm: bool = False) -> list:
    """The receipt, in the modal and as a DM. A case reported elsewhere gets «Jeg har meldt i …»
    while it waits for the other system's reference (`state`: the case's state now)."""
    loc = office.locale
    route = registered.route
    return [
        HeaderBlock(text=plain("receipt.header", loc, reference=registered.reference)),
        SectionBlock(text=mrkdwn(t("receipt.summary", loc, reference=registered.reference, title=escape(title),
                                   category=t(f"category.{route.category.value}", loc)))),
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
    return View(type="modal", callback_id=ids.RECEIPT_VIEW, title=plain("receipt.title", office.locale),
                close=plain("receipt.close", office.locale), blocks=receipt_blocks(registered, title, office))


def redirect_view(route: Route, office: Office) -> View:
    """Technical problems are not deviations: say so kindly and point to user support."""
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
                          external_reference=deviation.external_reference, in_dm=True)
