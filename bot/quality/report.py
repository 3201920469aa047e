"""The period report's quality section: the rounds of Kvalitetssystemet (seed 002) in the period.

Seed 002 ends where seed 000 does, in the business plan: the quality measurements give
«grunnlag for læring og deling av gode grep mellom medarbeidere» and identify what in the
follow-up «fungerer bra (og hvordan og hvorfor)» and «fungerer mindre bra», so the office can
turn it into «tiltak kontorene jobber med» and «tiltak i fylkets regi». A period report therefore carries,
beside the deviations:

- every round whose window overlaps the period: its target group, how many cases were
  reviewed against the target, and per area the distribution of scores, the mean, the
  recurring themes and the trend against the previous round of the *same* target group
  (spring with spring; the seed's «positiv utvikling»), exactly as the round's own helhetsvurdering
  computes them (bot/quality/rules.py, `summarize`);
- every measure that was under way at some time in the period, office or county, with its
  due date and whether it was past it at the period's end.

Like the rest of the report, it is measured at the period's end, or now while the period
lasts: a review submitted after that moment is not counted, a round closed after it is still
running. Plain Python over plain facts (no Slack, no SQL): bot/reports/service.py reads the rows.

Privacy: no reviewer, no internal case number and no free text from a review reaches a
report (the reviewers' «works well / less well» may describe a person's case); the themes are
the reviewers' own tags, as in the office's short helhetsvurdering. Measure owners appear only
in the leaders' version.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.deviations.rules import action_state_at, unfinished_at
from bot.quality.rules import AreaSummary, Scored, summarize


@dataclass(frozen=True)
class ReviewFacts:
    submitted_at: datetime
    scored: tuple[Scored, ...]  # one per area: score (None = not relevant) and the reviewer's tags


@dataclass(frozen=True)
class RoundFacts:
    """What a report knows of a round: never who reviewed what, never a case number or free text."""

    id: int
    year: int
    season: str
    target_group: str
    opens_on: date
    closes_on: date
    created_at: datetime
    closed_at: datetime | None
    reviewers: int
    target_per_reviewer: int
    reviews: tuple[ReviewFacts, ...]
    previous: RoundFacts | None = None  # the last closed round of the same target group before it


@dataclass(frozen=True)
class MeasureFacts:
    id: int
    round_year: int
    round_season: str
    area: str
    scope: str
    description: str
    owner_id: str
    due_on: date
    state: str
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class RoundName:
    year: int
    season: str


@dataclass(frozen=True)
class RoundSummary:
    """One round as it stood when the report is measured."""

    name: RoundName
    target_group: str
    opens_on: date
    closes_on: date
    closed: bool
    reviewers: int
    target: int  # reviews the round aims for: reviewers × cases per reviewer
    reviews: int
    areas: tuple[AreaSummary, ...]
    previous: RoundName | None


@dataclass(frozen=True)
class MeasureRow:
    round: RoundName
    area: str
    scope: str  # kontor | fylke
    description: str
    due_on: date
    state: str
    finished_on: date | None
    overdue_at_end: bool
    owner_id: str | None  # None in the office's version


@dataclass(frozen=True)
class QualitySection:
    rounds: tuple[RoundSummary, ...] = ()
    measures: tuple[MeasureRow, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.rounds and not self.measures

    @property
    def overdue(self) -> tuple[MeasureRow, ...]:
        return tuple(m for m in self.measures if m.overdue_at_end)

    def measures_by_state(self) -> dict[str, int]:
        """Measures under way in the period by their state at its end: apen, utfort, forkastet."""
        counted = Counter(m.state for m in self.measures)
        return {state: counted.get(state, 0) for state in ("apen", "utfort", "forkastet")}


def round_summary(rnd: RoundFacts, at: datetime) -> RoundSummary:
    """The round's helhetsvurdering from the reviews submitted before `at`."""
    counted = [r for r in rnd.reviews if r.submitted_at < at]
    previous = rnd.previous
    areas = summarize((s for r in counted for s in r.scored),
                      (s for r in previous.reviews for s in r.scored) if previous else ())
    return RoundSummary(
        name=RoundName(rnd.year, rnd.season), target_group=rnd.target_group, opens_on=rnd.opens_on,
        closes_on=rnd.closes_on, closed=rnd.closed_at is not None and rnd.closed_at < at,
        reviewers=rnd.reviewers, target=rnd.reviewers * rnd.target_per_reviewer, reviews=len(counted),
        areas=tuple(areas), previous=RoundName(previous.year, previous.season) if previous else None)


def section(rounds: Sequence[RoundFacts], measures: Sequence[MeasureFacts], *, start: datetime, at: datetime,
            tz: ZoneInfo, leaders: bool) -> QualitySection:
    """The quality section of a report on the period from `start`, measured at `at` (its end, or now).

    `rounds` are the rounds whose window overlaps the period or that were open in it;
    `measures` are filtered to those under way in the period, as store.quality.measures_during
    reads them, so the rule holds for any caller. Rounds and measures created after `at` are
    left out, and a measure's state is the one it had at `at`.
    """
    today = at.astimezone(tz).date()
    rows = tuple(
        MeasureRow(RoundName(m.round_year, m.round_season), m.area, m.scope, m.description, m.due_on,
                   action_state_at(m.state, m.finished_at, at),
                   m.finished_at.astimezone(tz).date() if m.finished_at and m.finished_at < at else None,
                   m.due_on < today and unfinished_at(m.created_at, m.finished_at, m.state, at),
                   m.owner_id if leaders else None)
        for m in sorted(measures, key=lambda m: (m.due_on, m.id))
        if m.created_at < at and (m.finished_at is None or m.finished_at >= start)
    )
    existing = sorted((r for r in rounds if r.created_at < at), key=lambda r: (r.opens_on, r.id))
    return QualitySection(tuple(round_summary(r, at) for r in existing), rows)
