"""Building a report from the store, and the chart that goes with it (report and digest).

The figures are computed in bot/reports/figures.py; this module reads what they need in one
transaction, and renders the chart. Slack is not touched here: the handlers post.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.breach import report as breach_report
from bot.errors import StorageUnavailable
from bot.i18n import t
from bot.office import County, Office
from bot.quality.report import MeasureFacts, ReviewFacts, RoundFacts
from bot.quality.rules import Area, Scored, shareable_tags
from bot.reports import chart
from bot.reports import county as county_report
from bot.reports.county import CountyReport, OfficeFacts
from bot.reports.figures import ActionFacts, Audience, DeviationFacts, EffectFacts, Report, compute
from bot.reports.periods import Period, Span, last_complete_month
from bot.reports.risk import RiskScale
from bot.reports.wording import period_name
from store import quality as quality_store
from store import reports as store
from store.db import Database, Unavailable
from store.models import QualityRound

log = logging.getLogger(__name__)


def build_report(session: Session, office: Office, period: Period, now: datetime,
                 audience: Audience = Audience.OFFICE, *, quality: bool = True) -> Report:
    """The report for `period` and the period before, read in the caller's transaction; without
    `quality`, the quality rounds are not read (the digest's chart has no use for them)."""
    tz = office.tz
    before = period.previous()
    start, end = before.start(tz), period.end(tz)
    deviations = [DeviationFacts(**row._asdict()) for row in store.deviations_during(session, office.id, start, end)]
    actions = [ActionFacts(**row._asdict()) for row in store.actions_during(session, office.id, start, end)]
    redirected = (store.redirected_between(session, office.id, period.start(tz), period.end(tz)),
                  store.redirected_between(session, office.id, before.start(tz), before.end(tz)))
    rounds, measures = [], []
    if quality:
        # Seed 002's themes reach the office's version only as preset or leader-approved tags (issue 25).
        approved = quality_store.approved_tags(session, office.id)
        shown = None if audience is Audience.LEADERS else shareable_tags(approved)
        rounds = [_round_facts(session, rnd, shown=shown) for rnd in quality_store.rounds_during(
            session, office.id, period.first, period.last, period.start(tz), period.end(tz))]
        measures = [MeasureFacts(**row._asdict()) for row in quality_store.measures_during(
            session, office.id, period.start(tz), period.end(tz))]
    effects = [EffectFacts(**row._asdict()) for row in store.effect_checks_during(
        session, office.id, before.first, period.last, start, end)]
    # Issue 22: the office's cause types, in its order.
    causes = {cause.id: office.cause_label(cause.id, office.locale) for cause in office.causes}
    report = compute(office.id, tz, period, now, deviations, actions, redirected, audience, rounds, measures,
                     effects, risk_scale(office), causes)
    return replace(report, breaches=breach_report.load(session, office.id, period.start(tz), period.end(tz)))


def risk_scale(office: Office) -> RiskScale:
    """Issue 22: the office config's `[office.risk]` thresholds, as every report colours the office's cases
    (its own period report, and its part of the county report)."""
    return RiskScale(green=office.risk.green_up_to, yellow=office.risk.yellow_up_to)


def _round_facts(session: Session, rnd: QualityRound, *, with_previous: bool = True,
                 shown: frozenset[str] | None = None) -> RoundFacts:
    """A round as the report sees it: counts, scores and tags (only the `shown` ones, when given), no
    reviewer, case number or free text."""
    previous = quality_store.previous_of_same_group(session, rnd, with_reviews=True) if with_previous else None
    return RoundFacts(
        id=rnd.id, year=rnd.year, season=rnd.season, target_group=rnd.target_group, opens_on=rnd.opens_on,
        closes_on=rnd.closes_on, created_at=rnd.created_at, closed_at=rnd.closed_at, reviewers=len(rnd.reviewers),
        target_per_reviewer=rnd.target_per_reviewer,
        reviews=tuple(ReviewFacts(review.submitted_at,
                                  tuple(Scored(Area(a.area), a.score,
                                               tuple(tag for tag in a.tags if shown is None or tag in shown))
                                        for a in review.assessments))
                      for review in rnd.reviews),
        previous=_round_facts(session, previous, with_previous=False, shown=shown) if previous else None)


def load_report(db: Database, office: Office, period: Period, now: datetime,
                audience: Audience = Audience.OFFICE) -> Report:
    """build_report in a transaction of its own; StorageUnavailable when the database does not answer."""
    try:
        with db.transaction() as session:
            return build_report(session, office, period, now, audience)
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def build_county_report(session: Session, county: County, offices: Sequence[Office], period: Period,
                        now: datetime) -> CountyReport:
    """The county report (bot/reports/county.py) over `offices`, read in the caller's transaction. No
    case's text or lesson, action text, effect-check note, review text or tag is read; a measure's
    description and owner come with its row (store.quality.measures_during) and are dropped at once."""
    facts = [_office_facts(session, office, period) for office in offices]
    return _county_report(county, offices, period, now, facts)


def _county_report(county: County, offices: Sequence[Office], period: Period, now: datetime,
                   facts: Sequence[OfficeFacts]) -> CountyReport:
    total = t("report.county.total", offices[0].locale, county=county.name)
    return county_report.compute(county.id, county.name, total, period, now, facts)


def _office_facts(session: Session, office: Office, period: Period) -> OfficeFacts:
    """One office's facts for the county: the period report's facts, read as build_report reads them
    (the same effect checks, the office's own risk scale) but without the lesson or any action text."""
    tz = office.tz
    start, end = period.start(tz), period.end(tz)
    cases = tuple(DeviationFacts(**row._asdict())
                  for row in store.deviations_during(session, office.id, start, end, store.COUNTING_COLUMNS))
    actions = tuple(ActionFacts(**row._asdict(), description=None, owner_id="")
                    for row in store.action_dates_during(session, office.id, start, end))
    effects = tuple(EffectFacts(**row._asdict()) for row in store.effect_checks_during(
        session, office.id, period.first, period.last, start, end))
    rounds = tuple(_round_facts(session, rnd, shown=frozenset()) for rnd in quality_store.rounds_during(
        session, office.id, period.first, period.last, start, end))
    measures = tuple(MeasureFacts(**{**row._asdict(), "description": "", "owner_id": ""})
                     for row in quality_store.measures_during(session, office.id, start, end))
    return OfficeFacts(office.id, office.name, tz, cases, actions, effects, risk_scale(office), rounds, measures)


def load_county_report(db: Database, county: County, offices: Sequence[Office], period: Period,
                       now: datetime) -> CountyReport:
    """build_county_report, each office read in a unit of work of its own, so a county of many offices
    stays inside every unit's deadline; StorageUnavailable when the database does not answer."""
    facts = []
    try:
        for office in offices:
            with db.transaction() as session:
                facts.append(_office_facts(session, office, period))
    except Unavailable as exc:
        raise StorageUnavailable() from exc
    return _county_report(county, offices, period, now, facts)


@dataclass(frozen=True)
class Chart:
    """A rendered chart, ready for files_upload_v2."""

    png: bytes
    filename: str
    title: str
    alt_text: str


def report_chart(report: Report, office: Office, title: str | None = None) -> Chart:
    """Cases per month by category, and open cases over time, for the report's period."""
    loc, label = office.locale, report.period.label
    title = title or t("report.chart.title", loc, period=period_name(report.period, loc))
    return Chart(
        png=chart.render(report, office, title),
        filename=f"avvik-{office.id}-{label.replace('..', '_')}.png",
        title=title,
        alt_text=t("report.chart.alt", loc, period=period_name(report.period, loc)),
    )


def learning_chart(report: Report, office: Office) -> Chart:
    """Issue 22: the period's cases by risk and by cause type, beside the period before."""
    loc, label = office.locale, report.period.label
    return Chart(
        png=chart.render_learning(report, office, t("report.chart.learning_title", loc,
                                                    period=period_name(report.period, loc))),
        filename=f"avvik-{office.id}-{label.replace('..', '_')}-risiko-arsak.png",
        title=t("report.chart.learning_title", loc, period=period_name(report.period, loc)),
        alt_text=t("report.chart.learning_alt", loc, period=period_name(report.period, loc)),
    )


DIGEST_MONTHS = 12  # the digest's chart looks back a year, so a month is seen against the ones before


def months_before(first: date, n: int) -> date:
    """The first day of the month `n` months before the month starting on `first`."""
    index = first.year * 12 + first.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def digest_chart(session: Session, office: Office, now: datetime) -> Chart | None:
    """For the monthly digest: the twelve months up to the last complete one, when the office config asks for it
    (`[office.cadence] chart_in_digest = true`); None otherwise.

    The chart has no names and no free text, so it may go to the office channel. It reads in the
    caller's transaction (a ledger sender's), never opening a second one.
    """
    if not office.cadence.chart_in_digest:
        return None
    month = last_complete_month(now.astimezone(office.tz).date())
    period = Period(months_before(month.first, DIGEST_MONTHS - 1), month.last, Span.DAYS)
    report = build_report(session, office, period, now, Audience.OFFICE, quality=False)
    return report_chart(report, office, t("report.chart.digest_title", office.locale, month=month.label))

