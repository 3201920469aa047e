"""Words and numbers for a report, shared by the Slack message and the exports.

Numbers are written the office's way (Bokmål: decimal comma); every label comes from the
message catalogue, and destination names from the office config.
"""

from __future__ import annotations

from bot.i18n import Locale, has, t
from bot.office import Office
from bot.periods import Period
from bot.report import Change
from bot.routing import Destination

DIMENSIONS = ("kind", "category", "destination", "severity")


def number(value: float | None, locale: Locale) -> str:
    """`7`, `2,5` (nb) or `2.5` (en); a missing value is a dash."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.1f}"
    return text.replace(".", ",") if locale == "nb" else text


def signed(delta: float | None, locale: Locale) -> str:
    """A change: `+3`, `-2`, `±0`, or a dash when one side has no value."""
    if delta is None:
        return "–"
    if delta == 0:
        return "±0"
    return ("+" if delta > 0 else "-") + number(abs(delta), locale)


def days(value: float | None, locale: Locale) -> str:
    return t("report.no_days", locale) if value is None else t("report.days", locale, days=number(value, locale))


def span(period: Period) -> str:
    return f"{period.first.isoformat()}–{period.last.isoformat()}"


def value_label(dimension: str, value: str, office: Office) -> str:
    """The label of a stored value: «Brudd», «Lokale rutiner», the office's name for a destination."""
    if dimension == "destination":
        try:
            info = office.destinations.get(Destination(value))
        except ValueError:
            info = None
        return info.name if info else value
    key = f"{dimension}.{value}"
    return t(key, office.locale) if has(key) else value


def dimension_label(dimension: str, locale: Locale) -> str:
    return t(f"report.dimension.{dimension}", locale)


def change_label(change: Change, office: Office) -> str:
    key = f"report.change.{change.what}"
    return t(key, office.locale) if has(key) else value_label("category", change.what, office)


def term_label(term: str, locale: Locale) -> str:
    key = f"report.term.{term}"
    return t(key, locale) if has(key) else term


def action_state_label(state: str, locale: Locale) -> str:
    key = f"report.action_state.{state}"
    return t(key, locale) if has(key) else state


def one_line(text: str, limit: int = 300) -> str:
    """Free text on one line, cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
