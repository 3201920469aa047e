"""The quality rounds' scheduled work (seed 002): each workday, close the rounds whose period has ended,
open the season's round on its date, remind reviewers who are behind near the end, and the owners of
measures past their due date (and, once, the leaders: the office's leader channel, or for a measure
«i fylkets regi» each of the county's leaders by DM, issue 24). Idempotent through the ledger, so any
replica (or a cron job running `avvik-bot quality`) may run it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.clock import Clock
from bot.office import Office
from bot.quality.rules import Scope, Season, behind_target, season_running, window_opened_on
from bot.quality.service import close_round, county_leaders_of, open_round, reviewers_of
from bot.services import Services
from bot.workdays import NORWAY
from store import ledger
from store import quality as store
from store.db import Database
from store.ledger import LedgerKey, MessageKind, Target


@dataclass
class RoundsRun:
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    ledger_ids: list[int] = field(default_factory=list)


def run_due(db: Database, clock: Clock, office: Office, reviewers: list[str],
            county_leaders: Sequence[str] | None = None) -> RoundsRun:
    """The scheduler's daily pass: close rounds whose period has ended, open the season's round on its
    configured date (after the closing, so a round that just ended never keeps the next one out), and
    remind reviewers who are behind near the end. `county_leaders` follow up the measures «i fylkets
    regi» (None: the office is in no county, and its own leaders do)."""
    today = clock.now().astimezone(office.tz).date()
    run = RoundsRun()
    with db.transaction() as session:
        rounds = [(r.id, r.closes_on) for r in store.open_rounds(session, office.id)]
    for round_id, closes_on in rounds:
        if today > closes_on:
            run.ledger_ids += close_round(db, clock, office, round_id, closed_by=None).ledger_ids
            run.closed.append(round_id)
    season = season_running(office.quality, today)
    if season is not None:
        opened = open_round(db, clock, office, season, today.year, opened_by=None, reviewers=reviewers)
        if opened.created:
            run.opened.append(opened.round_id)
            run.ledger_ids += opened.ledger_ids
    run.ledger_ids += _overdue_measures(db, clock, office, today, county_leaders)
    for round_id, closes_on in rounds:
        if closes_on >= today >= closes_on - timedelta(days=office.quality.remind_days_before_close):
            run.ledger_ids += _progress_nudges(db, clock, office, round_id, today)
    return run


def leaders_hear_of_overdue(office: Office, due_on: date, today: date) -> bool:
    """The leaders hear of an overdue measure as of a case's overdue action: `overdue_leader_after_workdays`
    workdays after its owner's first reminder (the first workday after the due date)."""
    return NORWAY.between(due_on, today) >= 1 + office.cadence.overdue_leader_after_workdays


def followers(office: Office, scope: str | None, county_leaders: Sequence[str] | None) -> list[str]:
    """Who hears once of an overdue measure: the county's leaders (each by DM) for a measure «i fylkets
    regi» of an office in a county (`county_leaders` not None); otherwise the office's leader channel.

    One audience only, chosen by the config, never by who Slack could name today: a county measure is the
    county's (seed 002, «Tiltak i fylkets regi»), so when its leaders cannot be read (their user group
    empty, or Slack failing with nothing cached) nobody is told now and they are on a later run; the
    office's leader channel is not told instead, which would make two audiences once they are read."""
    if scope == Scope.COUNTY and county_leaders is not None:
        return list(county_leaders)
    return [office.leader_channel]


def _overdue_measures(db: Database, clock: Clock, office: Office, today: date,
                      county_leaders: Sequence[str] | None = None) -> list[int]:
    """Measures past their due date: the owner hears once a week until it is done or dropped; the leaders
    hear once per measure (no period in the key: exactly once, whatever runs it)."""
    year, week, _ = today.isocalendar()
    with db.transaction() as session:
        overdue = store.overdue_measures(session, office.id, today)
        keys = [LedgerKey(MessageKind.MEASURE_OVERDUE, Target.action(m.id), m.owner_id, f"{year}-W{week:02d}")
                for m in overdue]
        keys += [LedgerKey(MessageKind.MEASURE_OVERDUE_LEADERS, Target.action(m.id), recipient)
                 for m in overdue if leaders_hear_of_overdue(office, m.due_on, today)
                 for recipient in followers(office, m.scope, county_leaders)]
        return [i for key in keys if (i := ledger.enter(session, office.id, key, clock.now())) is not None]


def _progress_nudges(db: Database, clock: Clock, office: Office, round_id: int, today: date) -> list[int]:
    """Reviewers behind their target get one reminder a week near the end of the round."""
    year, week, _ = today.isocalendar()
    with db.transaction() as session:
        rnd = store.by_id(session, round_id)
        if rnd is None or rnd.state != "apen":
            return []
        lacking = behind_target(rnd.reviewers, store.reviews_per_reviewer(session, rnd.id), rnd.target_per_reviewer)
        keys = [LedgerKey(MessageKind.QUALITY_PROGRESS, Target.quality_round(rnd.id), reviewer, f"{year}-W{week:02d}")
                for reviewer in sorted(lacking)]
        return [i for key in keys if (i := ledger.enter(session, office.id, key, clock.now())) is not None]


def scheduled_rounds(services: Services, office_id: str | None = None) -> RoundsRun:
    """One workday pass over the quality rounds (of one office, or all); idempotent, so any replica may
    run it."""
    total = RoundsRun()
    for office in services.offices.office:
        if office_id is not None and office.id != office_id:
            continue
        in_county = bool(services.offices.counties_of(office.id))
        run = run_due(services.db, services.clock, office, reviewers_of(services.leaders, office, patient=True),
                      county_leaders_of(services.leaders, services.offices, office, patient=True) if in_county
                      else None)
        total.opened += run.opened
        total.closed += run.closed
        total.ledger_ids += run.ledger_ids
    services.messenger.deliver(total.ledger_ids)
    return total


# --- what a run would do, for `avvik-bot quality --dry-run` ---------------------------------------

@dataclass(frozen=True)
class RoundLine:
    season: Season
    year: int
    opens_on: date
    closes_on: date
    reviews: int = 0


@dataclass
class RoundsPlan:
    """What a pass of the quality job would do as of `today`; read only, stores nothing."""

    office: Office
    today: date
    close: list[RoundLine] = field(default_factory=list)
    open: RoundLine | None = None
    kept_out_by: RoundLine | None = None  # the season's round cannot open while this one runs
    behind: dict[str, int] = field(default_factory=dict)  # reviewer → reviews lacking, near the end
    # measure, due date, whether the leaders hear now, and whether they are the county's (a county measure)
    overdue: list[tuple[int, date, bool, bool]] = field(default_factory=list)


def plan_due(db: Database, clock: Clock, office: Office, reviewers: list[str]) -> RoundsPlan:
    """What `run_due` would do now, without writing anything (the ledger dedupes the reminders)."""
    today = clock.now().astimezone(office.tz).date()
    plan = RoundsPlan(office, today)
    with db.reading() as session:
        still_open = []
        for rnd in store.open_rounds(session, office.id):
            line = RoundLine(Season(rnd.season), rnd.year, rnd.opens_on, rnd.closes_on,
                             sum(store.reviews_per_reviewer(session, rnd.id).values()))
            if today > rnd.closes_on:
                plan.close.append(line)
                continue
            still_open.append((rnd, line))
            if today >= rnd.closes_on - timedelta(days=office.quality.remind_days_before_close):
                plan.behind |= behind_target(rnd.reviewers, store.reviews_per_reviewer(session, rnd.id),
                                             rnd.target_per_reviewer)
        season = season_running(office.quality, today)
        if season is not None:
            exists = store.by_season(session, office.id, today.year, season.value)
            others = [line for rnd, line in still_open if (rnd.year, rnd.season) != (today.year, season.value)]
            if others:
                plan.kept_out_by = others[0]
            elif exists is None:
                opens_on, closes_on = window_opened_on(office.quality, season, today.year, today)
                plan.open = RoundLine(season, today.year, opens_on, closes_on)
        plan.overdue = [(m.id, m.due_on, leaders_hear_of_overdue(office, m.due_on, today), m.scope == Scope.COUNTY)
                        for m in store.overdue_measures(session, office.id, today)]
    return plan
