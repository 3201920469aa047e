"""The county report (issue 24): a county leader's `/avvik rapport` gives the county's offices side by
side, and in total: cases by category, kind, risk band and destination, closure times, open and overdue,
effect checks, and the quality rounds office beside office (seed 002: «variasjon i og mellom Nav-kontor»).

Cases are seeded through the ORM in three offices of the county and one outside it; every figure is
checked against a count this test makes from what it seeded. Hamar colours risk by thresholds of its own
(`[office.risk]`), the others by the example config's. Every free text seeded carries SECRET, which no
county report may show.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select

from bot.i18n import t
from bot.reports.figures import Audience
from bot.reports.periods import parse_period
from bot.reports.service import load_county_report, load_report
from bot.routing.rules import Category, Destination
from bot.settings import EXAMPLE_OFFICE_CONFIG
from store.db import Database
from store.models import Action, AreaAssessment, Deviation, EffectCheck, Event, QualityReview, QualityRound
from tests.support.flows import posted_to, text_of
from tests.support.seeding import add_deviation, add_effect_check
from tests.support.slack_client import TEAM

ROOT = Path(__file__).resolve().parents[2]
OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
SECRET = "HEMMELIG-FYLKE"
COUNTY_OFFICES = ("lillehammer-gausdal", "hamar", "gjovik")
OUTSIDE = "oslo"  # an office of no county: never in the county report
# Each office's `[office.risk]` (green up to, yellow up to): Hamar's differ from the example config's.
THRESHOLDS = {"lillehammer-gausdal": (4, 12), "hamar": (6, 15), "gjovik": (4, 12), OUTSIDE: (4, 12)}
AREAS = ("kartlegging", "arbeidsretting", "brukermedvirkning", "fremdrift")
KINDS = ("brudd", "hendelse", "observasjon")


@pytest.fixture
def office_config(tmp_path: Path) -> Path:
    """Four offices, each in its own workspace; the county of Innlandet holds three of them. Its leaders:
    U0COUNTY1, U0LEADER1, who also leads Lillehammer–Gausdal, and the members of the user group S0COUNTY."""
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8").replace('# team_id = "T0123456789"',
                                                                      f'team_id = "{TEAM}"')
    table = text[text.index("\n[[office]]"):]
    for n, (office_id, name) in enumerate((("hamar", "NAV Hamar"), ("gjovik", "NAV Gjøvik"), (OUTSIDE, "NAV Oslo"))):
        green, yellow = THRESHOLDS[office_id]
        text += "\n" + table.replace('id = "lillehammer-gausdal"', f'id = "{office_id}"').replace(
            'name = "NAV Lillehammer–Gausdal"', f'name = "{name}"').replace(
            f'team_id = "{TEAM}"', f'team_id = "T0X{n}"').replace(
            "green_up_to = 4 ", f"green_up_to = {green} ").replace("yellow_up_to = 12 ", f"yellow_up_to = {yellow} ")
    text += ('\n[[county]]\nid = "innlandet"\nname = "NAV Innlandet"\n'
             f'offices = {list(COUNTY_OFFICES)!r}\nleaders = ["U0COUNTY1", "U0LEADER1"]\n'
             'leader_usergroup = "S0COUNTY"\n').replace("'", '"')
    path = tmp_path / "offices.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- seeding, and the independent count ---------------------------------------------------------

def oslo(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO).astimezone(UTC)


@dataclass
class Case:
    office: str
    kind: str
    category: str
    destination: str
    risk: tuple[int, int] | None
    created: datetime
    closed: datetime | None
    actions: list[tuple[date, datetime, datetime | None]] = field(default_factory=list)  # due, created, finished
    effect: tuple[date, str | None, datetime | None] | None = None  # due on, answer, answered at


@dataclass
class Round:
    office: str
    scores: list[dict[str, int | None]]
    target: int


@dataclass
class Seeded:
    cases: list[Case]
    rounds: list[Round]
    measures: list[tuple[str, str, date, str]]  # office, scope, due, state


def seed(db: Database, seed_value: int = 24) -> Seeded:
    """Cases from November 2025 to August 2026 in four offices, with risk, actions and effect checks;
    a spring 2026 round in two of the county's offices (none in Gjøvik), and their measures."""
    rng = random.Random(seed_value)
    cases, rounds, measures = [], [], []
    with db.transaction(deadline=None) as session:  # test set-up: hundreds of rows, not the bot's unit of work
        for office in (*COUNTY_OFFICES, OUTSIDE):
            for seq in range(1, rng.randint(25, 40)):
                created = oslo(date(2025, 11, 1) + timedelta(days=rng.randint(0, 300)), rng.randint(7, 16))
                closed = created + timedelta(hours=rng.randint(4, 1500)) if rng.random() < 0.6 else None
                closed = closed if closed is None or closed < NOW else None
                risk = None if rng.random() < 0.3 else (rng.randint(1, 5), rng.randint(1, 5))
                case = Case(office, rng.choice(KINDS), rng.choice(list(Category)).value,
                            rng.choice(list(Destination)).value, risk, created, closed)
                row = Deviation(
                    office_id=office, year=created.year, seq=seq, reference=f"AVV-{created.year}-{seq:04d}",
                    kind=case.kind, category=case.category, destination=case.destination, severity="middels",
                    citizen_rights="nei", title=f"{SECRET} tittel", what_happened=f"{SECRET} hva skjedde",
                    occurred_on=created.date(), anonymous=False, reporter_id="U0STAFF1",
                    state="lukket" if closed else "registrert", created_at=created, updated_at=created,
                    assessed_at=created + timedelta(hours=2) if risk else None, closed_at=closed,
                    lesson=f"{SECRET} erfaring" if closed else None,
                    risk_likelihood=risk[0] if risk else None, risk_consequence=risk[1] if risk else None)
                session.add(row)
                session.flush()
                for _ in range(rng.choice([0, 0, 1, 2])):
                    action_created = created + timedelta(hours=3)
                    due = action_created.astimezone(OSLO).date() + timedelta(days=rng.randint(1, 120))
                    finished = action_created + timedelta(days=rng.randint(1, 150)) if rng.random() < 0.5 else None
                    finished = finished if finished is None or finished < NOW else None
                    case.actions.append((due, action_created, finished))
                    session.add(Action(deviation_id=row.id, term="kort", description=f"{SECRET} tiltak",
                                       owner_id="U0OWNER1", due_on=due, state="utfort" if finished else "apen",
                                       created_at=action_created, finished_at=finished))
                if closed and rng.random() < 0.7:
                    asked = closed.astimezone(OSLO).date() + timedelta(days=rng.randint(10, 60))
                    answer = rng.choice(["virket", "delvis", "nei", None])
                    answered = oslo(asked + timedelta(days=rng.randint(0, 3))) if answer else None
                    if answered and answered >= NOW:
                        answer, answered = None, None
                    case.effect = (asked, answer, answered)
                    session.add(EffectCheck(deviation_id=row.id, office_id=office, due_on=asked, leader_id="U0LEADER1",
                                            answer=answer, note=f"{SECRET} merknad" if answer else None,
                                            answered_by="U0LEADER1" if answer else None, answered_at=answered,
                                            created_at=closed))
                cases.append(case)
            if office in ("gjovik", OUTSIDE):
                continue
            rnd = QualityRound(office_id=office, year=2026, season="var", target_group="aap_30_pluss",
                               opens_on=date(2026, 3, 1), closes_on=date(2026, 4, 30), state="lukket",
                               reviewers=["U0REV1", "U0REV2"], target_per_reviewer=5, created_at=oslo(date(2026, 3, 1)),
                               closed_at=oslo(date(2026, 5, 1)))
            session.add(rnd)
            session.flush()
            seeded = Round(office, [], 10)
            for n in range(rng.randint(4, 9)):
                scores = {area: rng.choice([1, 2, 3, 4, None]) for area in AREAS}
                seeded.scores.append(scores)
                review = QualityReview(round_id=rnd.id, reviewer_id="U0REV1", case_number=f"{SECRET}-{n}",
                                       submission_key=f"{office}:{n}", submitted_at=oslo(date(2026, 3, 10 + n)))
                review.assessments = [AreaAssessment(area=area, score=scores[area], works_well=f"{SECRET} bra",
                                                     works_less_well=f"{SECRET} mindre bra", tags=[f"{SECRET}-tag"])
                                      for area in AREAS]
                session.add(review)
            rounds.append(seeded)
            for n in range(rng.randint(2, 4)):
                scope, due = rng.choice(["kontor", "fylke"]), date(2026, 5, 1) + timedelta(days=rng.randint(0, 80))
                state = rng.choice(["apen", "utfort"])
                finished = oslo(due - timedelta(days=5)) if state == "utfort" else None
                measures.append((office, scope, due, state))
                session.add(Action(round_id=rnd.id, scope=scope, area=rng.choice(AREAS), term="lang",
                                   description=f"{SECRET} kvalitetstiltak {n}", owner_id="U0OWNER2", due_on=due,
                                   state=state, created_at=oslo(date(2026, 5, 2)), finished_at=finished))
    return Seeded(cases, rounds, measures)


def band(office: str, risk: tuple[int, int] | None) -> str:
    """The colour by the office's own thresholds."""
    if risk is None:
        return "ikke_vurdert"
    green, yellow = THRESHOLDS[office]
    score = risk[0] * risk[1]
    return "gronn" if score <= green else "gul" if score <= yellow else "rod"


def expected(seeded: Seeded, offices: tuple[str, ...], first: date, last: date) -> dict:
    """The figures of the offices together over first–last (a finished period), counted from the seed."""
    start, end = oslo(first, 0), oslo(last + timedelta(days=1), 0)
    cases = [c for c in seeded.cases if c.office in offices]
    registered = [c for c in cases if start <= c.created < end]
    closed = [c for c in cases if c.closed and start <= c.closed < end]
    overdue = sum(1 for c in cases for due, created, finished in c.actions
                  if due < end.astimezone(OSLO).date() and created < end and (finished is None or finished >= end))
    # «Har tiltaket virket?» as the office's period report counts it: a check answered in the period
    # under its answer; a check due in the period and not answered by its end as «ubesvart».
    effects = Counter()
    for c in cases:
        if c.effect is None:
            continue
        due, answer, answered = c.effect
        if answered is not None and start <= answered < end:
            effects[answer] += 1
        elif first <= due <= last and (answered is None or answered >= end):
            effects["ubesvart"] += 1
    return {
        "registered": len(registered),
        "kind": Counter(c.kind for c in registered), "category": Counter(c.category for c in registered),
        "destination": Counter(c.destination for c in registered),
        "risk": Counter(band(c.office, c.risk) for c in registered),
        "closed": len(closed),
        "median": statistics.median([(c.closed - c.created).total_seconds() / 86400 for c in closed])
        if closed else None,
        "open": sum(1 for c in cases if c.created < end and (c.closed is None or c.closed >= end)),
        "overdue": overdue, "effect": effects,
    }


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


H1 = (date(2026, 1, 1), date(2026, 6, 30))


# --- the figures ---------------------------------------------------------------------------------

def test_a_county_report_over_three_offices_matches_an_independent_count(bot):
    seeded = seed(bot.services.db)
    offices = bot.services.offices
    county = offices.county_by_id("innlandet")
    period = parse_period("2026H1", NOW.date())
    report = load_county_report(bot.services.db, county, [offices.by_id(i) for i in county.offices], period, NOW)

    assert [f.office_id for f in report.offices] == list(COUNTY_OFFICES)
    for figures, scope in [*zip(report.offices, [(o,) for o in COUNTY_OFFICES], strict=True),
                           (report.total, COUNTY_OFFICES)]:
        want = expected(seeded, scope, *H1)
        assert figures.registered == want["registered"] > 0
        assert nonzero(figures.by_kind) == want["kind"]
        assert nonzero(figures.by_category) == want["category"]
        assert nonzero(figures.by_destination) == want["destination"]
        assert nonzero(figures.by_risk) == want["risk"]
        assert figures.closed == want["closed"]
        assert figures.median_days_to_closure == pytest.approx(want["median"])
        assert (figures.open_at_end, figures.overdue) == (want["open"], want["overdue"])
        assert nonzero(figures.by_effect) == want["effect"]
    assert report.total.name == "NAV Innlandet i alt"
    # one rule: each office's risk and effect figures are its own period report's
    for figures, office_id in zip(report.offices, COUNTY_OFFICES, strict=True):
        own = load_report(bot.services.db, offices.by_id(office_id), period, NOW, Audience.OFFICE).current
        assert (figures.by_risk, figures.by_effect) == (own.by_risk, own.by_effect)
    everything = expected(seeded, (*COUNTY_OFFICES, OUTSIDE), *H1)
    assert report.total.registered < everything["registered"]  # Oslo's cases stay out

    # the quality round of spring 2026, office beside office; Gjøvik had none
    [spring] = report.rounds
    by_office = {r.office: r for r in seeded.rounds}
    assert spring.reviews == (len(by_office["lillehammer-gausdal"].scores), len(by_office["hamar"].scores), None)
    for spread in spring.areas:
        means = []
        for office in COUNTY_OFFICES[:2]:
            scores = [s[spread.area.value] for s in by_office[office].scores if s[spread.area.value] is not None]
            means.append(round(statistics.mean(scores), 2) if scores else None)
        assert spread.means == (*means, None)
        scored = [m for m in means if m is not None]
        assert spread.spread == (round(max(scored) - min(scored), 2) if len(scored) == 2 else None)
    for figures, office in zip(report.offices, COUNTY_OFFICES, strict=True):
        mine = [m for m in seeded.measures if m[0] == office]
        assert dict(figures.quality.measures_by_scope) == dict(Counter(m[1] for m in mine))
        assert figures.quality.measures_overdue == sum(1 for m in mine if m[3] == "apen" and m[2] < date(2026, 7, 1))


def test_each_office_s_cases_are_coloured_by_its_own_risk_thresholds(bot):
    """Lillehammer–Gausdal: green up to 4, yellow up to 12; Hamar: green up to 6, yellow up to 15. The same
    scores land in different colours, in the county report as in each office's own report."""
    scores = [(2, 2), (2, 3), (3, 5), (4, 4), None]  # 4, 6, 15, 16, not assessed
    created = oslo(date(2026, 3, 2))
    with bot.services.db.transaction() as session:
        for office in ("lillehammer-gausdal", "hamar"):
            for seq, risk in enumerate(scores, start=1):
                session.add(Deviation(
                    office_id=office, year=2026, seq=seq, reference=f"AVV-2026-{seq:04d}", kind="brudd",
                    category=Category.LOCAL_ROUTINE.value, destination=Destination.OFFICE.value, severity="middels",
                    citizen_rights="nei", title="t", what_happened="h", occurred_on=created.date(), anonymous=False,
                    reporter_id="U0STAFF1", state="registrert", created_at=created, updated_at=created,
                    risk_likelihood=risk[0] if risk else None, risk_consequence=risk[1] if risk else None))
    offices = bot.services.offices
    county = offices.county_by_id("innlandet")
    period = parse_period("2026H1", NOW.date())

    report = load_county_report(bot.services.db, county, [offices.by_id(i) for i in county.offices], period, NOW)

    lillehammer, hamar, gjovik = report.offices
    assert lillehammer.by_risk == {"gronn": 1, "gul": 1, "rod": 2, "ikke_vurdert": 1}
    assert hamar.by_risk == {"gronn": 2, "gul": 1, "rod": 1, "ikke_vurdert": 1}
    assert gjovik.by_risk == {"gronn": 0, "gul": 0, "rod": 0, "ikke_vurdert": 0}
    assert report.total.by_risk == {"gronn": 3, "gul": 2, "rod": 3, "ikke_vurdert": 2}
    own = load_report(bot.services.db, offices.by_id("hamar"), period, NOW, Audience.OFFICE)
    assert own.current.by_risk == hamar.by_risk


def test_effect_checks_are_counted_as_in_the_office_report(bot):
    """«Har tiltaket virket?» in the county report: a check answered in the period counts under its answer
    (even if it was due before the period), a check due in the period and unanswered at its end counts as
    «ikke besvart» (even if answered later), as in the office's period report."""
    from bot.reports.exports import Format, render_county

    db = bot.services.db
    checks = [(date(2025, 12, 30), "virket", date(2026, 1, 2)), (date(2026, 3, 2), "delvis", date(2026, 3, 3)),
              (date(2026, 5, 4), None, None), (date(2026, 6, 29), "nei", date(2026, 7, 2)),
              (date(2026, 7, 1), "nei", date(2026, 7, 1))]  # one check per case
    for due, answer, answered in checks:
        case = add_deviation(db, oslo(date(2025, 10, 1)), office_id="hamar")
        add_effect_check(db, case, due, answer=answer, answered_at=oslo(answered) if answered else None)
    # Counted by hand for 2026H1: virket (answered 2 January), delvis (answered 3 March), and two not answered
    # by 30 June (due 4 May, never answered; due 29 June, answered 2 July). The check due in July is not in it.
    want = {"virket": 1, "delvis": 1, "nei": 0, "ubesvart": 2}
    offices = bot.services.offices
    county = offices.county_by_id("innlandet")
    period = parse_period("2026H1", NOW.date())

    report = load_county_report(db, county, [offices.by_id(i) for i in county.offices], period, NOW)

    hamar = report.offices[1]
    assert (hamar.name, hamar.by_effect) == ("NAV Hamar", want)
    assert report.total.by_effect == want
    assert load_report(db, offices.by_id("hamar"), period, NOW, Audience.OFFICE).current.by_effect == want
    markdown = render_county(report, "nb", Format.MD).decode("utf-8")
    assert "| Kontor | Virket | Virket delvis | Virket ikke | Ikke besvart |" in markdown
    assert "| NAV Hamar | 1 | 1 | 0 | 2 |" in markdown
    assert t("report.effect.scope") in markdown


# --- what a county leader sees in Slack ------------------------------------------------------------

def county_dm(bot, user: str) -> str:  # type: ignore[no-untyped-def]
    [dm] = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == user)
    return text_of(dm.params)


def test_a_county_leader_gets_the_county_report_in_a_dm_with_no_names_and_no_free_text(bot, clock):
    seeded = seed(bot.services.db)
    clock.set(NOW)

    answer = bot.client.command("rapport 2026H1", user="U0COUNTY1")

    assert answer.status == 200
    assert "Lager fylkesrapporten for NAV Innlandet, 1. halvår 2026" in answer.body
    text = county_dm(bot, "U0COUNTY1")
    assert "Fylkesrapport 1. halvår 2026" in text
    assert "NAV Innlandet · 3 kontor · 01.01.2026–30.06.2026" in text
    total = expected(seeded, COUNTY_OFFICES, *H1)
    median = f"{total['median']:.1f}".replace(".", ",").removesuffix(",0")
    assert (f"*NAV Innlandet i alt*\nRegistrerte avvik: *{total['registered']}* · lukket: *{total['closed']}* · "
            f"median dager fra registrering til lukking: *{median} dager* · åpne avvik ved periodens slutt: "
            f"*{total['open']}* · tiltak over fristen ved periodens slutt: *{total['overdue']}*") in text
    for office, name in zip(COUNTY_OFFICES, ("NAV Lillehammer–Gausdal", "NAV Hamar", "NAV Gjøvik"), strict=True):
        want = expected(seeded, (office,), *H1)
        assert f"*{name}*\nRegistrerte avvik: *{want['registered']}* · lukket: *{want['closed']}*" in text
        risk = want["risk"]
        assert (f"_Risiko_: Grønn {risk['gronn']} · Gul {risk['gul']} · Rød {risk['rod']} · "
                f"Ikke vurdert {risk['ikke_vurdert']}") in text
    assert "NAV Oslo" not in text
    assert "Kvalitetsmålingene, kontor for kontor" in text and "Kvalitetsmåling vår 2026" in text
    assert "NAV Gjøvik –" in text  # no round there
    assert "spredning *" in text
    # no person, no reference, no free text of any office
    assert SECRET not in text and "U0" not in text and "<@" not in text and "AVV-" not in text
    assert bot.fake.of("files.completeUploadExternal") == []


def test_a_member_of_the_countys_leader_group_gets_the_county_report(bot, clock):
    seed(bot.services.db)
    clock.set(NOW)
    bot.fake.usergroups["S0COUNTY"] = ["U0COUNTY2"]

    assert "Lager fylkesrapporten for NAV Innlandet" in bot.client.command("rapport 2026H1", user="U0COUNTY2").body
    assert "Fylkesrapport 1. halvår 2026" in county_dm(bot, "U0COUNTY2")


def test_a_leader_of_an_office_and_the_county_chooses_with_fylke(bot, clock):
    seed(bot.services.db)
    clock.set(NOW)

    bot.client.command("rapport 2026H1", user="U0LEADER1")
    office_report = county_dm(bot, "U0LEADER1")
    assert "Avviksrapport 1. halvår 2026" in office_report and "Fylkesrapport" not in office_report

    bot.fake.reset()
    answer = bot.client.command("rapport fylke 2026H1", user="U0LEADER1")
    assert "Lager fylkesrapporten for NAV Innlandet" in answer.body
    county_report = county_dm(bot, "U0LEADER1")
    assert "Fylkesrapport 1. halvår 2026" in county_report and "NAV Hamar" in county_report


def test_someone_who_leads_no_county_is_refused_the_county_report(bot, clock):
    seed(bot.services.db)
    clock.set(NOW)

    for user in ("U0LEADER2", "U0STAFF1"):  # an office's leader, and a member of staff
        answer = bot.client.command("rapport fylke 2026H1", user=user)
        assert answer.status == 200
        assert answer.body == t("report.county.refused")
    assert bot.client.command("rapport 2026H1", user="U0STAFF1").body == t("error.not_a_leader")
    bot.fake.settle(quiet=0.3)
    assert posted_to(bot.fake, "U0LEADER2") == [] and posted_to(bot.fake, "U0STAFF1") == []
    with bot.services.db.transaction() as session:
        refusals = session.scalars(select(Event).where(Event.kind == "nektet")).all()
        assert sorted((r.actor_id, r.detail["attempted"]) for r in refusals) == [  # recorded after the answer
            ("U0LEADER2", "fylkesrapport"), ("U0STAFF1", "fylkesrapport"), ("U0STAFF1", "rapport")]


def test_help_tells_how_to_ask_for_the_county_report(bot):
    text = text_of(bot.client.command("hjelp").json())
    assert "`/avvik rapport fylke [periode]`" in text


# --- the export ----------------------------------------------------------------------------------

def run_report(bot, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    import os

    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "DATABASE_URL": bot.services.db.url,
           "AVVIK_OFFICE_CONFIG": str(bot.services.settings.avvik_office_config), "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "bot.cli", "report", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_county_report_is_written_as_xlsx_and_markdown_without_free_text(bot, tmp_path):
    seeded = seed(bot.services.db)
    total = expected(seeded, COUNTY_OFFICES, *H1)

    out = tmp_path / "fylke.xlsx"
    result = run_report(bot, tmp_path, "--county", "innlandet", "--period", "2026H1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"NAV Innlandet, 3 office(s), 2026H1 (2026-01-01–2026-06-30), {total['registered']} case(s)" in result.stdout
    workbook = openpyxl.load_workbook(out)
    sheet = workbook[t("report.county.sheet.offices")]
    [first, *_] = [row for row in sheet.iter_rows(values_only=True) if row[0] == "NAV Innlandet i alt"]
    assert first[1:6] == (total["registered"], total["closed"], round(total["median"], 1),
                                                total["open"], total["overdue"])
    cells = " ".join(str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    assert SECRET not in cells and "U0" not in cells and "NAV Oslo" not in cells
    assert t("report.county.sheet.quality") in workbook.sheetnames

    out = tmp_path / "fylke.md"
    assert run_report(bot, tmp_path, "--county", "innlandet", "--period", "2026H1", "--out", str(out)).returncode == 0
    markdown = out.read_text(encoding="utf-8")
    assert markdown.startswith("# Fylkesrapport 1. halvår 2026\n")
    risk = total["risk"]
    assert (f"| NAV Innlandet i alt | {risk['gronn']} | {risk['gul']} | {risk['rod']} | {risk['ikke_vurdert']} |"
            in markdown)
    assert SECRET not in markdown and "U0" not in markdown

    refused = run_report(bot, tmp_path, "--county", "innlandet", "--out", str(tmp_path / "fylke.csv"))
    assert refused.returncode == 2 and "the county report is written as .xlsx or .md" in refused.stderr


# --- measures «i fylkets regi» follow the county's leaders ----------------------------------------

def test_a_county_measure_is_told_to_the_countys_leaders_and_its_overdue_notice_goes_to_them(bot, clock):
    from bot.quality.jobs import scheduled_rounds

    clock.set(oslo(date(2027, 3, 1), 9))
    scheduled_rounds(bot.services)  # the spring round opens in every office
    measures = (("fylke", "Felles opplæring i arbeidsrettet oppfølging"), ("kontor", "Ukentlig porteføljemøte"))
    for opened, (scope, text) in enumerate(measures, start=1):
        assert bot.client.command("tiltak", command="/kvalitet", user="U0LEADER2").status == 200
        view = bot.fake.wait_for("views.open", opened)[-1].params["view"]
        response = bot.client.submit(view, {"description": text, "area": "fremdrift", "scope": scope,
                                            "owner": "U0REV2", "due_on": "2027-03-19"}, user="U0LEADER2",
                                     view_id=f"V{scope.upper()}")
        assert response.status == 200 and response.body == ""
    bot.services.messenger.wait_idle()
    bot.fake.settle()
    for leader in ("U0COUNTY1", "U0LEADER1"):
        [told] = [text_of(p) for p in posted_to(bot.fake, leader)]
        assert "Nytt tiltak i fylkets regi fra *Kvalitetsmåling vår 2027* ved NAV Lillehammer–Gausdal" in told
        assert "Felles opplæring" in told and "Ansvarlig: <@U0REV2>, frist 19.03.2027" in told
    assert posted_to(bot.fake, "U0LEADER2") == []  # an office leader, not the county's

    for moment in (date(2027, 3, 22), date(2027, 3, 30), date(2027, 4, 6)):
        clock.set(oslo(moment, 9))
        scheduled_rounds(bot.services)
        scheduled_rounds(bot.services)
    bot.services.messenger.wait_idle()
    bot.fake.settle()
    for leader in ("U0COUNTY1", "U0LEADER1"):
        overdue = [text_of(p) for p in posted_to(bot.fake, leader) if "passert fristen" in text_of(p)]
        assert len(overdue) == 1
        assert "Tiltaket i fylkets regi fra *Kvalitetsmåling vår 2027* ved NAV Lillehammer–Gausdal (Fremdrift) har " \
               "passert fristen 19.03.2027: Felles opplæring" in overdue[0]
    channel = [text_of(p) for p in posted_to(bot.fake, "C0LEADERS") if "passert fristen" in text_of(p)]
    assert len(channel) == 1 and "Ukentlig porteføljemøte" in channel[0]  # the office's own measure stays there


# --- Slack slow to name the county's user group: the command and the form are answered in time ---------

def test_the_county_report_is_acked_while_slack_hangs_on_the_countys_group_and_then_sent(bot, clock):
    clock.set(NOW)
    bot.fake.usergroups["S0COUNTY"] = ["U0COUNTY2"]
    bot.fake.hold("usergroups.users.list")
    bot.client.timeout = 3.0  # Slack gives up on the answer after 3 seconds
    try:
        answer = bot.client.command("rapport 2026H1", user="U0COUNTY2", response_url=bot.fake.response_url())
        assert answer.status == 200
        bot.fake.wait_held("usergroups.users.list", timeout=0)  # acked while Slack still holds the question
    finally:
        bot.fake.release("usergroups.users.list", drop=False)
    [later] = bot.fake.wait_for("response_url")
    assert "Lager fylkesrapporten for NAV Innlandet, 1. halvår 2026" in text_of(later.params)
    assert "Fylkesrapport 1. halvår 2026" in county_dm(bot, "U0COUNTY2")


def test_a_county_measure_is_acked_while_slack_hangs_on_the_countys_group_and_its_members_are_told(bot, clock):
    from bot.quality.jobs import scheduled_rounds

    clock.set(oslo(date(2027, 3, 1), 9))
    scheduled_rounds(bot.services)  # the spring round opens in every office; the county's group is read, empty
    bot.fake.usergroups["S0COUNTY"] = ["U0COUNTY2"]  # a leader joins the county's group since
    assert bot.client.command("tiltak", command="/kvalitet", user="U0LEADER2").status == 200
    view = bot.fake.wait_for("views.open")[-1].params["view"]
    clock.advance(minutes=6)  # the leader writes a while: the group's members are asked for again, and Slack hangs
    bot.fake.hold("usergroups.users.list")
    bot.client.timeout = 3.0
    try:
        response = bot.client.submit(view, {"description": "Felles opplæring i arbeidsrettet oppfølging",
                                            "area": "fremdrift", "scope": "fylke", "owner": "U0REV2",
                                            "due_on": "2027-03-19"}, user="U0LEADER2", view_id="VFYLKE")
        assert response.status == 200 and response.body == ""  # the form closes
        bot.fake.wait_held("usergroups.users.list", timeout=0)  # acked while Slack still holds the question
    finally:
        bot.fake.release("usergroups.users.list", drop=False)
    for leader in ("U0COUNTY1", "U0LEADER1", "U0COUNTY2"):  # the configured leaders, and the group's member
        bot.fake.wait_for("chat.postMessage", where=lambda c, who=leader: c.params["channel"] == who)
    bot.services.messenger.wait_idle()
    bot.fake.settle()
    for leader in ("U0COUNTY1", "U0LEADER1", "U0COUNTY2"):
        [told] = [text_of(p) for p in posted_to(bot.fake, leader)]  # each told once
        assert "Nytt tiltak i fylkets regi fra *Kvalitetsmåling vår 2027*" in told


def test_the_review_form_opens_with_its_trigger_while_slack_hangs_on_the_countys_group(bot, clock):
    from bot.quality.jobs import scheduled_rounds
    from handlers import ids

    clock.set(oslo(date(2027, 3, 1), 9))
    scheduled_rounds(bot.services)  # the spring round opens; the county's group is read
    clock.advance(minutes=6)  # its members are asked for again, and Slack hangs
    bot.fake.hold("usergroups.users.list")
    bot.client.timeout = 3.0
    try:
        assert bot.client.command("", command="/kvalitet", user="U0LEADER2").status == 200
        [opened] = bot.fake.wait_for("views.open", timeout=2)  # a trigger lives 3 s: the form does not wait
    finally:
        bot.fake.release("usergroups.users.list", drop=False)
    assert opened.params["view"]["callback_id"] == ids.QUALITY_REVIEW
