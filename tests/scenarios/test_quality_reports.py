"""The quality rounds in the period report (issue 9, item 6): `/avvik rapport` and `avvik-bot report`.

Two years of Kvalitetssystemet (seed 002) are seeded through the ORM: a spring and an autumn
round each year, reviews with scores and tags, and measures in every state. Every figure the
report shows is checked against a count this test makes from what it seeded.
"""

from __future__ import annotations

import io
import os
import random
import re
import statistics
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.office import Office
from bot.reports.exports import Format, render
from bot.reports.figures import Audience
from bot.reports.periods import parse_period
from bot.reports.service import build_report
from store.db import Database
from store.models import Action, AreaAssessment, QualityReview, QualityRound
from tests.support.flows import text_of

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
AREAS = ("kartlegging", "arbeidsretting", "brukermedvirkning", "fremdrift")
AREA_NAMES = {"kartlegging": "Kartlegging og oppfølgingsvedtak (§ 14 a)", "arbeidsretting": "Arbeidsretting",
              "brukermedvirkning": "Brukermedvirkning", "fremdrift": "Fremdrift"}
SEASONS = {"var": ("aap_30_pluss", (3, 1), (4, 30)), "host": ("unge_under_30", (9, 1), (10, 31))}
TAGS = ("tett kontakt", "saksmengde", "agenda", "bytte av veileder")
REVIEWERS = ["U0REV1", "U0REV2", "U0REV3"]
PRIVATE = "PERSONLIG"  # in every review's free text and case number: no report may show it


def oslo(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), OSLO).astimezone(UTC)


@dataclass
class SeededReview:
    submitted: datetime
    scores: dict[str, int | None]
    tags: dict[str, tuple[str, ...]]


@dataclass
class SeededRound:
    year: int
    season: str
    opens: date
    closes: date
    closed: datetime
    reviews: list[SeededReview] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"Kvalitetsmåling {'vår' if self.season == 'var' else 'høst'} {self.year}"


@dataclass
class SeededMeasure:
    round: SeededRound
    area: str
    scope: str
    description: str
    owner: str
    due: date
    state: str
    created: datetime
    finished: datetime | None


@dataclass
class Seeded:
    rounds: list[SeededRound]
    measures: list[SeededMeasure]


def seed_rounds(db: Database, office: Office, seed_value: int = 2) -> Seeded:
    """Spring and autumn rounds in 2025 and 2026 with 5–9 reviews each, and their measures; plus
    another office's round and measure that no report of this office may show."""
    rng = random.Random(seed_value)
    rounds: list[SeededRound] = []
    measures: list[SeededMeasure] = []
    with db.transaction() as session:
        for year in (2025, 2026):
            for season, (group, opens, closes) in SEASONS.items():
                first, last = date(year, *opens), date(year, *closes)
                rnd = SeededRound(year, season, first, last, oslo(last + timedelta(days=1), 7))
                row = QualityRound(office_id=office.id, year=year, season=season, target_group=group, opens_on=first,
                                   closes_on=last, state="lukket", reviewers=REVIEWERS, target_per_reviewer=3,
                                   opened_by=None, created_at=oslo(first, 7), closed_at=rnd.closed)
                session.add(row)
                session.flush()
                for n in range(rng.randint(5, 9)):
                    submitted = oslo(first + timedelta(days=rng.randint(0, (last - first).days)), rng.randint(8, 15))
                    scores = {area: rng.choice([1, 2, 3, 3, 4, 4, None]) for area in AREAS}
                    tags = {area: tuple(rng.sample(TAGS, rng.randint(0, 2))) for area in AREAS}
                    rnd.reviews.append(SeededReview(submitted, scores, tags))
                    review = QualityReview(round_id=row.id, reviewer_id=rng.choice(REVIEWERS),
                                           case_number=f"{PRIVATE}-{n}", submission_key=f"{row.id}:{n}",
                                           submitted_at=submitted)
                    review.assessments = [
                        AreaAssessment(area=area, score=scores[area], works_well=f"{PRIVATE} fungerer",
                                       works_less_well=f"{PRIVATE} mindre bra", tags=list(tags[area]))
                        for area in AREAS]
                    session.add(review)
                for n in range(rng.randint(2, 4)):
                    created = rnd.closed + timedelta(days=rng.randint(1, 20))
                    due = created.astimezone(OSLO).date() + timedelta(days=rng.randint(10, 200))
                    state = rng.choice(["apen", "utfort", "forkastet"])
                    finished = created + timedelta(days=rng.randint(5, 300)) if state != "apen" else None
                    if finished and finished >= NOW:
                        state, finished = "apen", None
                    measure = SeededMeasure(rnd, rng.choice(AREAS), rng.choice(["kontor", "fylke"]),
                                            f"Tiltak {n} fra {rnd.name}", f"U0OWNER{rng.randint(5, 6)}", due, state,
                                            created, finished)
                    measures.append(measure)
                    session.add(Action(round_id=row.id, scope=measure.scope, area=measure.area, term="lang",
                                       description=measure.description, owner_id=measure.owner, due_on=due,
                                       state=state, created_at=created, finished_at=finished))
                rounds.append(rnd)
        other = QualityRound(office_id="et-annet-kontor", year=2026, season="var", target_group="aap_30_pluss",
                             opens_on=date(2026, 3, 1), closes_on=date(2026, 4, 30), state="apen",
                             reviewers=["U0OTHER"], target_per_reviewer=9, created_at=oslo(date(2026, 3, 1)))
        session.add(other)
        session.flush()
        session.add(Action(round_id=other.id, scope="kontor", area="fremdrift", term="lang",
                           description="ANNET KONTOR", owner_id="U0OTHER", due_on=date(2026, 6, 1), state="apen",
                           created_at=oslo(date(2026, 5, 2))))
    return Seeded(rounds, measures)


# --- the independent count ----------------------------------------------------------------------

def mean(values: list[int]) -> float | None:
    return statistics.mean(values) if values else None


def expected(seeded: Seeded, first: date, last: date, now: datetime = NOW) -> dict:
    """The quality section of a report over first–last, counted from what was seeded."""
    start, end = oslo(first, 0), oslo(last + timedelta(days=1), 0)
    at = min(end, now)
    today = at.astimezone(OSLO).date()
    rounds = {}
    for rnd in seeded.rounds:
        in_window = rnd.opens <= last and rnd.closes >= first
        open_then = oslo(rnd.opens, 7) < end and rnd.closed >= start  # seeded rounds open at 07:00
        if not (in_window or open_then) or oslo(rnd.opens, 7) >= at:
            continue
        reviews = [r for r in rnd.reviews if r.submitted < at]
        before = next((b for b in seeded.rounds if b.season == rnd.season and b.year == rnd.year - 1), None)
        areas = {}
        for area in AREAS:
            scores = [r.scores[area] for r in reviews]
            tags = Counter(tag for r in reviews for tag in set(r.tags[area]))
            areas[area] = {
                "distribution": Counter(scores),
                "mean": mean([s for s in scores if s is not None]),
                "previous_mean": mean([r.scores[area] for r in before.reviews if r.scores[area] is not None])
                if before else None,
                "themes": sorted(((tag, n) for tag, n in tags.items() if n >= 2), key=lambda x: (-x[1], x[0])),
            }
        rounds[rnd.name] = {"reviews": len(reviews), "closed": rnd.closed < at, "areas": areas,
                            "previous": before.name if before else None}
    measures = {}
    for m in seeded.measures:
        if m.created < at and (m.finished is None or m.finished >= start):
            unfinished = m.created < at and (m.finished is None or m.finished >= at)
            done = m.finished is not None and m.finished < at
            measures[m.description] = {
                "state": m.state if done else "apen",
                "finished_on": m.finished.astimezone(OSLO).date() if done else None,
                "overdue": m.due < today and unfinished, "owner": m.owner, "round": m.round.name}
    return {"rounds": rounds, "measures": measures}


def round_named(report, name: str):  # type: ignore[no-untyped-def]
    """«Kvalitetsmåling høst 2026» → that round's summary in the report."""
    *_, season, year = name.split()
    wanted = (int(year), {"vår": "var", "høst": "host"}[season])
    return next(r for r in report.quality.rounds if (r.name.year, r.name.season) == wanted)


@pytest.fixture
def office(bot) -> Office:  # type: ignore[no-untyped-def]
    return bot.services.offices.office[0]


# --- the figures ---------------------------------------------------------------------------------

def test_a_year_report_holds_both_rounds_with_the_counted_distributions_and_trends(db, office):
    seeded = seed_rounds(db, office)
    with db.transaction() as session:
        report = build_report(session, office, parse_period("2026", NOW.date()), NOW, Audience.LEADERS)
    want = expected(seeded, date(2026, 1, 1), date(2026, 12, 31))

    assert list(want["rounds"]) == ["Kvalitetsmåling vår 2026", "Kvalitetsmåling høst 2026"]
    assert len(report.quality.rounds) == 2  # not 2025's, not the other office's
    for name, counted in want["rounds"].items():
        summary = round_named(report, name)
        assert (summary.reviews, summary.closed, summary.target) == (counted["reviews"], True, 9)
        assert [a.area.value for a in summary.areas] == list(AREAS)
        for area in summary.areas:
            wanted = counted["areas"][area.area.value]
            assert Counter({k: v for k, v in area.distribution.items() if v}) == wanted["distribution"]
            assert area.mean == pytest.approx(wanted["mean"], abs=0.005)
            assert area.previous_mean == pytest.approx(wanted["previous_mean"], abs=0.005)
            assert area.themes == wanted["themes"]
            change = wanted["mean"] - wanted["previous_mean"]
            if abs(abs(change) - 0.25) > 0.01:  # clear of the threshold's rounding
                assert area.trend.value == ("positiv" if change > 0.25 else "negativ" if change < -0.25 else "stabil")

    # seed 002: the autumn round (young people) is compared with last autumn, never with the spring
    # round (AAP recipients 30+) that came just before it
    autumn = round_named(report, "Kvalitetsmåling høst 2026")
    assert (autumn.previous.year, autumn.previous.season) == (2025, "host")

    got = {m.description: {"state": m.state, "finished_on": m.finished_on, "overdue": m.overdue_at_end,
                           "owner": m.owner_id,
                           "round": f"Kvalitetsmåling {'vår' if m.round.season == 'var' else 'høst'} {m.round.year}"}
           for m in report.quality.measures}
    assert got == want["measures"]
    assert any(m["overdue"] for m in got.values()) and any(m["state"] == "utfort" for m in got.values())
    assert any(m["round"].endswith("2025") for m in got.values())  # last year's measures still under way
    assert "ANNET KONTOR" not in got


def test_a_month_inside_a_round_shows_the_round_as_it_stood_at_the_months_end(db, office):
    seeded = seed_rounds(db, office)
    with db.transaction() as session:
        report = build_report(session, office, parse_period("2026-03", NOW.date()), NOW, Audience.OFFICE)
    want = expected(seeded, date(2026, 3, 1), date(2026, 3, 31))

    [spring] = report.quality.rounds
    counted = want["rounds"]["Kvalitetsmåling vår 2026"]
    all_reviews = len(seeded.rounds[2].reviews)
    assert spring.reviews == counted["reviews"] < all_reviews  # April's reviews are not counted in March
    assert spring.closed is False
    for area in spring.areas:
        assert Counter({k: v for k, v in area.distribution.items() if v}) == counted["areas"][area.area.value][
            "distribution"]
    assert {m.description: (m.state, m.finished_on, m.overdue_at_end) for m in report.quality.measures} == {
        d: (m["state"], m["finished_on"], m["overdue"]) for d, m in want["measures"].items()}
    assert all(m.owner_id is None for m in report.quality.measures)  # the office's version names nobody


def test_a_running_period_counts_only_what_has_happened_by_now(db, office):
    seeded = seed_rounds(db, office)
    spring_2026 = sorted(r.submitted for r in seeded.rounds[2].reviews)
    now = spring_2026[len(spring_2026) // 2] + timedelta(minutes=1)  # half the round's reviews are still to come
    with db.transaction() as session:
        report = build_report(session, office, parse_period("2026", now.date()), now, Audience.LEADERS)
    want = expected(seeded, date(2026, 1, 1), date(2026, 12, 31), now)

    assert list(want["rounds"]) == ["Kvalitetsmåling vår 2026"]  # the autumn round is not open yet
    [spring] = report.quality.rounds
    assert (spring.name.year, spring.name.season, spring.closed) == (2026, "var", False)
    assert spring.reviews == want["rounds"]["Kvalitetsmåling vår 2026"]["reviews"] < len(seeded.rounds[2].reviews)
    assert {m.description: (m.state, m.overdue_at_end) for m in report.quality.measures} == {
        d: (m["state"], m["overdue"]) for d, m in want["measures"].items()}
    markdown = render(report, office, Format.MD).decode()
    assert f"· pågår · {spring.reviews} av 9 gjennomgåtte saker" in markdown
    assert "Over fristen nå:" in markdown


def test_a_round_closed_late_by_hand_is_in_the_month_it_closed(db, office):
    with db.transaction() as session:
        rnd = QualityRound(office_id=office.id, year=2026, season="var", target_group="aap_30_pluss",
                           opens_on=date(2026, 3, 1), closes_on=date(2026, 4, 30), state="lukket",
                           reviewers=REVIEWERS, target_per_reviewer=1, created_at=oslo(date(2026, 3, 1), 7),
                           closed_at=oslo(date(2026, 5, 11)))
        session.add(rnd)
        session.flush()
        for n, day in enumerate((date(2026, 4, 20), date(2026, 5, 5))):
            review = QualityReview(round_id=rnd.id, reviewer_id=REVIEWERS[n], submission_key=f"k{n}",
                                   submitted_at=oslo(day))
            review.assessments = [AreaAssessment(area=area, score=3, tags=[]) for area in AREAS]
            session.add(review)

    def rounds_in(period: str) -> list[tuple[int, bool]]:
        with db.transaction() as session:
            report = build_report(session, office, parse_period(period, NOW.date()), NOW)
        return [(r.reviews, r.closed) for r in report.quality.rounds]

    assert rounds_in("2026-04") == [(1, False)]
    assert rounds_in("2026-05") == [(2, True)]  # open until 11 May, though its window ended in April
    assert rounds_in("2026-06") == []


def test_a_period_without_rounds_says_so(db, office):
    seed_rounds(db, office)
    with db.transaction() as session:
        report = build_report(session, office, parse_period("2024", NOW.date()), NOW)
    assert report.quality.empty
    markdown = render(report, office, Format.MD).decode()
    assert "Ingen kvalitetsmåling i perioden." in markdown
    assert "Ingen tiltak fra kvalitetsmålingene i perioden." in markdown


# --- what a leader sees in Slack ----------------------------------------------------------------

def decimal_after(text: str, prefix: str) -> float:
    """The number written (Bokmål: decimal comma) right after `prefix` in `text`."""
    match = re.search(re.escape(prefix) + r"(\d+(?:,\d)?)", text)
    assert match, f"{prefix!r} not in the text"
    return float(match.group(1).replace(",", "."))


def test_the_leaders_report_in_slack_carries_the_quality_rounds(bot, clock, office):
    seeded = seed_rounds(bot.services.db, office)
    clock.set(NOW)
    want = expected(seeded, date(2026, 1, 1), date(2026, 12, 31))

    answer = bot.client.command("rapport 2026", user="U0LEADER1")

    assert answer.status == 200
    [dm] = [c.params for c in bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0LEADER1")]
    text = text_of(dm)
    assert "Kvalitetsmålinger" in text
    for name, counted in want["rounds"].items():
        assert f"*{name}*" in text
        assert f"· avsluttet · {counted['reviews']} av 9 gjennomgåtte saker" in text
        assert f"Sammenlignet med {counted['previous']}." in text
    autumn = want["rounds"]["Kvalitetsmåling høst 2026"]["areas"]["arbeidsretting"]
    autumn_text = text.split("*Kvalitetsmåling høst 2026*")[1].split("*Tiltak fra kvalitetsmålingene*")[0]
    line = next(line for line in autumn_text.splitlines() if line.startswith("• *Arbeidsretting*: snitt "))
    assert decimal_after(line, "snitt ") == pytest.approx(autumn["mean"], abs=0.051)
    assert decimal_after(line, "(forrige: ") == pytest.approx(autumn["previous_mean"], abs=0.051)
    d = autumn["distribution"]
    assert f"4 – Svært god: {d[4]} · 3 – God: {d[3]} · 2 – Delvis god: {d[2]} · 1 – Svak: {d[1]}" in autumn_text
    states = Counter(m["state"] for m in want["measures"].values())
    overdue = sum(m["overdue"] for m in want["measures"].values())
    assert (f"Tiltak under arbeid i perioden: {len(want['measures'])} (åpne: {states['apen']}, utført: "
            f"{states['utfort']}, forkastet: {states['forkastet']}). Over fristen ved periodens slutt: {overdue}."
            ) in text
    some = next(d for d, m in want["measures"].items() if m["overdue"])
    assert some in text and f"<@{want['measures'][some]['owner']}>" in text  # owners: the leaders' version
    assert "U0REV" not in text and PRIVATE not in text and "ANNET KONTOR" not in text


# --- the files for the business plan ------------------------------------------------------------

def run_cli(db: Database, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "DATABASE_URL": db.url,
           "PYTHONPATH": os.environ.get("PYTHONPATH", "")}  # the tree under test, not another checkout
    return subprocess.run([sys.executable, "-m", "bot.cli", "report", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def every_cell(workbook: openpyxl.Workbook) -> str:
    return "\n".join(str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


def test_the_cli_xlsx_has_a_row_per_round_and_area_and_the_measures(db, office, tmp_path):
    seeded = seed_rounds(db, office)
    want = expected(seeded, date(2026, 1, 1), date(2026, 12, 31))

    result = run_cli(db, tmp_path, "--period", "2026", "--format", "xlsx", "--out", "rapport.xlsx")

    assert result.returncode == 0, result.stderr
    workbook = openpyxl.load_workbook(tmp_path / "rapport.xlsx")
    assert workbook.sheetnames == ["Sammendrag", "Avvik", "Tiltak", "Erfaringer", "Risiko og årsak", "Kvalitet",
                                  "Kvalitetstiltak"]
    header, *rows = workbook["Kvalitet"].iter_rows(values_only=True)
    column = {name: i for i, name in enumerate(header)}
    assert len(rows) == 2 * 4
    for row in rows:
        counted = want["rounds"][row[column["Måling"]]]
        area = next(a for a, label in AREA_NAMES.items() if label == row[column["Område"]])
        distribution = counted["areas"][area]["distribution"]
        assert row[column["Gjennomgåtte saker"]] == counted["reviews"]
        assert row[column["Forrige måling, samme målgruppe"]] == counted["previous"]
        assert [row[column[f"{s} – {w}"]] for s, w in ((4, "Svært god"), (3, "God"), (2, "Delvis god"), (1, "Svak"))] \
            == [distribution[4], distribution[3], distribution[2], distribution[1]]
        assert row[column["Ikke relevant"]] == distribution[None]
        assert row[column["Snitt (kontorets skala 1–4)"]] == pytest.approx(counted["areas"][area]["mean"], abs=0.005)
    header, *measures = workbook["Kvalitetstiltak"].iter_rows(values_only=True)
    assert "Ansvarlig" not in header  # the office's version
    assert sorted(row[header.index("Tiltak")] for row in measures) == sorted(want["measures"])
    cells = every_cell(workbook)
    assert "U0REV" not in cells and "U0OWNER" not in cells and PRIVATE not in cells and "ANNET KONTOR" not in cells

    assert run_cli(db, tmp_path, "--period", "2026", "--audience", "ledere", "--out", "ledere.xlsx").returncode == 0
    header, *measures = openpyxl.load_workbook(tmp_path / "ledere.xlsx")["Kvalitetstiltak"].iter_rows(values_only=True)
    assert header[-1] == "Ansvarlig"
    assert {row[header.index("Tiltak")]: row[-1] for row in measures} == {
        d: m["owner"] for d, m in want["measures"].items()}


def test_the_cli_markdown_has_a_table_per_round(db, office, tmp_path):
    seeded = seed_rounds(db, office)
    want = expected(seeded, date(2026, 7, 1), date(2026, 12, 31))

    assert run_cli(db, tmp_path, "--period", "2026H2", "--format", "md", "--out", "plan.md").returncode == 0

    markdown = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert "## Kvalitetsmålinger" in markdown and "### Kvalitetsmåling høst 2026" in markdown
    assert "Kvalitetsmåling vår 2026" not in markdown.split("## Kvalitetsmålinger")[1].split("### Tiltak")[0]
    counted = want["rounds"]["Kvalitetsmåling høst 2026"]
    fremdrift = counted["areas"]["fremdrift"]
    d = fremdrift["distribution"]
    [row] = [line for line in markdown.splitlines() if line.startswith("| Fremdrift |")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert float(cells[1].replace(",", ".")) == pytest.approx(fremdrift["mean"], abs=0.051)
    assert float(cells[2].replace(",", ".")) == pytest.approx(fremdrift["previous_mean"], abs=0.051)
    assert cells[4:] == [str(d[4]), str(d[3]), str(d[2]), str(d[1]), str(d[None])]
    assert f"{counted['reviews']} av 9 gjennomgåtte saker" in markdown
    for description in want["measures"]:
        assert description in markdown
    assert "U0REV" not in markdown and "U0OWNER" not in markdown and PRIVATE not in markdown


def test_text_that_looks_like_a_formula_stays_text_in_the_workbook(db, office):
    typed = '=HYPERLINK("http://example.invalid","Klikk")'
    with db.transaction() as session:
        rnd = QualityRound(office_id=office.id, year=2026, season="host", target_group="unge_under_30",
                           opens_on=date(2026, 9, 1), closes_on=date(2026, 10, 31), state="lukket", reviewers=[],
                           target_per_reviewer=1, created_at=oslo(date(2026, 9, 1)), closed_at=oslo(date(2026, 11, 1)))
        session.add(rnd)
        session.flush()
        session.add(Action(round_id=rnd.id, scope="kontor", area="fremdrift", term="lang", description=typed,
                           owner_id="U0OWNER5", due_on=date(2026, 12, 1), state="apen",
                           created_at=oslo(date(2026, 11, 2))))
    with db.transaction() as session:
        report = build_report(session, office, parse_period("2026H2", NOW.date()), NOW)
    sheet = openpyxl.load_workbook(io.BytesIO(render(report, office, Format.XLSX)))["Kvalitetstiltak"]
    [cell] = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == typed]
    assert cell.data_type == "s"


def test_the_empty_quality_sheets_are_still_valid(db, office):
    with db.transaction() as session:
        report = build_report(session, office, parse_period("2024", NOW.date()), NOW)
    workbook = openpyxl.load_workbook(io.BytesIO(render(report, office, Format.XLSX)))
    assert [ws.max_row for ws in workbook.worksheets[5:]] == [1, 1]  # the quality sheets: headers alone
