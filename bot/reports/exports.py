"""The report as a file for the business-plan document: XLSX, CSV or Markdown.

Seed 000: leaders «benytter seg av erfaringene fra avvikshåndteringen inn i
virksomhetsplaneringen». These files are how the figures and lessons get there.

- **xlsx**: seven sheets: the summary (every figure, this period, the one before, the
  change, then the counts by kind, category, destination and severity), the cases (one row per
  case registered in the period, no free text and no people), the actions under way in the
  period, the lessons by category, risk and cause (issue 22: the period's cases by risk colour and
  by cause type, the effect checks, each cause marked when it recurs and rises), and
  Kvalitetssystemet's part (seed 002): one row per quality
  round and area (reviews, distribution of scores, mean, trend against the previous round of the
  same target group, recurring themes), and the quality measures under way in the period.
- **csv**: the cases sheet alone, one row per case registered in the period, for further
  counting in a spreadsheet, as Norwegian Excel opens it with a double-click: semicolon-separated
  (a comma is the decimal sign there), decimals with a comma, UTF-8 with a byte order mark so it
  reads æøå, ISO dates (which Excel reads as dates in every locale).
- **md**: the summary, the counts, risk, cause, effect checks and recurring causes, the overdue
  actions (their count, and the oldest `MD_OVERDUE_MAX`), the lessons, what changed, and the
  quality rounds and measures, as Markdown to paste into the business plan.

No reporter anywhere; action owners only when the report is the leaders' version, named by their
Slack display name when the caller can look it up (`name_of`), never stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from enum import StrEnum

from bot.breach import report as breach_report
from bot.i18n import Locale, format_date, t, t_count
from bot.office import Office
from bot.quality.rules import round_title
from bot.reports.county import CountyReport, OfficeFigures
from bot.reports.figures import Audience, DeviationRow, Overdue, Report
from bot.reports.wording import (
    COUNTY_DIMENSIONS,
    DIMENSIONS,
    LEARNING,
    action_state_label,
    area_label,
    change_label,
    comparison_line,
    county_counts,
    county_dimension_label,
    county_value_label,
    county_values,
    decimal,
    dimension_label,
    learning_counts,
    learning_label,
    measure_line,
    measures_summary,
    number,
    one_line,
    period_name,
    recurring_line,
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

MD_OVERDUE_MAX = 20  # the Markdown lists the oldest overdue actions, and counts them all

Names = Callable[[str], str]  # a Slack user id → the name a reader knows them by


def _ids(user_id: str) -> str:
    return user_id


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    MD = "md"


def render(report: Report, office: Office, fmt: Format, name_of: Names = _ids) -> bytes:
    """The report in `fmt`, as the bytes of the file; `name_of` writes an owner (leaders' version)."""
    if fmt is Format.XLSX:
        return to_xlsx(report, office, name_of)
    if fmt is Format.CSV:
        return to_csv(report, office).encode("utf-8-sig")
    return to_markdown(report, office, name_of).encode("utf-8")


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
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(deviation_columns(office.locale))
    for row in report.deviations:
        writer.writerow([_csv_cell(v) for v in deviation_values(row, office)])
    return buffer.getvalue()


def _csv_cell(value: object) -> object:
    """A cell as Norwegian Excel reads it: ISO dates, a decimal comma, nothing for nothing."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return value


# --- XLSX ---------------------------------------------------------------------------------------

def sheet_names(loc: Locale) -> list[str]:
    return [t(f"report.sheet.{name}", loc) for name in ("summary", "cases", "actions", "lessons", "learning",
                                                         "quality", "measures")]


def to_xlsx(report: Report, office: Office, name_of: Names = _ids) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    loc = office.locale
    bold = Font(bold=True)
    workbook = Workbook()
    summary = workbook.active
    names = sheet_names(loc)
    summary.title = names[0]
    cur, prev = report.period, report.previous.period

    summary.append([t("report.title", loc, period=period_name(cur, loc))])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([office.name])
    summary.append([t("report.column.period", loc), cur.first, cur.last])
    summary.append([t("report.column.previous", loc), prev.first, prev.last])
    summary.append([t("report.column.generated", loc),
                    report.generated_at.astimezone(report.tz).replace(tzinfo=None)])
    summary.append([])
    now_name, before_name = period_name(cur, loc), period_name(prev, loc)
    _header(summary, [t("report.column.figure", loc), now_name, before_name, t("report.column.change", loc)], bold)
    for change in report.totals():
        summary.append([change_label(change, office), _round(change.current), _round(change.previous),
                        _round(change.delta)])
    for dimension in DIMENSIONS:
        summary.append([])
        _header(summary, [dimension_label(dimension, loc), now_name, before_name,
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
            values.append(name_of(action.owner_id) if action.owner_id else None)
        actions.append(values)

    lessons = workbook.create_sheet(names[3])
    _header(lessons, [t(f"report.column.{c}", loc) for c in ("category", "reference", "closed_on", "lesson")], bold)
    for category, items in report.current.lessons.items():
        for lesson in items:
            lessons.append([value_label("category", category, office), lesson.reference, lesson.closed_on,
                            lesson.text])
    if report.current.lessons_withheld:
        lessons.append([])
        lessons.append([t_count("report.lessons.withheld", loc, report.current.lessons_withheld)])

    _learning_sheet(workbook.create_sheet(names[4]), report, office, bold)
    _quality_sheets(workbook, report, office, bold, name_of)
    for sheet in workbook.worksheets:
        _tidy(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _quality_sheets(workbook, report: Report, office: Office, bold,  # type: ignore[no-untyped-def]
                    name_of: Names = _ids) -> None:
    """«Kvalitet»: one row per round and area; «Kvalitetstiltak»: the measures under way in the period."""
    loc, names = office.locale, sheet_names(office.locale)
    rounds = workbook.create_sheet(names[5])
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

    measures = workbook.create_sheet(names[6])
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
            values.append(name_of(measure.owner_id) if measure.owner_id else None)
        measures.append(values)


def _learning_sheet(sheet, report: Report, office: Office, bold) -> None:  # type: ignore[no-untyped-def]
    """«Risiko og årsak» (issue 22): a table each for risk, cause and effect, this period beside the
    one before; a cause type is marked when it recurs and when it rises."""
    loc = office.locale
    now_name, before_name = period_name(report.period, loc), period_name(report.previous.period, loc)
    recurring = {row.cause: row for row in report.recurring_causes()}
    for dimension in LEARNING:
        marks = [t("report.column.recurs", loc), t("report.column.rising", loc)] if dimension == "cause" else []
        _header(sheet, [dimension_label(dimension, loc), now_name, before_name, t("report.column.change", loc),
                        *marks], bold)
        for value, now, before in learning_counts(report, dimension):
            row = recurring.get(value) if dimension == "cause" else None
            flags = [t("report.yes" if row.recurs else "report.no", loc),
                     t("report.yes" if row.rising else "report.no", loc)] if row else []
            sheet.append([learning_label(dimension, value, report, loc), now, before, now - before, *flags])
        if dimension == "effect":
            sheet.append([t("report.effect.scope", loc)])
        sheet.append([])


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


def to_markdown(report: Report, office: Office, name_of: Names = _ids) -> str:
    loc = office.locale
    cur, prev = report.current, report.previous
    now_name, before_name = period_name(cur.period, loc), period_name(prev.period, loc)
    out: list[str] = [
        f"# {t('report.title', loc, period=period_name(cur.period, loc))}",
        "",
        t("report.context", loc, office=office.name, span=span(cur.period, loc), previous=before_name,
          previous_span=span(prev.period, loc)),
        "",
        f"## {t('report.summary_header', loc)}",
        "",
        *_table([t("report.column.figure", loc), now_name, before_name, t("report.column.change", loc)],
                [[change_label(c, office), number(_round(c.current), loc) + _withheld(report, c.what, loc),
                  number(_round(c.previous), loc), signed(_round(c.delta), loc)] for c in report.totals()]),
    ]
    for dimension in DIMENSIONS:
        out += ["", f"## {dimension_label(dimension, loc)}", ""]
        rows = [[value_label(dimension, value, office), str(now), str(before), signed(now - before, loc)]
                for value, now, before in counts(report, dimension)]
        out += _table([dimension_label(dimension, loc), now_name, before_name,
                       t("report.column.change", loc)], rows) if rows else [t("report.none", loc)]

    out += learning_markdown(report, office)

    out += ["", f"## {t('report.overdue.header', loc, count=len(cur.overdue))}", ""]
    oldest = sorted(cur.overdue, key=lambda o: (o.due_on, o.reference))[:MD_OVERDUE_MAX]
    out += [f"- {overdue_line(o, office, mention=name_of)}" for o in oldest] or [t("report.overdue.none", loc)]
    if len(cur.overdue) > len(oldest):
        out += ["", f"_{t('report.overdue.more', loc, shown=len(oldest), count=len(cur.overdue))}_"]

    out += ["", f"## {t('report.lessons.header', loc)}", ""]
    if not cur.lessons:
        out.append(t("report.lessons.none", loc))
    for category, items in cur.lessons.items():
        out += [f"### {value_label('category', category, office)}", ""]
        out += [f"- {lesson.reference} ({format_date(lesson.closed_on, loc)}): {one_line(lesson.text, 2000)}"
                for lesson in items]
        out.append("")
    if cur.lessons_withheld:
        out += [f"_{t_count('report.lessons.withheld', loc, cur.lessons_withheld)}_"]
    if cur.no_new_lesson:
        out += [f"_{t('report.lessons.no_new', loc, count=cur.no_new_lesson)}_"]

    out += ["", f"## {t('report.changes.header', loc, previous=period_name(prev.period, loc))}", ""]
    out += [f"- {line}" for line in change_lines(report, office)]
    breaches = breach_report.lines(report.breaches, loc)  # issue 21: possible personal-data breaches
    if breaches:
        out += ["", f"## {breaches[0]}", "", breaches[1]]
    out += quality_markdown(report, office, name_of)
    return "\n".join(out).rstrip() + "\n"


def learning_markdown(report: Report, office: Office) -> list[str]:
    """Issue 22: risk, cause and effect, each a table beside the period before, then the recurring causes."""
    loc = office.locale
    now_name, before_name = period_name(report.period, loc), period_name(report.previous.period, loc)
    out = ["", f"## {t('report.learning.header', loc)}"]
    for dimension in LEARNING:
        rows = [[learning_label(dimension, value, report, loc), str(now), str(before), signed(now - before, loc)]
                for value, now, before in learning_counts(report, dimension)]
        out += ["", f"### {dimension_label(dimension, loc)}", ""]
        out += _table([dimension_label(dimension, loc), now_name, before_name, t("report.column.change", loc)],
                      rows) if rows else [t("report.none", loc)]
    out += ["", f"_{t('report.effect.scope', loc)}_"]
    out += ["", f"### {t('report.recurring.header', loc, previous=before_name)}", ""]
    rows = report.recurring_causes()
    return out + ([f"- {recurring_line(row, report, loc)}" for row in rows] or [t("report.recurring.none", loc)])


def quality_markdown(report: Report, office: Office, name_of: Names = _ids) -> list[str]:
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
    return out + [f"- {measure_line(m, loc, mention=name_of)}" for m in quality.measures]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [line(header), "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|", *map(line, rows)]


def overdue_line(overdue: Overdue, office: Office, mention: Callable[[str], str],
                 clean: Callable[[str], str] = lambda text: text) -> str:
    """`AVV-2026-0012 · frist 02.05.2026 (59 dager over fristen) · Kortsiktig: …` (+ the owner, leaders only).

    `clean` makes the free text safe for the target markup; `mention` writes the owner."""
    loc = office.locale
    line = t("report.overdue.line", loc, reference=overdue.reference, due_on=format_date(overdue.due_on, loc),
             days=t_count("report.overdue.days", loc, overdue.days_overdue), term=term_label(overdue.term, loc))
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


# --- the county report (issue 24): tables of counts, one row per office and one for the county ---------

def render_county(report: CountyReport, locale: Locale, fmt: Format) -> bytes:
    """The county report as XLSX or Markdown (a CSV would hold one table of many: not offered)."""
    if fmt is Format.XLSX:
        return county_xlsx(report, locale)
    if fmt is Format.MD:
        return county_markdown(report, locale).encode("utf-8")
    raise ValueError("the county report is written as xlsx or md")


def county_figure_columns(loc: Locale) -> list[str]:
    return [t(f"report.county.column.{c}", loc) for c in ("office", "registered", "closed", "median_closure",
                                                           "open", "overdue")]


def county_figure_values(figures: OfficeFigures) -> list[object]:
    return [figures.name, figures.registered, figures.closed, _round(figures.median_days_to_closure),
            figures.open_at_end, figures.overdue]


def county_table(report: CountyReport, dimension: str, loc: Locale) -> tuple[list[str], list[list[object]]]:
    """One dimension's counts: a column per value, a row per office, then the county's total."""
    values = county_values(report, dimension)
    header = [t("report.county.column.office", loc), *(county_value_label(dimension, v, loc) for v in values)]
    rows = [[f.name, *(county_counts(f, dimension).get(v, 0) for v in values)]
            for f in (*report.offices, report.total)]
    return header, rows


def county_quality_rows(report: CountyReport, loc: Locale) -> tuple[list[str], list[list[object]]]:
    """Per round and area, each office's mean, then the spread between them (seed 002's variation)."""
    header = [t("report.column.round", loc), t("report.column.area", loc), *(f.name for f in report.offices),
              t("report.county.column.spread", loc)]
    rows: list[list[object]] = []
    for rnd in report.rounds:
        rows.append([round_title(rnd.name, loc), t("report.column.reviews", loc), *rnd.reviews, None])
        rows += [[round_title(rnd.name, loc), area_label(a.area.value, loc), *a.means, a.spread] for a in rnd.areas]
    return header, rows


def county_measure_rows(report: CountyReport, loc: Locale) -> tuple[list[str], list[list[object]]]:
    header = [t(f"report.county.column.{c}", loc) for c in ("office", "measures_office", "measures_county",
                                                             "measures_overdue")]
    rows = [[f.name, dict(f.quality.measures_by_scope).get("kontor", 0),
             dict(f.quality.measures_by_scope).get("fylke", 0), f.quality.measures_overdue]
            for f in (*report.offices, report.total)]
    return header, rows


def county_xlsx(report: CountyReport, loc: Locale) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook()
    offices = workbook.active
    offices.title = t("report.county.sheet.offices", loc)
    offices.append([t("report.county.title", loc, period=period_name(report.period, loc))])
    offices["A1"].font = Font(bold=True, size=14)
    offices.append([report.county_name])
    offices.append([t("report.column.period", loc), report.period.first, report.period.last])
    offices.append([t("report.column.generated", loc), report.generated_at.astimezone(report.tz).replace(tzinfo=None)])
    offices.append([])
    _header(offices, county_figure_columns(loc), bold)
    for figures in (*report.offices, report.total):
        offices.append(county_figure_values(figures))
    for dimension in COUNTY_DIMENSIONS:
        header, rows = county_table(report, dimension, loc)
        offices.append([])
        offices.append([county_dimension_label(dimension, loc)])
        offices[offices.max_row][0].font = bold
        _header(offices, header, bold)
        for row in rows:
            offices.append(row)
        if dimension == "effect":
            offices.append([t("report.effect.scope", loc)])
    quality = workbook.create_sheet(t("report.county.sheet.quality", loc))
    header, rows = county_quality_rows(report, loc)
    _header(quality, header, bold)
    for row in rows:
        quality.append(row)
    quality.append([])
    header, rows = county_measure_rows(report, loc)
    _header(quality, header, bold)
    for row in rows:
        quality.append(row)
    for sheet in workbook.worksheets:
        _tidy(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def county_markdown(report: CountyReport, locale: Locale) -> str:
    loc = locale

    def cells(row: list[object]) -> list[str]:
        return [decimal(v, loc) if isinstance(v, float) else "–" if v is None else str(v) for v in row]

    out = [f"# {t('report.county.title', loc, period=period_name(report.period, loc))}", "",
           t_count("report.county.context", loc, len(report.offices), county=report.county_name,
                   span=span(report.period, loc)), "",
           *_table(county_figure_columns(loc), [cells(county_figure_values(f))
                                                for f in (*report.offices, report.total)])]
    for dimension in COUNTY_DIMENSIONS:
        header, rows = county_table(report, dimension, loc)
        out += ["", f"## {county_dimension_label(dimension, loc)}", "", *_table(header, [cells(r) for r in rows])]
        if dimension == "effect":
            out += ["", f"_{t('report.effect.scope', loc)}_"]
    out += ["", f"## {t('report.county.quality.header', loc)}", "", t("report.county.quality.intro", loc), ""]
    if report.rounds:
        header, rows = county_quality_rows(report, loc)
        out += _table(header, [cells(r) for r in rows])
    else:
        out.append(t("report.county.quality.none", loc))
    header, rows = county_measure_rows(report, loc)
    out += ["", f"### {t('report.county.quality.measures_header', loc)}", "", *_table(header, [cells(r) for r in rows])]
    return "\n".join(out).rstrip() + "\n"
