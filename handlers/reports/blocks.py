"""Block Kit for the period report (`/avvik rapport`): the figures, overdue actions, lessons, changes,
and Kvalitetssystemet's rounds and measures (seed 002)."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, SectionBlock

from bot.breach import report as breach_report
from bot.i18n import Locale, t, t_count
from bot.office import Office
from bot.quality.rules import round_title
from bot.reports.county import CountyReport, OfficeFigures
from bot.reports.exports import change_lines, counts, overdue_line
from bot.reports.figures import Report
from bot.reports.wording import (
    COUNTY_DIMENSIONS,
    DIMENSIONS,
    LEARNING,
    area_label,
    area_line,
    change_label,
    comparison_line,
    county_counts,
    county_dimension_label,
    county_value_label,
    county_values,
    days,
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
    score_columns,
    score_counts,
    signed,
    span,
    themes_text,
    value_label,
)
from handlers.blocks import escape, mrkdwn, plain

SECTION_MAX, FIELD_MAX = 3000, 2000  # Block Kit's limits for a section's text and for one field


def _fit(lines: list[str], limit: int, loc: Locale) -> str:
    """As many lines as fit in `limit` characters, then «… og N til»."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        more = t("report.more", loc, count=len(lines) - index)
        if sum(len(k) + 1 for k in kept) + len(line) + len(more) + 1 > limit:
            return "\n".join([*kept, more])
        kept.append(line)
    return "\n".join(kept)


def summary_text(report: Report, office: Office) -> str:
    loc = office.locale
    lines = []
    for change in report.totals():
        is_days = change.what.startswith("median")
        value = days(change.current, loc) if is_days else number(change.current, loc)
        withheld = report.current.lessons_withheld if change.what == "lessons" else 0
        held = " " + t("report.lessons.withheld_count", loc, count=withheld) if withheld else ""
        lines.append(f"{change_label(change, office)}: *{value}*{held} ({signed(_one(change.delta), loc)})")
    return "\n".join(lines)


def _one(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def dimension_text(report: Report, dimension: str, office: Office) -> str:
    loc = office.locale
    rows = [f"{value_label(dimension, value, office)}: *{now}* ({signed(now - before, loc)})"
            for value, now, before in counts(report, dimension)]
    return _fit([f"*{dimension_label(dimension, loc)}*", *(rows or [t("report.none", loc)])], FIELD_MAX, loc)


def report_blocks(report: Report, office: Office) -> list:
    loc = office.locale
    cur, prev = report.current, report.previous
    blocks: list = [
        HeaderBlock(text=plain("report.title", loc, period=period_name(cur.period, loc))),
        ContextBlock(elements=[mrkdwn(escape(t("report.context", loc, office=office.name, span=span(cur.period, loc),
                                               previous=period_name(prev.period, loc),
                                               previous_span=span(prev.period, loc))))]),
        SectionBlock(text=mrkdwn(summary_text(report, office))),
        SectionBlock(fields=[mrkdwn(dimension_text(report, d, office)) for d in DIMENSIONS]),
        DividerBlock(),
        *learning_blocks(report, office),
    ]
    overdue = [overdue_line(o, office, mention=lambda user: f"<@{user}>", clean=escape) for o in cur.overdue]
    header = f"*{t('report.overdue.header', loc, count=len(cur.overdue))}*"
    blocks.append(SectionBlock(text=mrkdwn(_fit([header, *(overdue or [t("report.overdue.none", loc)])],
                                                SECTION_MAX, loc))))
    blocks += [DividerBlock(), HeaderBlock(text=plain("report.lessons.header", loc))]
    if not cur.lessons:
        blocks.append(SectionBlock(text=mrkdwn(t("report.lessons.none", loc))))
    for category, lessons in cur.lessons.items():
        lines = [f"• {lesson.reference}: {escape(one_line(lesson.text, 500))}" for lesson in lessons]
        blocks.append(SectionBlock(text=mrkdwn(_fit([f"*{escape(value_label('category', category, office))}*",
                                                     *lines], SECTION_MAX, loc))))
    if cur.lessons_withheld:
        blocks.append(ContextBlock(elements=[mrkdwn(t_count("report.lessons.withheld", loc,
                                                            cur.lessons_withheld))]))
    if cur.no_new_lesson:
        blocks.append(ContextBlock(elements=[mrkdwn(t("report.lessons.no_new", loc, count=cur.no_new_lesson))]))
    blocks += [DividerBlock(), SectionBlock(text=mrkdwn(_fit(
        [f"*{t('report.changes.header', loc, previous=period_name(prev.period, loc))}*",
         *[f"• {escape(line)}" for line in change_lines(report, office)]], SECTION_MAX, loc)))]
    breaches = breach_report.lines(report.breaches, loc)  # issue 21: possible personal-data breaches
    if breaches:
        blocks += [DividerBlock(), SectionBlock(text=mrkdwn(f"*{breaches[0]}*\n{breaches[1]}"))]
    return blocks + quality_blocks(report, office)


def learning_text(report: Report, dimension: str, loc: Locale) -> str:
    rows = [f"{escape(learning_label(dimension, value, report, loc))}: *{now}* ({signed(now - before, loc)})"
            for value, now, before in learning_counts(report, dimension)]
    return _fit([f"*{dimension_label(dimension, loc)}*", *(rows or [t("report.none", loc)])], FIELD_MAX, loc)


def learning_blocks(report: Report, office: Office) -> list:
    """Issue 22: the period's cases by risk and by cause, the effect checks, and the causes that recur."""
    loc, previous = office.locale, period_name(report.previous.period, office.locale)
    rows = report.recurring_causes()
    lines = [f"• {escape(recurring_line(row, report, loc))}" for row in rows] or [t("report.recurring.none", loc)]
    return [
        HeaderBlock(text=plain("report.learning.header", loc)),
        SectionBlock(fields=[mrkdwn(learning_text(report, d, loc)) for d in LEARNING]),
        ContextBlock(elements=[mrkdwn(t("report.effect.scope", loc))]),
        SectionBlock(text=mrkdwn(_fit([f"*{t('report.recurring.header', loc, previous=previous)}*", *lines],
                                      SECTION_MAX, loc))),
        DividerBlock(),
    ]


ROUNDS_SHOWN = 4  # two years of rounds; a longer period's earlier rounds are in the export
MEASURE_ORDER = {"apen": 0, "utfort": 1, "forkastet": 2}


def quality_blocks(report: Report, office: Office) -> list:
    """Kvalitetssystemet's part (seed 002): each round of the period, then the measures under way."""
    loc, quality = office.locale, report.quality
    blocks: list = [DividerBlock(), HeaderBlock(text=plain("report.quality.header", loc))]
    if not quality.rounds:
        blocks.append(SectionBlock(text=mrkdwn(t("report.quality.none", loc))))
    for summary in quality.rounds[-ROUNDS_SHOWN:]:  # the latest, when a long period has more
        lines = [f"*{round_title(summary.name, loc)}*", round_line(summary, loc)]
        for area in summary.areas:
            lines.append(f"• {area_line(area, loc)}")
            scores = zip(score_columns(loc), score_counts(area), strict=True)
            lines.append("      " + " · ".join(f"{label}: {n}" for label, n in scores))
            if area.themes:
                lines.append("      " + t("quality.assessment.themes", loc, themes=escape(themes_text(area))))
        lines.append(f"_{comparison_line(summary, loc)}_")
        blocks.append(SectionBlock(text=mrkdwn(_fit(lines, SECTION_MAX, loc))))
    if len(quality.rounds) > ROUNDS_SHOWN:
        blocks.append(ContextBlock(elements=[mrkdwn(t("report.more", loc,
                                                      count=len(quality.rounds) - ROUNDS_SHOWN))]))
    header = f"*{t('report.quality.measures_header', loc)}*"
    if not quality.measures:
        return [*blocks, SectionBlock(text=mrkdwn(f"{header}\n{t('report.quality.measures_none', loc)}"))]
    # what needs the leaders first: past due, then open, then done and dropped (the export keeps due-date order)
    ordered = sorted(quality.measures, key=lambda m: (not m.overdue_at_end, MEASURE_ORDER.get(m.state, 3)))
    lines = [header, measures_summary(quality, loc, running=report.running),
             *[f"• {measure_line(m, loc, mention=lambda user: f'<@{user}>', clean=escape)}" for m in ordered]]
    return [*blocks, SectionBlock(text=mrkdwn(_fit(lines, SECTION_MAX, loc)))]


# --- the county report (issue 24) -----------------------------------------------------------------

OFFICES_SHOWN = 30  # Slack holds 50 blocks; a larger county's other offices are in the export


def county_figures_text(figures: OfficeFigures, report: CountyReport, loc: Locale) -> str:
    """One office's (or the county's) figures: the headline line, then each dimension's non-zero counts."""
    lines = [f"*{escape(figures.name)}*", t("report.county.line_now" if report.running else "report.county.line", loc,
                                            registered=figures.registered, closed=figures.closed,
                                            median=days(figures.median_days_to_closure, loc),
                                            open=figures.open_at_end, overdue=figures.overdue)]
    for dimension in COUNTY_DIMENSIONS:
        counts = county_counts(figures, dimension)
        shown = [f"{county_value_label(dimension, v, loc)} {counts.get(v, 0)}" for v in county_values(report, dimension)
                 if counts.get(v, 0) or dimension in ("kind", "risk")]
        lines.append(f"_{county_dimension_label(dimension, loc)}_: " + (" · ".join(shown) or "–"))
    return _fit(lines, SECTION_MAX, loc)


def county_report_blocks(report: CountyReport, loc: Locale) -> list:
    blocks: list = [
        HeaderBlock(text=plain("report.county.title", loc, period=period_name(report.period, loc))),
        ContextBlock(elements=[mrkdwn(escape(t_count("report.county.context", loc, len(report.offices),
                                                     county=report.county_name, span=span(report.period, loc))))]),
        SectionBlock(text=mrkdwn(county_figures_text(report.total, report, loc))),
        ContextBlock(elements=[mrkdwn(t("report.effect.scope", loc))]),
        DividerBlock(),
    ]
    blocks += [SectionBlock(text=mrkdwn(county_figures_text(f, report, loc))) for f in report.offices[:OFFICES_SHOWN]]
    if len(report.offices) > OFFICES_SHOWN:
        blocks.append(ContextBlock(elements=[mrkdwn(t("report.county.more", loc, count=len(report.offices) -
                                                      OFFICES_SHOWN, county=report.county_id))]))
    return blocks + county_quality_blocks(report, loc)


def county_quality_blocks(report: CountyReport, loc: Locale) -> list:
    """Seed 002's «variasjon i og mellom Nav-kontor»: each round's areas, office beside office."""
    blocks: list = [DividerBlock(), HeaderBlock(text=plain("report.county.quality.header", loc))]
    if not report.rounds:
        blocks.append(SectionBlock(text=mrkdwn(t("report.county.quality.none", loc))))
    else:
        blocks.append(ContextBlock(elements=[mrkdwn(t("report.county.quality.intro", loc))]))
    names = [escape(f.name) for f in report.offices]
    for rnd in report.rounds[-ROUNDS_SHOWN:]:
        reviews = " · ".join(f"{name} " + (t("report.county.quality.of", loc, reviews=n, target=target)
                                           if n is not None else "–")
                             for name, n, target in zip(names, rnd.reviews, rnd.targets, strict=True))
        lines = [f"*{round_title(rnd.name, loc)}*", t("report.county.quality.reviews", loc, reviews=reviews)]
        lines += [t("report.county.quality.area", loc, area=area_label(a.area.value, loc),
                    means=" · ".join(f"{name} {decimal(mean, loc)}" for name, mean in zip(names, a.means, strict=True)),
                    spread=decimal(a.spread, loc)) for a in rnd.areas]
        blocks.append(SectionBlock(text=mrkdwn(_fit(lines, SECTION_MAX, loc))))
    measures = [t("report.county.quality.measures_line", loc, office=escape(f.name),
                  local=dict(f.quality.measures_by_scope).get("kontor", 0),
                  county=dict(f.quality.measures_by_scope).get("fylke", 0), overdue=f.quality.measures_overdue)
                for f in (*report.offices, report.total)]
    header = f"*{t('report.county.quality.measures_header', loc)}*"
    return [*blocks, SectionBlock(text=mrkdwn(_fit([header, *measures], SECTION_MAX, loc)))]
