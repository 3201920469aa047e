"""The period report: seed 000's last step, «Erfaring inn i virksomhetsplan».

Seed 000 says reporting is worth it when the leaders «jevnlig etterspør informasjon om meldte
avvik», «gir tilbakemelding til kontoret om hva som er gjort» and «benytter seg av erfaringene
fra avvikshåndteringen inn i virksomhetsplaneringen». This module computes what they look at:
counts, how fast cases are assessed and closed, actions past their due date, the lessons for
the business plan, and how all of it changed since the period before.

Plain Python over plain facts (no Slack, no SQL): bot/reports/service.py reads the rows, the
handlers and bot/reports/exports.py render the result.

Definitions (each figure is about the period `[start, end)` in the office's local days):

- *registered*, and the counts by kind, category, destination and severity: cases whose
  registration falls in the period;
- *assessed*, median days to assessment: cases assessed in the period, from registration to
  assessment;
- *closed*, median days to closure: cases closed in the period, from registration to closure;
- *open at end*, *overdue actions*: at the period's end, or now if the period has not ended;
  an action is overdue when it is unfinished after the end of its due date;
- *lessons*: the lessons of cases closed in the period, by category;
- *risk* and *cause types* (issue 22): cases registered in the period, by risk colour and by
  cause type (a case with two causes counts under both); a case without them, as every case from
  before risk and cause existed, counts as «ikke vurdert»;
- *effect checks* («Har tiltaket virket?»): the checks answered in the period, by their answer, and
  those due in the period (by its end, or today) still unanswered then.

Privacy (seed 000 and DESIGN.md: the office hears «what was reported, what was done, what we
learnt — never who»): no report carries a reporter; action owners appear only in the
leaders' version; no free text (lessons, action descriptions) from cases whose story belongs
in ASYS (information security, HMS).
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.breach.rules import Figures as BreachFigures
from bot.deviations.rules import Kind, Severity, unfinished_at
from bot.quality.report import MeasureFacts, QualitySection, RoundFacts, section
from bot.reports.periods import Period
from bot.reports.risk import (
    DEFAULT_CAUSES,
    DEFAULT_SCALE,
    EFFECT_ANSWERS,
    NOT_ASSESSED,
    RISK_BANDS,
    UNANSWERED,
    Recurring,
    RiskScale,
    count_causes,
    recurring,
)
from bot.routing.rules import MINIMAL_TEXT, Category, Destination

# «HMS (trusler/trakassering/vold)» and «Data- og informasjonssikkerhet» are reported in ASYS:
# their text stays out of every report, wherever an office routes them.
TEXT_WITHHELD_CATEGORIES = frozenset({Category.HMS, Category.INFORMATION_SECURITY})

DAY = 86400.0


class Audience(StrEnum):
    LEADERS = "ledere"  # the leader group: action owners included
    OFFICE = "kontor"  # the whole office: no names at all


def withholds_text(category: str, destination: str) -> bool:
    """True for cases whose free text must not appear in a report (ASYS, HMS)."""
    return category in TEXT_WITHHELD_CATEGORIES or destination in MINIMAL_TEXT


@dataclass(frozen=True)
class DeviationFacts:
    """What a report knows of a case: never who reported it, never its story."""

    id: int
    reference: str
    kind: str
    category: str
    destination: str
    severity: str
    citizen_rights: str
    state: str
    created_at: datetime
    assessed_at: datetime | None
    closed_at: datetime | None
    lesson: str | None = None
    no_new_lesson: bool = False
    risk_likelihood: int | None = None
    risk_consequence: int | None = None
    cause_types: list[str] | None = None


@dataclass(frozen=True)
class EffectFacts:
    """An effect check as a report sees it: when it was due, and the answer; never the note or who."""

    deviation_id: int
    due_on: date
    answer: str | None
    answered_at: datetime | None


@dataclass(frozen=True)
class ActionFacts:
    id: int
    deviation_id: int
    reference: str
    category: str
    destination: str
    term: str
    description: str | None
    owner_id: str
    due_on: date
    state: str
    created_at: datetime
    finished_at: datetime | None

    def unfinished_at(self, moment: datetime) -> bool:
        """Existed and was not yet done or dropped at `moment`."""
        return unfinished_at(self.created_at, self.finished_at, self.state, moment)


@dataclass(frozen=True)
class Overdue:
    reference: str
    category: str
    term: str
    due_on: date
    days_overdue: int
    description: str | None  # None for ASYS/HMS cases
    owner_id: str | None  # None in the office's version


@dataclass(frozen=True)
class Lesson:
    reference: str
    category: str
    closed_on: date
    text: str


@dataclass(frozen=True)
class Figures:
    """One period's figures."""

    period: Period
    as_of: datetime  # when «open» and «overdue» are measured: the period's end, or now
    registered: int
    by_kind: dict[str, int]
    by_category: dict[str, int]
    by_destination: dict[str, int]
    by_severity: dict[str, int]
    redirected: int
    assessed: int
    closed: int
    median_days_to_assessment: float | None
    median_days_to_closure: float | None
    open_at_end: int
    overdue: tuple[Overdue, ...]
    lessons: dict[str, tuple[Lesson, ...]]  # by category, each in order of closure
    lessons_withheld: int
    no_new_lesson: int = 0  # cases closed with «Ingen ny erfaring» ticked
    by_risk: dict[str, int] = field(default_factory=dict)  # colour → cases registered (issue 22)
    by_cause: dict[str, int] = field(default_factory=dict)  # cause type → cases registered
    by_effect: dict[str, int] = field(default_factory=dict)  # answer → effect checks

    @property
    def lesson_count(self) -> int:
        return sum(len(v) for v in self.lessons.values())


@dataclass(frozen=True)
class DeviationRow:
    """One case registered in the period, for the export: no free text, no people."""

    reference: str
    registered_on: date
    kind: str
    category: str
    destination: str
    severity: str
    citizen_rights: str
    state: str
    assessed_on: date | None
    closed_on: date | None
    days_to_assessment: float | None
    days_to_closure: float | None


@dataclass(frozen=True)
class ActionRow:
    """One action that was under way at some time in the period."""

    reference: str
    category: str
    term: str
    description: str | None  # None for ASYS/HMS cases
    due_on: date
    state: str
    finished_on: date | None
    overdue_at_end: bool
    owner_id: str | None  # None in the office's version


@dataclass(frozen=True)
class Change:
    """One figure now and in the period before."""

    what: str  # a catalogue key under report.change.*, or a category value
    current: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class Report:
    office_id: str
    audience: Audience
    generated_at: datetime
    current: Figures
    previous: Figures
    deviations: tuple[DeviationRow, ...]
    actions: tuple[ActionRow, ...]
    per_month: tuple[tuple[date, dict[str, int]], ...]  # month → cases registered by category
    open_over_time: tuple[tuple[date, int], ...]  # day → open cases at the end of it
    tz: ZoneInfo
    quality: QualitySection = field(default_factory=QualitySection)  # bot/quality/report.py
    breaches: BreachFigures = field(default_factory=BreachFigures)  # bot/breach/report.py (issue 21)
    causes: dict[str, str] = field(default_factory=dict)  # cause type → its label, in the office's order

    @property
    def period(self) -> Period:
        return self.current.period

    @property
    def running(self) -> bool:
        """The period has not ended: «open» and «overdue» are measured now, not at its end."""
        return self.current.as_of < self.period.end(self.tz)

    def totals(self) -> list[Change]:
        """The period's headline figures beside the period before's."""
        cur, prev = self.current, self.previous
        now = "_now" if self.running else ""
        return [
            Change("registered", cur.registered, prev.registered),
            Change("redirected", cur.redirected, prev.redirected),
            Change("assessed", cur.assessed, prev.assessed),
            Change("closed", cur.closed, prev.closed),
            Change("median_assessment", cur.median_days_to_assessment, prev.median_days_to_assessment),
            Change("median_closure", cur.median_days_to_closure, prev.median_days_to_closure),
            Change(f"open_at_end{now}", cur.open_at_end, prev.open_at_end),
            Change(f"overdue{now}", len(cur.overdue), len(prev.overdue)),
            Change("lessons", cur.lesson_count, prev.lesson_count),
        ]

    def changes(self) -> list[Change]:
        """What changed since the period before: the totals, then each category that moved."""
        cur, prev = self.current.by_category, self.previous.by_category
        return self.totals() + [Change(category, cur.get(category, 0), prev.get(category, 0))
                                for category in dict.fromkeys([*cur, *prev])
                                if cur.get(category, 0) != prev.get(category, 0)]

    def recurring_causes(self) -> list[Recurring]:
        """Each cause type now and in the period before, marked when it recurs and when it rises."""
        return recurring(self.current.by_cause, self.previous.by_cause)


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / DAY


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _count(values: Iterable[str], vocabulary: Sequence[str]) -> dict[str, int]:
    """Counts for every word of the vocabulary (zeros too), then any stored value outside it."""
    counted = Counter(values)
    return {word: counted.get(word, 0) for word in vocabulary} | {
        value: n for value, n in counted.items() if value not in vocabulary}


CATEGORY_ORDER = [c.value for c in Category]


def _category_order(category: str) -> int:
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER)


def measured_at(period: Period, tz: ZoneInfo, now: datetime) -> datetime:
    """The period's end, or now while it lasts (never before its start)."""
    return max(period.start(tz), min(period.end(tz), now))


def figures(period: Period, tz: ZoneInfo, now: datetime, deviations: Sequence[DeviationFacts],
            actions: Sequence[ActionFacts], redirected: int, audience: Audience,
            effects: Sequence[EffectFacts] = (), scale: RiskScale = DEFAULT_SCALE,
            causes: Sequence[str] = DEFAULT_CAUSES) -> Figures:
    start, end = period.start(tz), period.end(tz)
    at = measured_at(period, tz, now)

    def within(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    registered = [c for c in deviations if within(c.created_at)]
    assessed = [c for c in deviations if within(c.assessed_at)]
    closed = sorted((c for c in deviations if within(c.closed_at)), key=lambda c: (c.closed_at, c.id))
    open_at_end = sum(1 for c in deviations if c.created_at < at and (c.closed_at is None or c.closed_at >= at))
    today = at.astimezone(tz).date()
    overdue = tuple(
        Overdue(a.reference, a.category, a.term, a.due_on, (today - a.due_on).days,
                None if withholds_text(a.category, a.destination) else a.description,
                a.owner_id if audience is Audience.LEADERS else None)
        for a in sorted(actions, key=lambda a: (a.due_on, a.id))
        if a.due_on < today and a.unfinished_at(at)
    )
    lessons: dict[str, list[Lesson]] = {}
    withheld = 0
    for deviation in closed:
        text = (deviation.lesson or "").strip()
        if not text:
            continue
        if withholds_text(deviation.category, deviation.destination):
            withheld += 1
            continue
        lessons.setdefault(deviation.category, []).append(
            Lesson(deviation.reference, deviation.category, deviation.closed_at.astimezone(tz).date(), text))
    return Figures(
        period=period, as_of=at, registered=len(registered),
        by_kind=_count((c.kind for c in registered), [k.value for k in Kind]),
        by_category=_count((c.category for c in registered), CATEGORY_ORDER),
        by_destination=_count((c.destination for c in registered), [d.value for d in Destination]),
        by_severity=_count((c.severity for c in registered), [s.value for s in Severity]),
        redirected=redirected, assessed=len(assessed), closed=len(closed),
        median_days_to_assessment=_median([_days(c.created_at, c.assessed_at) for c in assessed]),
        median_days_to_closure=_median([_days(c.created_at, c.closed_at) for c in closed]),
        open_at_end=open_at_end, overdue=overdue,
        lessons={category: tuple(lessons[category]) for category in sorted(lessons, key=_category_order)},
        lessons_withheld=withheld, no_new_lesson=sum(1 for c in closed if c.no_new_lesson),
        by_risk=_count((scale.band(c.risk_likelihood, c.risk_consequence) for c in registered),
                       [*RISK_BANDS, NOT_ASSESSED]),
        by_cause=count_causes((c.cause_types for c in registered), causes),
        by_effect=_count(_effect_answers(effects, period, at, tz), [*EFFECT_ANSWERS, UNANSWERED]),
    )


def _effect_answers(effects: Sequence[EffectFacts], period: Period, at: datetime, tz: ZoneInfo) -> Iterable[str]:
    """The answer of each check answered in the period, and «ubesvart» for each check due in it (by
    `at`) that had no answer at `at`; a check due in the period and answered in it counts once."""
    start, today = period.start(tz), at.astimezone(tz).date()
    for check in effects:
        if check.answered_at is not None and start <= check.answered_at < at:
            yield check.answer or UNANSWERED
        elif period.first <= check.due_on <= min(period.last, today) and (
                check.answered_at is None or check.answered_at >= at):
            yield UNANSWERED


def compute(office_id: str, tz: ZoneInfo, period: Period, now: datetime, deviations: Sequence[DeviationFacts],
            actions: Sequence[ActionFacts], redirected: tuple[int, int], audience: Audience,
            rounds: Sequence[RoundFacts] = (), measures: Sequence[MeasureFacts] = (),
            effects: Sequence[EffectFacts] = (), scale: RiskScale = DEFAULT_SCALE,
            causes: Mapping[str, str] | None = None) -> Report:
    """The report for `period`, compared with the period before.

    `cases` and `actions` must hold every case and action that was under way at some time in
    either period (store.reports reads exactly those); `redirected` is (this period, before).
    `rounds` are the quality rounds whose window overlaps the period, `measures` at least the
    measures under way in it. `effects` must hold every effect check answered or due in either
    period; `scale` colours the risk, and `causes` (cause type → label, in order) is the list of
    cause types counted, the defaults' when not given.
    """
    causes = dict(causes) if causes is not None else dict.fromkeys(DEFAULT_CAUSES, "")
    learning = {"effects": effects, "scale": scale, "causes": list(causes)}
    current = figures(period, tz, now, deviations, actions, redirected[0], audience, **learning)
    previous = figures(period.previous(), tz, now, deviations, actions, redirected[1], audience, **learning)
    start, end = period.start(tz), period.end(tz)

    def local(moment: datetime | None) -> date | None:
        return moment.astimezone(tz).date() if moment is not None else None

    registered = [c for c in deviations if start <= c.created_at < end]
    rows = tuple(
        DeviationRow(c.reference, local(c.created_at), c.kind, c.category, c.destination, c.severity, c.citizen_rights,
                c.state, local(c.assessed_at), local(c.closed_at),
                _days(c.created_at, c.assessed_at) if c.assessed_at else None,
                _days(c.created_at, c.closed_at) if c.closed_at else None)
        for c in registered
    )
    at, at_day = current.as_of, current.as_of.astimezone(tz).date()
    action_rows = tuple(
        ActionRow(a.reference, a.category, a.term,
                  None if withholds_text(a.category, a.destination) else a.description,
                  a.due_on, a.state, local(a.finished_at), a.due_on < at_day and a.unfinished_at(at),
                  a.owner_id if audience is Audience.LEADERS else None)
        for a in sorted(actions, key=lambda a: (a.reference, a.due_on, a.id))
        if a.created_at < end and (a.finished_at is None or a.finished_at >= start)
    )
    per_month = tuple(
        (first, _count((c.category for c in registered if local(c.created_at).replace(day=1) == first),
                       CATEGORY_ORDER))
        for first in period.months()
    )
    quality = section(rounds, measures, start=start, at=at, tz=tz, leaders=audience is Audience.LEADERS)
    return Report(office_id, audience, now, current, previous, rows, action_rows, per_month,
                  open_over_time(period, tz, now, deviations), tz, quality, causes=causes)


def open_over_time(period: Period, tz: ZoneInfo, now: datetime, deviations: Sequence[DeviationFacts]) -> tuple[
        tuple[date, int], ...]:
    """Open cases at the end of each day of the period, up to now.

    Open at a moment = registered before it, less closed before it (a case closes after it is
    registered), so two sorted lists and a binary search per day do it.
    """
    created = sorted(c.created_at for c in deviations)
    closed = sorted(c.closed_at for c in deviations if c.closed_at is not None)
    out = []
    day, today = period.first, now.astimezone(tz).date()
    while day <= min(period.last, today):
        moment = min(datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC), now)
        out.append((day, bisect_left(created, moment) - bisect_left(closed, moment)))
        day += timedelta(days=1)
    return tuple(out)
