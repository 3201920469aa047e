"""The county report (issue 24): a county's offices side by side, and in total.

Seed 002 looks across offices: «Positiv utvikling- samtid noe variasjon i og mellom Nav-kontor»,
and names «Tiltak i fylkets regi». A county leader (`[[county]]` in the office config) asks
`/avvik rapport fylke` for the period and gets, per office and for the county:

- cases registered in the period by kind, category, risk band and destination;
- cases closed in the period and the median days from registration to closure;
- cases open and actions past their due date at the period's end (or now, while it lasts);
- «Har tiltaket virket?»: the effect checks by answer, counted as the office's period report counts them
  (answered in the period, or due in it and unanswered at its end: «ubesvart»);
- the quality rounds of the period, office beside office: reviews and mean score per area, and the
  spread between the offices' means (the variation between offices); and the measures under way.

Each office's figures come from bot/reports/figures.py (`figures`), in its own local days and with its
own risk thresholds (`[office.risk]`), by the very rules of the office's period report, so a county
figure is the sum of its offices' (the median is taken over every office's closures).

No personal data and no free text from any office: no reference, reporter, owner, lesson,
action or measure description, review text or tag reaches this report — only counts, medians and
mean scores. Plain Python over plain facts (no Slack, no SQL): bot/reports/service.py reads the rows.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.quality.report import MeasureFacts, RoundFacts, RoundName, RoundSummary, section
from bot.quality.rules import Area
from bot.reports.figures import DAY, ActionFacts, Audience, DeviationFacts, EffectFacts, figures, measured_at
from bot.reports.periods import Period
from bot.reports.risk import DEFAULT_SCALE, RiskScale


@dataclass(frozen=True)
class OfficeFacts:
    """Everything read for one office, for one period (and the rounds and measures of its quality section)."""

    office_id: str
    name: str
    tz: ZoneInfo
    cases: tuple[DeviationFacts, ...]  # no lesson
    actions: tuple[ActionFacts, ...]  # no description, no owner
    effects: tuple[EffectFacts, ...]  # the checks answered or due in the period; never the note
    scale: RiskScale = DEFAULT_SCALE  # the office's own `[office.risk]` thresholds
    rounds: tuple[RoundFacts, ...] = ()  # no tags: the themes are the reviewers' words
    measures: tuple[MeasureFacts, ...] = ()  # no description, no owner


@dataclass(frozen=True)
class QualityFigures:
    rounds: tuple[RoundSummary, ...] = ()
    measures_by_scope: tuple[tuple[str, int], ...] = ()  # kontor | fylke → measures under way in the period
    measures_overdue: int = 0


@dataclass(frozen=True)
class OfficeFigures:
    """One office's figures, or the county's total (`office_id` None)."""

    office_id: str | None
    name: str
    registered: int
    by_kind: dict[str, int]
    by_category: dict[str, int]
    by_risk: dict[str, int]
    by_destination: dict[str, int]
    closed: int
    closure_days: tuple[float, ...]
    open_at_end: int
    overdue: int
    by_effect: dict[str, int]
    quality: QualityFigures = QualityFigures()

    @property
    def median_days_to_closure(self) -> float | None:
        return statistics.median(self.closure_days) if self.closure_days else None


@dataclass(frozen=True)
class AreaSpread:
    """One area of one round, office beside office: each office's mean (None: no score), and the spread."""

    area: Area
    means: tuple[float | None, ...]  # in the order of the report's offices

    @property
    def spread(self) -> float | None:
        """The variation between offices: the highest mean less the lowest, when two offices have one."""
        scored = [m for m in self.means if m is not None]
        return round(max(scored) - min(scored), 2) if len(scored) > 1 else None


@dataclass(frozen=True)
class RoundSideBySide:
    name: RoundName
    reviews: tuple[int | None, ...]  # per office; None: the office had no such round
    targets: tuple[int | None, ...]
    areas: tuple[AreaSpread, ...]


@dataclass(frozen=True)
class CountyReport:
    county_id: str
    county_name: str
    period: Period
    generated_at: datetime
    running: bool  # the period has not ended: open and overdue are measured now
    offices: tuple[OfficeFigures, ...]
    total: OfficeFigures
    rounds: tuple[RoundSideBySide, ...]
    tz: ZoneInfo  # the first office's: how the report writes the moment it was made


def office_figures(facts: OfficeFacts, period: Period, now: datetime) -> OfficeFigures:
    """One office's figures for the period, measured at its end (or now): the period report's, banded by
    the office's own risk scale."""
    tz = facts.tz
    start, end = period.start(tz), period.end(tz)
    at = measured_at(period, tz, now)
    base = figures(period, tz, now, facts.cases, facts.actions, 0, Audience.OFFICE, facts.effects, facts.scale)
    closed = [c for c in facts.cases if c.closed_at and start <= c.closed_at < end]
    quality = section(facts.rounds, facts.measures, start=start, at=at, tz=tz, leaders=False)
    scopes = Counter(m.scope for m in quality.measures)
    return OfficeFigures(
        office_id=facts.office_id, name=facts.name, registered=base.registered, by_kind=base.by_kind,
        by_category=base.by_category, by_risk=base.by_risk, by_destination=base.by_destination, closed=base.closed,
        closure_days=tuple((c.closed_at - c.created_at).total_seconds() / DAY for c in closed),
        open_at_end=base.open_at_end, overdue=len(base.overdue), by_effect=base.by_effect,
        quality=QualityFigures(quality.rounds, tuple(sorted(scopes.items())), len(quality.overdue)))


def _sum(dicts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for counts in dicts:
        for key, n in counts.items():
            total[key] = total.get(key, 0) + n
    return total


def total_of(offices: Sequence[OfficeFigures], name: str) -> OfficeFigures:
    """The county's figures: the sum of its offices', the median over all their closures."""
    return OfficeFigures(
        office_id=None, name=name, registered=sum(o.registered for o in offices),
        by_kind=_sum(o.by_kind for o in offices), by_category=_sum(o.by_category for o in offices),
        by_risk=_sum(o.by_risk for o in offices), by_destination=_sum(o.by_destination for o in offices),
        closed=sum(o.closed for o in offices), closure_days=tuple(d for o in offices for d in o.closure_days),
        open_at_end=sum(o.open_at_end for o in offices), overdue=sum(o.overdue for o in offices),
        by_effect=_sum(o.by_effect for o in offices),
        quality=QualityFigures((), tuple(sorted(_sum(dict(o.quality.measures_by_scope) for o in offices).items())),
                               sum(o.quality.measures_overdue for o in offices)))


def side_by_side(offices: Sequence[OfficeFigures]) -> tuple[RoundSideBySide, ...]:
    """Each round of the period (by year and season), its areas' means office beside office."""
    names = sorted({r.name for o in offices for r in o.quality.rounds}, key=lambda n: (n.year, n.season != "var"))
    out = []
    for name in names:
        rounds = [next((r for r in o.quality.rounds if r.name == name), None) for o in offices]
        areas = tuple(AreaSpread(area, tuple(next((a.mean for a in r.areas if a.area is area), None) if r else None
                                             for r in rounds)) for area in Area)
        out.append(RoundSideBySide(name, tuple(r.reviews if r else None for r in rounds),
                                   tuple(r.target if r else None for r in rounds), areas))
    return tuple(out)


def compute(county_id: str, county_name: str, total_name: str, period: Period, now: datetime,
            offices: Sequence[OfficeFacts]) -> CountyReport:
    per_office = tuple(office_figures(f, period, now) for f in offices)
    running = any(now < period.end(f.tz) for f in offices)
    return CountyReport(county_id, county_name, period, now, running, per_office, total_of(per_office, total_name),
                        side_by_side(per_office), offices[0].tz)
