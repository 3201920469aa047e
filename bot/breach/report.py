"""Breaches in a period report (issue 21, point 5): counts and medians only, never who or what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.breach.rules import Figures, figures
from bot.i18n import Locale, t
from store import breach as store


def load(session: Session, office_id: str, start: datetime, end: datetime) -> Figures:
    return figures([(b.discovered_at, b.reference_at, b.decided_at)
                    for b in store.discovered_between(session, office_id, start, end)])


def lines(found: Figures, loc: Locale) -> list[str]:
    """The report's section: a header and one line of figures (nothing when the period had none)."""
    if not found.count:
        return []

    def hours(value: float | None) -> str:
        if value is None:
            return t("breach.report.none", loc)
        shown = f"{value:g}".replace(".", ",") if loc == "nb" else f"{value:g}"
        return t("breach.report.hours", loc, hours=shown)

    return [t("breach.report.header", loc),
            t("breach.report.figures", loc, count=found.count, to_reference=hours(found.median_hours_to_reference),
              to_decision=hours(found.median_hours_to_decision), met=found.met_deadline)]
