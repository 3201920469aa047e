"""Words and numbers for a report, shared by the Slack message and the exports.

Numbers are written the office's way (Bokmål: decimal comma); every label comes from the
message catalogue, and destination names from the office config.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.i18n import Locale, format_date, has, t
from bot.office import Office
from bot.quality.report import MeasureRow, QualitySection, RoundSummary
from bot.quality.rules import NOT_RELEVANT, SCALE, AreaSummary, round_title
from bot.reports.county import CountyReport, OfficeFigures
from bot.reports.figures import Change, Report
from bot.reports.periods import Period, Span
from bot.reports.risk import NOT_ASSESSED, Recurring
from bot.routing.rules import Destination

DIMENSIONS = ("kind", "category", "destination", "severity")
LEARNING = ("risk", "cause", "effect")  # issue 22: Figures.by_risk, by_cause, by_effect


def number(value: float | None, locale: Locale) -> str:
    """`7`, `2,5` (nb) or `2.5` (en); a missing value is a dash."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.1f}"
    return text.replace(".", ",") if locale == "nb" else text


def decimal(value: float | None, locale: Locale) -> str:
    """A mean score, always with one decimal: `3,0`, `2,7` (nb) or `2.7` (en); a dash when there is none."""
    if value is None:
        return "–"
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


def period_name(period: Period, locale: Locale) -> str:
    """How people name the period: «2026», «2. halvår 2026», «mars 2026», «01.01.2026–31.03.2026».
    (`Period.label`, `2026H2`, stays what a leader types and what a file is named.)"""
    from babel.dates import format_date as babel_date

    if period.span is Span.YEAR:
        return str(period.first.year)
    if period.span is Span.HALF:
        return t("report.period.half", locale, half=1 if period.first.month == 1 else 2, year=period.first.year)
    if period.span is Span.MONTH:
        return babel_date(period.first, "LLLL y", locale=locale)
    return f"{format_date(period.first, locale)}–{format_date(period.last, locale)}"


def span(period: Period, locale: Locale) -> str:
    return dates(period.first, period.last, locale)


def dates(first: date, last: date, locale: Locale) -> str:
    """`01.01.2026–30.06.2026`: a report writes its dates as the office reads them."""
    return f"{format_date(first, locale)}–{format_date(last, locale)}"


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


# --- the quality section ------------------------------------------------------------------------

def round_line(summary: RoundSummary, locale: Locale) -> str:
    """«AAP-mottakere, 30 år eller eldre · 01.03.2026–30.04.2026 · avsluttet · 9 av 9 gjennomgåtte saker»."""
    return t("report.quality.round_line", locale, group=t(f"quality.group.{summary.target_group}", locale),
             span=dates(summary.opens_on, summary.closes_on, locale),
             state=t("report.quality.closed" if summary.closed else "report.quality.running", locale),
             reviews=summary.reviews, target=summary.target)


def area_label(area: str, locale: Locale) -> str:
    key = f"quality.area.{area}"
    return t(key, locale) if has(key) else area


def score_columns(locale: Locale) -> list[str]:
    """«4 – Svært god» … «1 – Svak», «Ikke relevant»: the best score first, as the review modal shows them."""
    return [t(f"quality.score.{score}", locale) for score in reversed(SCALE)] + [
        t(f"quality.score.{NOT_RELEVANT}", locale)]


def score_counts(area: AreaSummary) -> list[int]:
    """The distribution in the order of score_columns."""
    return [area.distribution.get(score, 0) for score in reversed(SCALE)] + [area.distribution.get(None, 0)]


def trend_label(area: AreaSummary, locale: Locale) -> str:
    return t(f"quality.trend.{area.trend.value}", locale) if area.trend is not None else "–"


def area_line(area: AreaSummary, locale: Locale) -> str:
    """«*Arbeidsretting*: snitt 3,2 · positiv utvikling (forrige: 2,8)» (mrkdwn)."""
    trend = ""
    if area.trend is not None:
        trend = t("quality.assessment.trend", locale, trend=trend_label(area, locale),
                  previous=decimal(area.previous_mean, locale))
    if area.mean is None:
        return t("report.quality.area_unscored", locale, area=area_label(area.area.value, locale))
    return t("report.quality.area_line", locale, area=area_label(area.area.value, locale),
             mean=decimal(area.mean, locale), trend=trend)


def themes_text(area: AreaSummary, limit: int = 6) -> str:
    """«tett kontakt (3), saksmengde (2)»: the recurring tags, most frequent first."""
    return ", ".join(f"{tag} ({n})" for tag, n in area.themes[:limit])


def comparison_line(summary: RoundSummary, locale: Locale) -> str:
    """Which round the trends are measured against (seed 002: only the same target group)."""
    if summary.previous is None:
        return t("quality.assessment.no_previous", locale)
    return t("quality.assessment.compared", locale, previous=round_title(summary.previous, locale))


def measures_summary(section: QualitySection, locale: Locale, *, running: bool) -> str:
    states = section.measures_by_state()
    return t("report.quality.measures_summary_now" if running else "report.quality.measures_summary", locale,
             count=len(section.measures), open=states["apen"], done=states["utfort"], dropped=states["forkastet"],
             overdue=len(section.overdue))


def scope_label(scope: str, locale: Locale) -> str:
    key = f"quality.scope.{scope}"
    return t(key, locale) if has(key) else scope


def measure_line(measure: MeasureRow, locale: Locale, mention: Callable[[str], str],
                 clean: Callable[[str], str] = lambda text: text) -> str:
    """«Kvalitetsmåling vår 2026 · Arbeidsretting · Kontoret · frist 01.09.2026 · Åpent: …» (+ the owner,
    leaders only). `clean` makes the free text safe for the target markup; `mention` writes the owner."""
    state = action_state_label(measure.state, locale)
    if measure.overdue_at_end:
        state += f" ({t('report.quality.overdue', locale)})"
    line = t("report.quality.measure_line", locale, round=round_title(measure.round, locale),
             area=area_label(measure.area, locale), scope=scope_label(measure.scope, locale),
             due_on=format_date(measure.due_on, locale), state=state)
    line += f": {clean(one_line(measure.description, 150))}"
    if measure.owner_id:
        line += " · " + t("report.overdue.owner", locale, owner=mention(measure.owner_id))
    return line


# --- risk, cause and effect (issue 22) ----------------------------------------------------------

def learning_label(dimension: str, value: str, report: Report, locale: Locale) -> str:
    """«Gul», «Rutine ikke fulgt» (the office's label for a cause type), «Virket delvis», «Ikke vurdert»."""
    if value == NOT_ASSESSED:
        return t("report.not_assessed", locale)
    if dimension == "cause" and report.causes.get(value):
        return report.causes[value]
    key = f"report.{dimension}.{value}"
    return t(key, locale) if has(key) else value


def learning_counts(report: Report, dimension: str) -> list[tuple[str, int, int]]:
    """(value, this period, before): every colour and every answer (zeros too, so the distribution
    reads whole), the cause types seen in either period."""
    current = getattr(report.current, f"by_{dimension}")
    previous = getattr(report.previous, f"by_{dimension}")
    return [(value, current.get(value, 0), previous.get(value, 0)) for value in dict.fromkeys([*current, *previous])
            if dimension != "cause" or current.get(value) or previous.get(value)]


def recurring_mark(row: Recurring, locale: Locale) -> str:
    """«går igjen, flere enn før», «går igjen», «ny» or «ikke i denne perioden»: a line under «Årsaker som
    går igjen» without a mark would read as one that recurs."""
    if row.rising:
        return t("report.recurring.rising", locale)
    if row.recurs:
        return t("report.recurring.recurs", locale)
    return t("report.recurring.new", locale) if row.new else t("report.recurring.gone", locale)


def recurring_line(row: Recurring, report: Report, locale: Locale) -> str:
    """«Rutine ikke fulgt: 5 (før: 3) · går igjen, flere enn før»."""
    mark = recurring_mark(row, locale)
    return t("report.recurring.line", locale, cause=learning_label("cause", row.cause, report, locale),
             now=row.current, before=row.previous, mark=f" · {mark}" if mark else "")


# --- the county report (issue 24) -----------------------------------------------------------------

COUNTY_DIMENSIONS = ("kind", "risk", "category", "destination", "effect")


def county_dimension_label(dimension: str, locale: Locale) -> str:
    key = f"report.county.dimension.{dimension}"
    return t(key, locale) if has(key) else dimension_label(dimension, locale)


def county_value_label(dimension: str, value: str, locale: Locale) -> str:
    """«Brudd», «Rød», «Virket delvis», «Ikke vurdert», «TQM (kommunen)»: risk and answers in the period
    report's words; the county's offices may each name a destination their own way, so the county report
    names the systems themselves."""
    if value == NOT_ASSESSED:
        return t("report.not_assessed", locale)
    key = {"kind": f"kind.{value}", "category": f"category.{value}",
           "destination": f"report.county.destination.{value}"}.get(dimension, f"report.{dimension}.{value}")
    return t(key, locale) if has(key) else value


def county_counts(figures: OfficeFigures, dimension: str) -> dict[str, int]:
    return getattr(figures, f"by_{dimension}")


def county_values(report: CountyReport, dimension: str) -> list[str]:
    """The values a table shows: every kind, risk band and answer; the categories and destinations seen."""
    counts = county_counts(report.total, dimension)
    return [value for value, n in counts.items() if n or dimension in ("kind", "risk", "effect")]
