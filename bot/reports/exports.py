"""The report as a file for the business-plan document: XLSX, CSV or Markdown.

Seed 000: leaders «benytter seg av erfaringene fra avvikshåndteringen inn i
virksomhetsplaneringen». These files are how the figures and lessons get there.

- **xlsx**: six sheets: the summary (every figure, this period, the one before, the
  change, then the counts by kind, category, destination and severity), the cases (one row per
  case registered in the period, no free text and no people), the actions under way in the
  period, the lessons by category, and Kvalitetssystemet's part (seed 002): one row per quality
  round and area (reviews, distribution of scores, mean, trend against the previous round of the
  same target group, recurring themes), and the quality measures under way in the period.
- **csv**: the cases sheet alone, one row per case registered in the period, for further
  counting in a spreadsheet; RFC 4180 (comma-separated, quoted where needed), UTF-8 with a byte
  order mark so Excel reads æøå, ISO dates, decimals with a point.
- **md**: the summary, the counts, the overdue actions, the lessons, what changed, and the
  quality rounds and measures, as Markdown to paste into the business plan.

No reporter anywhere; action owners only when the report is the leaders' version.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from enum import StrEnum

from bot.i18n import Locale, format_date, t
from bot.office import Office
from bot.quality.rules import round_title
from bot.reports.figures import Audience, DeviationRow, Overdue, Report
from bot.reports.wording import (
    DIMENSIONS,
    action_state_label,
    area_label,
    change_label,
    comparison_line,
    decimal,
    dimension_label,
    measure_line,
    measures_summary,
    number,
    one_line,
    round_line,
    scope_label,
    score_columns,
    score_counts,
    signed,
    span,
    term_label,
    themes_text,
    trend_label,
    value_label,
)


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    MD = "md"


def render(report: Report, office: Office, fmt: Format) -> bytes:
    """The report in `fmt`, as the bytes of the file."""
    if fmt is Format.XLSX:
        return to_xlsx(report, office)
    if fmt is Format.CSV:
        return to_csv(report, office).encode("utf-8-sig")
    return to_markdown(report, office).encode("utf-8")


# --- the rows every format shares -------------------------------------------------------------

def counts(report: Report, dimension: str) -> list[tuple[str, int, int]]:
    """(value, this period, before) for each value of a dimension seen in either period."""
    current = getattr(report.current, f"by_{dimension}")
    previous = getattr(report.previous, f"by_{dimension}")
    return [(value, current.get(value, 0), previous.get(value, 0))
            for value in dict.fromkeys([*current, *previous]) if current.get(value) or previous.get(value)]


def deviation_columns(loc: Locale) -> list[str]:
    return [t(f"report.column.{name}", loc) for name in (
        "reference", "registered_on", "kind", "category", "destination", "severity", "citizen_rights", "state",
        "assessed_on", "closed_on", "days_to_assessment", "days_to_closure")]


def deviation_values(row: DeviationRow, office: Office) -> list[object]:
    loc = office.locale
    return [row.reference, row.registered_on, value_label("kind", row.kind, office),
            value_label("category", row.category, office), value_label("destination", row.destination, office),
            value_label("severity", row.severity, office), value_label("rights", row.citizen_rights, office),
            t(f"state.{row.state}", loc) if row.state else "", row.assessed_on, row.closed_on,
            _round(row.days_to_assessment), _round(row.days_to_closure)]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# --- CSV ----------------------------------------------------------------------------------------

def to_csv(report: Report, office: Office) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(deviation_columns(office.locale))
    for row in report.deviations:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v
                         for v in deviation_values(row, office)])
    return buffer.getvalue()


# --- XLSX ---------------------------------------------------------------------------------------

def sheet_names(loc: Locale) -> list[str]:
    return [t(f"report.sheet.{name}", loc) for name in ("summary", "cases", "actions", "lessons", "quality",
                                                         "measures")]


def to_xlsx(report: Report, office: Office) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    loc = office.locale
    bold = Font(bold=True)
    workbook = Workbook()
    summary = workbook.active
    names = sheet_names(loc)
    summary.title = names[0]
    cur, prev = report.period, report.previous.period

    summary.append([t("report.title", loc, period=cur.label)])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([office.name])
    summary.append([t("report.column.period", loc), cur.first, cur.last])
    summary.append([t("report.column.previous", loc), prev.first, prev.last])
    summary.append([t("report.column.generated", loc),
                    report.generated_at.astimezone(report.tz).replace(tzinfo=None)])
    summary.append([])
    _header(summary, [t("report.column.figure", loc), cur.label, prev.label, t("report.column.change", loc)], bold)
    for change in report.totals():
        summary.append([change_label(change, office), _round(change.current), _round(change.previous),
                        _round(change.delta)])
    for dimension in DIMENSIONS:
        summary.append([])
        _header(summary, [dimension_label(dimension, loc), cur.label, prev.label,
                          t("report.column.change", loc)], bold)
        for value, now, before in counts(report, dimension):
            summary.append([value_label(dimension, value, office), now, before, now - before])

    deviations = workbook.create_sheet(names[1])
    _header(deviations, deviation_columns(loc), bold)
    for row in report.deviations:
        deviations.append(deviation_values(row, office))

    actions = workbook.create_sheet(names[2])
    columns = ["reference", "category", "term", "description", "due_on", "action_state", "finished_on",
               "overdue_at_end"] + (["owner"] if report.audience is Audience.LEADERS else [])
    _header(actions, [t(f"report.column.{c}", loc) for c in columns], bold)
    for action in report.actions:
        values = [action.reference, value_label("category", action.category, office),
                  term_label(action.term, loc),
                  action.description if action.description is not None else t("report.withheld", loc),
                  action.due_on, action_state_label(action.state, loc), action.finished_on,
                  t("report.yes" if action.overdue_at_end else "report.no", loc)]
        if report.audience is Audience.LEADERS:
            values.append(action.owner_id)
        actions.append(values)

    lessons = workbook.create_sheet(names[3])
    _header(lessons, [t(f"report.column.{c}", loc) for c in ("category", "reference", "closed_on", "lesson")], bold)
    for category, items in report.current.lessons.items():
        for lesson in items:
            lessons.append([value_label("category", category, office), lesson.reference, lesson.closed_on,
                            lesson.text])
    if report.current.lessons_withheld:
        lessons.append([])
        lessons.append([t("report.lessons.withheld", loc, count=report.current.lessons_withheld)])

    _quality_sheets(workbook, report, office, bold)
    for sheet in workbook.worksheets:
        _tidy(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _quality_sheets(workbook, report: Report, office: Office, bold) -> None:  # type: ignore[no-untyped-def]
    """«Kvalitet»: one row per round and area; «Kvalitetstiltak»: the measures under way in the period."""
    loc, names = office.locale, sheet_names(office.locale)
    rounds = workbook.create_sheet(names[4])
    _header(rounds, [t(f"report.column.{c}", loc) for c in (
        "round", "target_group", "opens_on", "closes_on", "round_state", "reviews", "review_target", "area",
        "mean", "previous_round", "previous_mean", "trend")] + score_columns(loc) + [t("report.column.themes", loc)],
        bold)
    for summary in report.quality.rounds:
        head = [round_title(summary.name, loc), t(f"quality.group.{summary.target_group}", loc), summary.opens_on,
                summary.closes_on, t("report.quality.closed" if summary.closed else "report.quality.running", loc),
                summary.reviews, summary.target]
        previous = round_title(summary.previous, loc) if summary.previous else None
        for area in summary.areas:
            rounds.append([*head, area_label(area.area.value, loc), area.mean, previous, area.previous_mean,
                           trend_label(area, loc) if area.trend else None, *score_counts(area),
                           themes_text(area, limit=20) or None])

    measures = workbook.create_sheet(names[5])
    # the state at the period's end (or now), like the rest of the quality section
    day = format_date(report.current.as_of.astimezone(report.tz).date(), loc)
    columns = [t(f"report.column.{c}", loc) for c in ("round", "area", "scope", "description", "due_on")]
    columns += [t("report.column.state_at", loc, day=day)]
    columns += [t(f"report.column.{c}", loc) for c in ("finished_on", "overdue_at_end")]
    columns += [t("report.column.owner", loc)] if report.audience is Audience.LEADERS else []
    _header(measures, columns, bold)
    for measure in report.quality.measures:
        values = [round_title(measure.round, loc), area_label(measure.area, loc), scope_label(measure.scope, loc),
                  measure.description, measure.due_on, action_state_label(measure.state, loc), measure.finished_on,
                  t("report.yes" if measure.overdue_at_end else "report.no", loc)]
        if report.audience is Audience.LEADERS:
            values.append(measure.owner_id)
        measures.append(values)


def _header(sheet, values: list[str], font) -> None:  # type: ignore[no-untyped-def]
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = font


def _tidy(sheet) -> None:  # type: ignore[no-untyped-def]
    """Dates as dates, text as text (a lesson or measure typed as «=…» is never run as a formula), and
    columns wide enough to read."""
    widths: dict[str, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # the report writes no formulas: this is someone's text
                cell.data_type = "s"
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd hh:mm" if hasattr(cell.value, "hour") else "yyyy-mm-dd"
            length = min(len(str(cell.value)) if cell.value is not None else 0, 60)
            widths[cell.column_letter] = max(widths.get(cell.column_letter, 8), length + 2)
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    if sheet.max_row > 1 and sheet.title != sheet.parent.worksheets[0].title:
        sheet.freeze_panes = "A2"


# --- Markdown -----------------------------------------------------------------------------------

def _withheld(report: Report, what: str, loc: Locale) -> str:
    """Beside the lessons' count: how many were withheld (HMS/ASYS), so the number is not read as all."""
    count = report.current.lessons_withheld if what == "lessons" else 0
    return " " + t("report.lessons.withheld_count", loc, count=count) if count else ""


def to_markdown(report: Report, office: Office) -> str:
    loc = office.locale
    cur, prev = report.current, report.previous
    out: list[str] = [
        f"# {t('report.title', loc, period=cur.period.label)}",
        "",
        t("report.context", loc, office=office.name, span=span(cur.period, loc), previous=prev.period.label,
          previous_span=span(prev.period, loc)),
        "",
        f"## {t('report.summary_header', loc)}",
        "",
        *_table([t("report.column.figure", loc), cur.period.label, prev.period.label, t("report.column.change", loc)],
                [[change_label(c, office), number(_round(c.current), loc) + _withheld(report, c.what, loc),
                  number(_round(c.previous), loc), signed(_round(c.delta), loc)] for c in report.totals()]),
    ]
    for dimension in DIMENSIONS:
        out += ["", f"## {dimension_label(dimension, loc)}", ""]
        rows = [[value_label(dimension, value, office), str(now), str(before), signed(now - before, loc)]
                for value, now, before in counts(report, dimension)]
        out += _table([dimension_label(dimension, loc), cur.period.label, prev.period.label,
                       t("report.column.change", loc)], rows) if rows else [t("report.none", loc)]

    out += ["", f"## {t('report.overdue.header', loc, count=len(cur.overdue))}", ""]
    out += [f"- {overdue_line(o, office, mention=_plain_owner)}" for o in cur.overdue] or [
        t("report.overdue.none", loc)]

    out += ["", f"## {t('report.lessons.header', loc)}", ""]
    if not cur.lessons:
        out.append(t("report.lessons.none", loc))
    for category, items in cur.lessons.items():
        out += [f"### {value_label('category', category, office)}", ""]
        out += [f"- {lesson.reference} ({format_date(lesson.closed_on, loc)}): {one_line(lesson.text, 2000)}"
                for lesson in items]
        out.append("")
    if cur.lessons_withheld:
        out += [f"_{t('report.lessons.withheld', loc, count=cur.lessons_withheld)}_"]

    out += ["", f"## {t('report.changes.header', loc, previous=prev.period.label)}", ""]
    out += [f"- {line}" for line in change_lines(report, office)]
    out += quality_markdown(report, office)
    return "\n".join(out).rstrip() + "\n"


def quality_markdown(report: Report, office: Office) -> list[str]:
    """The rounds of the period, each with a table per area, then the measures under way."""
    loc, quality = office.locale, report.quality
    out = ["", f"## {t('report.quality.header', loc)}", ""]
    if not quality.rounds:
        out.append(t("report.quality.none", loc))
    for summary in quality.rounds:
        out += [f"### {round_title(summary.name, loc)}", "", round_line(summary, loc) + ".", ""]
        out += _table([t("report.column.area", loc), t("report.column.mean", loc),
                       t("report.column.previous_mean", loc), t("report.column.trend", loc), *score_columns(loc)],
                      [[area_label(a.area.value, loc), decimal(a.mean, loc), decimal(a.previous_mean, loc),
                        trend_label(a, loc), *map(str, score_counts(a))] for a in summary.areas])
        themes = [f"- {t('report.quality.themes', loc, area=area_label(a.area.value, loc), themes=themes_text(a))}"
                  for a in summary.areas if a.themes]
        out += ["", *themes, *([""] if themes else []), f"_{comparison_line(summary, loc)}_", ""]
    out += ["", f"### {t('report.quality.measures_header', loc)}", ""]
    if not quality.measures:
        return [*out, t("report.quality.measures_none", loc)]
    out += [measures_summary(quality, loc, running=report.running), ""]
    return out + [f"- {measure_line(m, loc, mention=_plain_owner)}" for m in quality.measures]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [line(header), "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|", *map(line, rows)]


def _plain_owner(owner_id: str) -> str:
    return owner_id


def overdue_line(overdue: Overdue, office: Office, mention: Callable[[str], str],
                 clean: Callable[[str], str] = lambda text: text) -> str:
    """`AVV-2026-0012 · frist 02.05.2026 (59 dager over) · Kortsiktig: …` (+ the owner, leaders only).

    `clean` makes the free text safe for the target markup; `mention` writes the owner."""
    loc = office.locale
    line = t("report.overdue.line", loc, reference=overdue.reference, due_on=format_date(overdue.due_on, loc),
             days=overdue.days_overdue, term=term_label(overdue.term, loc))
    if overdue.description:
        line += f": {clean(one_line(overdue.description, 150))}"
    if overdue.owner_id:
        line += " · " + t("report.overdue.owner", loc, owner=mention(overdue.owner_id))
    return line


def change_lines(report: Report, office: Office) -> list[str]:
    """What moved since the period before, category by category, the biggest change first (the
    totals carry their change beside them already)."""
    loc = office.locale
    moved = sorted(report.changes()[len(report.totals()):], key=lambda c: (-abs(c.delta or 0), c.what))
    return [t("report.changes.line", loc, what=change_label(c, office), now=number(c.current, loc),
              before=number(c.previous, loc), delta=signed(c.delta, loc)) for c in moved] or [
        t("report.changes.none", loc)]
