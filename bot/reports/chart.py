"""The report's charts (PNG): cases per month by category, and open cases over time; and (issue 22)
the period's cases by risk colour and by cause type, beside the period before.

Rendered headless with matplotlib's Agg backend through the object-oriented API (a `Figure`
of our own, never pyplot's global state), so listener threads can render side by side.
matplotlib is imported on first use, which keeps the server's start-up fast.
"""

from __future__ import annotations

import io
from datetime import date

from bot.i18n import t
from bot.office import Office
from bot.reports.figures import CATEGORY_ORDER, Report
from bot.reports.risk import NOT_ASSESSED
from bot.reports.wording import learning_counts, learning_label, period_name, value_label

# One colour per category, the same in every chart (matplotlib's tab10, and tab20's light blue for the eleventh).
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#aec7e8"]
WIDTH, HEIGHT, DPI = 10.0, 7.5, 100
# Risk in its own colours, as the card shows it; «ikke vurdert» grey.
RISK_COLOURS = {"gronn": "#2ca02c", "gul": "#ffbf00", "rod": "#d62728", NOT_ASSESSED: "#7f7f7f"}
NOW, BEFORE = "#3e3e7a", "#a9a9c8"  # this period, and the one before


def colour(category: str) -> str:
    index = CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(PALETTE) - 1
    return PALETTE[index % len(PALETTE)]


def render(report: Report, office: Office, title: str) -> bytes:
    """The PNG bytes of the report's two charts, one above the other."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    loc = office.locale
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    per_month, over_time = figure.subplots(2, 1, height_ratios=(3, 2))
    figure.suptitle(title, fontsize=14)

    months = [first for first, _ in report.per_month]
    positions = list(range(len(months)))
    bottoms = [0] * len(months)
    shown = [c for c in dict.fromkeys(k for _, counts in report.per_month for k, n in counts.items() if n)]
    for category in sorted(shown, key=lambda c: CATEGORY_ORDER.index(c) if c in CATEGORY_ORDER else 99):
        heights = [counts.get(category, 0) for _, counts in report.per_month]
        per_month.bar(positions, heights, bottom=bottoms, color=colour(category), width=0.7,
                      label=value_label("category", category, office))
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    per_month.set_title(t("report.chart.per_month", loc), fontsize=11, loc="left")
    per_month.set_ylabel(t("report.chart.cases", loc))
    per_month.set_xticks(positions, [_month(m) for m in months], rotation=45 if len(months) > 8 else 0)
    per_month.yaxis.get_major_locator().set_params(integer=True)
    per_month.grid(axis="y", alpha=0.3)
    if shown:
        per_month.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    else:
        per_month.text(0.5, 0.5, t("report.chart.empty", loc), transform=per_month.transAxes, ha="center",
                       va="center", color="#555555")

    days = [day for day, _ in report.open_over_time]
    counts = [n for _, n in report.open_over_time]
    if days:
        over_time.step(days, counts, where="post", color="#3e3e7a", linewidth=1.8)
        over_time.fill_between(days, counts, step="post", color="#3e3e7a", alpha=0.15)
        over_time.set_xlim(days[0], max(days[-1], report.period.last))
    # Numeric dates, so no month name comes out in matplotlib's English.
    if report.period.days <= 62:
        over_time.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=10))
        over_time.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m"))
    else:
        over_time.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, len(months) // 12 + 1)))
        over_time.xaxis.set_major_formatter(mdates.DateFormatter("%m.%y"))
    over_time.set_ylim(bottom=0)
    over_time.yaxis.get_major_locator().set_params(integer=True)
    over_time.set_title(t("report.chart.open", loc), fontsize=11, loc="left")
    over_time.set_ylabel(t("report.chart.cases", loc))
    over_time.grid(alpha=0.3)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def render_learning(report: Report, office: Office, title: str) -> bytes:
    """The PNG bytes of the risk chart (this period's cases by colour, the period before's beside them,
    paler) above the cause chart (cases by cause type, this period against the one before)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    loc = office.locale
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    risk, cause = figure.subplots(2, 1, height_ratios=(2, 3))
    figure.suptitle(title, fontsize=14)
    now_name, before_name = period_name(report.period, loc), period_name(report.previous.period, loc)

    bands = learning_counts(report, "risk")
    positions = list(range(len(bands)))
    colours = [RISK_COLOURS.get(value, PALETTE[-1]) for value, _, _ in bands]
    risk.bar([p - 0.2 for p in positions], [now for _, now, _ in bands], width=0.4, color=colours)
    risk.bar([p + 0.2 for p in positions], [before for _, _, before in bands], width=0.4, color=colours, alpha=0.35)
    risk.set_xticks(positions, [learning_label("risk", value, report, loc) for value, _, _ in bands])
    risk.set_title(t("report.chart.risk", loc), fontsize=11, loc="left")
    risk.set_ylabel(t("report.chart.cases", loc))
    risk.yaxis.get_major_locator().set_params(integer=True)
    risk.grid(axis="y", alpha=0.3)
    # the colours are the risk's own: the legend says only which bar is which period (full, pale)
    risk.legend(handles=[Patch(color="#555555", label=now_name), Patch(color="#555555", alpha=0.35, label=before_name)],
                loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)

    causes = learning_counts(report, "cause")[::-1]  # the office's first cause type on top
    rows = list(range(len(causes)))
    if causes:
        cause.barh([r + 0.2 for r in rows], [now for _, now, _ in causes], height=0.4, color=NOW, label=now_name)
        cause.barh([r - 0.2 for r in rows], [before for _, _, before in causes], height=0.4, color=BEFORE,
                   label=before_name)
        cause.set_yticks(rows, [learning_label("cause", value, report, loc) for value, _, _ in causes])
        cause.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    else:
        cause.text(0.5, 0.5, t("report.chart.empty", loc), transform=cause.transAxes, ha="center", va="center",
                   color="#555555")
    cause.set_title(t("report.chart.cause", loc), fontsize=11, loc="left")
    cause.set_xlabel(t("report.chart.cases", loc))
    cause.xaxis.get_major_locator().set_params(integer=True)
    cause.grid(axis="x", alpha=0.3)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _month(first: date) -> str:
    return f"{first:%m}.{first:%y}"
