"""Block Kit for routing (seed 000, «Hvor melder jeg hva?»): where a deviation goes and why, the
follow-up of a case reported elsewhere, and the help's table.

Every text about a destination is built here from the same two sources the bot acts on:
the routing rules (`bot.routing.rules`, via `Office.route`) and the office config's name, link and
instructions per destination. So the modal, the receipt and `/avvik hjelp` cannot disagree
with each other, or with what the bot does when the form is submitted.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.deviations.rules import State
from bot.i18n import Locale, has, t
from bot.office import Office
from bot.routing.rules import HANDLING, Category, Destination, Handling, Route
from bot.routing.service import REFERENCE_MAX
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.payloads import seal
from store.models import Deviation

BUTTON_TEXT_MAX = 75  # Block Kit's limit for a button label


def _system(office: Office, destination: Destination) -> str:
    return office.destination(destination).name


def _link(office: Office, destination: Destination) -> str | None:
    info = office.destination(destination)
    return t("receipt.link", office.locale, link=info.link, system=info.name) if info.link else None


# --- the modal: where this goes and why --------------------------------------------------------

def route_text(route: Route, office: Office) -> str:
    """Where a deviation of this category goes, why, what to do there, and what the bot keeps.

    For HMS (threats, harassment, violence) it starts with what to do right now.
    """
    loc, info = office.locale, office.destination(route.destination)
    lines = []
    if route.alerts_leaders_at_once:
        lines.append(t("route.hms_now", loc, system=info.name))
    lines.append(t("route.where", loc, category=t(f"category.{route.category.value}", loc), system=info.name))
    if has(f"category_help.{route.category.value}"):
        lines.append(t(f"category_help.{route.category.value}", loc))
    if route.handling is not Handling.OWN:
        lines.append(t(f"route.handling.{route.handling.value}", loc, system=info.name))
    if route.keeps_minimal_text:
        lines.append(t("route.handling.minimal", loc, system=info.name))
    lines.append(info.instructions)
    if link := _link(office, route.destination):
        lines.append(link)
    return "\n\n".join(lines)


def unplaced_route_text(route: Route, loc: Locale) -> str:
    """Under the category while the form's «Kontor» is still unchosen: nothing of any office's (where to
    report, its instructions and links are the office's own), only what holds everywhere, and to choose
    the office."""
    lines = [t("route.hms_now_unplaced", loc)] if route.alerts_leaders_at_once else []
    return "\n\n".join([*lines, t("route.choose_office", loc)])


def route_section(route: Route, office: Office, *, placed: bool = True) -> SectionBlock:
    """The section right under the category in the registration modal (`placed`: the form's office is
    known, so its routing may be shown)."""
    text = route_text(route, office) if placed else unplaced_route_text(route, office.locale)
    return SectionBlock(block_id=ids.ROUTE_INFO, text=mrkdwn(text[:3000]))


def not_stored_hint(route: Route, office: Office) -> str:
    """The hint on a text field whose words the bot will not keep for this category."""
    return t("route.not_stored", office.locale, system=_system(office, route.destination))


# --- the receipt: follow-up of a case reported elsewhere -----------------------------------

def reference_button(deviation_id: int, destination: Destination, office: Office, *,
                     for_leaders: bool = False) -> ButtonElement:
    """«Jeg har meldt i ASYS» (or, on a leader's card, «Legg inn referanse fra ASYS»).

    The value is the case id only: who may press it is decided on the server.
    """
    key = "external.button_leader" if for_leaders else "external.button"
    text = t(key, office.locale, system=_system(office, destination))
    return ButtonElement(text=plain_text(text), action_id=ids.REPORTED_EXTERNALLY, value=str(deviation_id),
                         style=None if for_leaders else "primary")


def plain_text(text: str, limit: int = BUTTON_TEXT_MAX) -> PlainTextObject:
    """Text that comes partly from the office config, cut to fit Block Kit's limit."""
    return PlainTextObject(text=text if len(text) <= limit else text[: limit - 1] + "…", emoji=True)


def follow_up_blocks(deviation_id: int, route: Route, office: Office, *, state: State,
                     external_reference: str | None) -> list:
    """For a case reported elsewhere: the button while it waits, the reference once it is in."""
    if not route.is_external:
        return []
    loc, system = office.locale, _system(office, route.destination)
    if external_reference:
        return [ContextBlock(elements=[mrkdwn(t("external.done", loc, system=system,
                                                external=escape(external_reference)))])]
    if state is not State.FORWARDED:
        return []
    return [
        SectionBlock(text=mrkdwn(t("external.waiting", loc, system=system))),
        ActionsBlock(block_id=ids.EXTERNAL_REFERENCE_ACTIONS,
                     elements=[reference_button(deviation_id, route.destination, office)]),
    ]


def reference_view(deviation_id: int, reference: str, destination: Destination, office: Office, *,
                   message: dict[str, str] | None = None) -> View:
    """The small modal for the other system's reference. `message` is the receipt DM it came from
    (channel and ts), so the receipt can drop its button once the reference is in."""
    loc, system = office.locale, _system(office, destination)
    metadata = {"case": deviation_id, **({"message": message} if message else {})}
    return View(
        type="modal",
        callback_id=ids.EXTERNAL_REFERENCE_VIEW,
        title=plain("external.modal.title", loc),
        submit=plain("external.modal.submit", loc),
        close=plain("receipt.close", loc),
        private_metadata=seal(metadata),
        blocks=[
            SectionBlock(text=mrkdwn(t("external.modal.intro", loc, reference=reference, system=system))),
            InputBlock(block_id=ids.EXTERNAL_REFERENCE_FIELD,
                       label=plain_text(t("external.field.label", loc, system=system), 2000),
                       hint=plain("external.field.hint", loc),
                       element=PlainTextInputElement(action_id=ids.VALUE, max_length=REFERENCE_MAX)),
        ],
    )


def saved_view(reference: str, external_reference: str, destination: Destination, office: Office) -> View:
    loc = office.locale
    text = t("external.saved.text", loc, external=escape(external_reference), reference=reference,
             system=_system(office, destination))
    return notice_view("external.saved.title", text, loc)


def notice_view(title_key: str, text: str, loc: Locale) -> View:
    """A modal that only says something: a refusal, a problem, a confirmation."""
    return View(type="modal", callback_id=ids.RECEIPT_VIEW, title=plain(title_key, loc),
                close=plain("receipt.close", loc), blocks=[SectionBlock(text=mrkdwn(text))])


# --- help: «Hvor melder jeg hva?» ---------------------------------------------------------------

def routes_by_destination(office: Office) -> dict[Destination, list[Route]]:
    """Every category's route, grouped by destination in the seed's order."""
    grouped: dict[Destination, list[Route]] = {}
    for category in Category:
        route = office.route(category)
        grouped.setdefault(route.destination, []).append(route)
    return {d: grouped[d] for d in Destination if d in grouped}


def where_blocks(office: Office) -> list:
    """The table of seed 000's «Hvor melder jeg hva?», as this office has it configured."""
    loc = office.locale
    blocks: list = [
        HeaderBlock(text=plain("guide.where.header", loc)),
        SectionBlock(text=mrkdwn(t("guide.where.intro", loc, office=office.name))),
    ]
    for destination, routes in routes_by_destination(office).items():
        info = office.destination(destination)
        lines = [f"*{info.name}*"]
        for route in routes:
            alert = f" {t('guide.where.alert', loc)}" if route.alerts_leaders_at_once else ""
            lines.append(f"• {t(f'category.{route.category.value}', loc)}{alert}")
            if has(f"category_help.{route.category.value}"):  # seed 000's words under the category
                lines.append(f"   _{t(f'category_help.{route.category.value}', loc)}_")
        lines.append(info.instructions)
        if link := _link(office, destination):
            lines.append(link)
        handling = routes[0].handling  # one destination, one handling (bot.routing.rules.HANDLING)
        lines.append(t(f"guide.handling.{handling.value}", loc, system=info.name))
        if routes[0].keeps_minimal_text:
            lines.append(t("guide.handling.minimal", loc))
        blocks.append(SectionBlock(text=mrkdwn("\n".join(lines)[:3000])))
    return blocks


def process_block(office: Office) -> SectionBlock:
    """Seed 000, «Prosessen for avvikshåndtering»: the eight steps."""
    return SectionBlock(text=mrkdwn(t("guide.process", office.locale)))


def status_next(deviation: Deviation, office: Office) -> str:
    """What happens next, truthfully at every state: a case reported elsewhere is followed up there
    («Meldt i ASYS (ref …); følges opp der»), never «Tiltakene er gjennomført»."""
    loc, state = office.locale, State(deviation.state)
    external = HANDLING.get(Destination(deviation.destination)) is Handling.EXTERNAL
    if external and state in (State.FORWARDED, State.READY_TO_CLOSE):
        system = escape(office.destination(deviation.destination).name)
        if not deviation.external_reference:
            return t("status.external.waiting", loc, system=system)
        where = t("status.external.followed", loc, system=system, external=escape(deviation.external_reference))
        return f"{where} {t(f'status.external.next.{state.value}', loc)}"
    return t(f"status.next.{state.value}", loc)
