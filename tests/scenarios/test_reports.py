"""Period reports, exports and charts: seed 000's «Erfaring inn i virksomhetsplan».

Two years of cases are seeded through the ORM; every figure of the report is checked against
a count the test makes on its own from what it seeded, never from what the bot read back.
"""

from __future__ import annotations

import csv
import io
import os
import random
import statistics
import struct
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
import pytest
from matplotlib import image
from sqlalchemy import select

from bot.i18n import t
from bot.office import Cadence, Office
from bot.reports.chart import colour
from bot.reports.exports import Format, render
from bot.reports.figures import Audience
from bot.reports.periods import parse_period
from bot.reports.service import build_report, digest_chart
from bot.reports.wording import value_label
from bot.routing.rules import Category
from store.db import Database
from store.models import Action, Deviation, Event
from tests.support.flows import posted_to, text_of

ROOT = Path(__file__).resolve().parents[2]
OSLO = ZoneInfo("Europe/Oslo")
AFTER_2026 = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SECRET = "HEMMELIG"  # in every free text the reports must leave out
ASYS_CATEGORIES = {"hms", "informasjonssikkerhet"}


# --- seeding two years of cases ----------------------------------------------------------------

@dataclass
class SeededAction:
    reference: str
    owner_id: str
    due_on: date
    created: datetime
    finished: datetime | None
    state: str


@dataclass
class SeededDeviation:
    reference: str
    kind: str
    category: str
    destination: str
    severity: str
    reporter_id: str | None
    created: datetime
    assessed: datetime | None
    closed: datetime | None
    lesson: str | None
    actions: list[SeededAction] = field(default_factory=list)


@dataclass
class Seeded:
    deviations: list[SeededDeviation]
    redirects: list[datetime]

    @property
    def actions(self) -> list[SeededAction]:
        return [a for c in self.deviations for a in c.actions]


def _oslo(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), OSLO).astimezone(UTC)


def seed(db: Database, office: Office, now: datetime = AFTER_2026, seed_value: int = 8) -> Seeded:
    """Cases from 2025-01-01 to 2026-12-31, a few a day, with assessments, closures, lessons,
    actions and redirects; plus cases a minute either side of the year's and half-year's edges."""
    rng = random.Random(seed_value)
    categories = [c.value for c in Category if c is not Category.TECHNICAL]
    moments = []
    day = date(2025, 1, 1)
    while day <= date(2026, 12, 31):
        moments += [_oslo(day, rng.randint(7, 16), rng.randint(0, 59)) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
        day += timedelta(days=1)
    moments += [_oslo(date(2025, 12, 31), 23, 59), _oslo(date(2026, 1, 1), 0, 1),
                _oslo(date(2026, 6, 30), 23, 59), _oslo(date(2026, 7, 1), 0, 0)]
    seq: Counter[int] = Counter()
    deviations: list[SeededDeviation] = []
    with db.transaction(deadline=None) as session:  # test set-up: hundreds of rows, not the bot's unit of work
        for created in sorted(moments):
            year = created.astimezone(OSLO).year
            seq[year] += 1
            category = rng.choice(categories)
            route = office.route(category)
            asys = category in ASYS_CATEGORIES or route.destination.value == "asys"
            anonymous = rng.random() < 0.2
            assessed = created + timedelta(days=rng.uniform(0.05, 25)) if rng.random() < 0.85 else None
            assessed = assessed if assessed and assessed < now else None
            closed = assessed + timedelta(days=rng.uniform(0.5, 70)) if assessed and rng.random() < 0.65 else None
            closed = closed if closed and closed < now else None
            reference = f"AVV-{year}-{seq[year]:04d}"
            lesson = None
            if closed and rng.random() < 0.6:
                lesson = f"{SECRET} ASYS-lærdom {reference}" if asys else f"Lærdom fra {reference}: sjekk rutinen"
            deviation = SeededDeviation(reference, rng.choice(["brudd", "hendelse", "observasjon"]), category,
                              route.destination.value, rng.choice(["lav", "middels", "hoy"]),
                              None if anonymous else f"U0STAFF{rng.randint(1, 9)}", created, assessed, closed, lesson)
            if assessed and rng.random() < 0.6:
                for _ in range(rng.randint(1, 3)):
                    due = assessed.astimezone(OSLO).date() + timedelta(days=rng.randint(3, 45))
                    if closed:
                        finished = assessed + (closed - assessed) * rng.random()
                        state = rng.choice(["utfort", "forkastet"])
                    else:
                        finished = assessed + timedelta(days=rng.uniform(0.5, 60)) if rng.random() < 0.5 else None
                        finished = finished if finished and finished < now else None
                        state = "utfort" if finished else "apen"
                    deviation.actions.append(SeededAction(reference, f"U0OWNER{rng.randint(1, 4)}", due, assessed,
                                                     finished, state))
            deviations.append(deviation)
            state = "lukket" if closed else (
                ("tiltak_pagar" if any(a.state == "apen" for a in deviation.actions) else "klar_for_lukking")
                if assessed else ("videresendt" if route.is_external else "registrert"))
            row = Deviation(
                office_id=office.id, year=year, seq=seq[year], reference=reference, kind=deviation.kind,
                category=category, destination=deviation.destination, severity=deviation.severity,
                citizen_rights="usikker",
                title=f"{SECRET} tittel", what_happened=f"{SECRET} fortelling", occurred_on=created.date(),
                anonymous=anonymous, reporter_id=deviation.reporter_id, state=state, created_at=created,
                updated_at=closed or assessed or created, assessed_at=assessed, closed_at=closed, lesson=lesson,
                closure_feedback=f"{SECRET} tilbakemelding" if closed else None,
            )
            session.add(row)
            session.flush()
            for action in deviation.actions:
                session.add(Action(deviation_id=row.id, term=rng.choice(["kort", "lang"]),
                                   description=f"{SECRET} ASYS-tiltak" if asys else "Oppdatere rutinen",
                                   owner_id=action.owner_id, due_on=action.due_on, state=action.state,
                                   created_at=action.created, finished_at=action.finished))
        redirects = [_oslo(date(2025, 1, 1) + timedelta(days=rng.randint(0, 729)), 10) for _ in range(40)]
        for moment in redirects:
            session.add(Event(office_id=office.id, at=moment, actor_id=None, kind="omdirigert",
                              detail={"category": "teknisk", "destination": "brukerstotte"}))
    return Seeded(deviations, redirects)


# --- the independent count ----------------------------------------------------------------------

def local_day(moment: datetime | None) -> date | None:
    return moment.astimezone(OSLO).date() if moment else None


def expected(seeded: Seeded, first: date, last: date) -> dict:
    """Every figure of a report over first–last, counted from what was seeded."""
    def inside(moment: datetime | None) -> bool:
        return moment is not None and first <= local_day(moment) <= last

    end = datetime.combine(last + timedelta(days=1), time(0), OSLO)
    registered = [c for c in seeded.deviations if inside(c.created)]
    assessed = [c for c in seeded.deviations if inside(c.assessed)]
    closed = [c for c in seeded.deviations if inside(c.closed)]
    with_lesson = [c for c in closed if c.lesson]
    shown = [c for c in with_lesson if c.category not in ASYS_CATEGORIES and c.destination != "asys"]
    day, open_per_day = first, []
    while day <= last:
        midnight = datetime.combine(day + timedelta(days=1), time(0), OSLO)
        open_per_day.append((day, sum(1 for c in seeded.deviations
                                      if c.created < midnight and (c.closed is None or c.closed >= midnight))))
        day += timedelta(days=1)
    return {
        "registered": len(registered),
        "by_kind": Counter(c.kind for c in registered),
        "by_category": Counter(c.category for c in registered),
        "by_destination": Counter(c.destination for c in registered),
        "by_severity": Counter(c.severity for c in registered),
        "redirected": sum(1 for moment in seeded.redirects if inside(moment)),
        "assessed": len(assessed),
        "closed": len(closed),
        "median_assessment": statistics.median([(c.assessed - c.created) / timedelta(days=1) for c in assessed]),
        "median_closure": statistics.median([(c.closed - c.created) / timedelta(days=1) for c in closed]),
        "open_at_end": sum(1 for c in seeded.deviations if c.created < end and (c.closed is None or c.closed >= end)),
        "overdue": sorted((a.reference, a.due_on, a.owner_id) for a in seeded.actions
                          if a.due_on <= last and a.created < end and (a.finished is None or a.finished >= end)),
        "lessons": {(c.category, c.reference, c.lesson) for c in shown},
        "lessons_withheld": len(with_lesson) - len(shown),
        "per_month": Counter((local_day(c.created).replace(day=1), c.category) for c in registered),
        "open_per_day": open_per_day,
    }


def nonzero(counts: dict[str, int]) -> Counter:
    return Counter({k: v for k, v in counts.items() if v})


def office_of(bot) -> Office:  # type: ignore[no-untyped-def]
    return bot.services.offices.office[0]


@pytest.fixture
def office(bot) -> Office:  # type: ignore[no-untyped-def]
    return office_of(bot)


# --- the report's figures -----------------------------------------------------------------------

def test_a_year_report_matches_an_independent_count_of_every_figure(db, office):
    seeded = seed(db, office)
    with db.transaction() as session:
        report = build_report(session, office, parse_period("2026", AFTER_2026.date()), AFTER_2026, Audience.LEADERS)
    want, before = expected(seeded, date(2026, 1, 1), date(2026, 12, 31)), expected(seeded, date(2025, 1, 1),
                                                                                   date(2025, 12, 31))
    for figures, counted in ((report.current, want), (report.previous, before)):
        assert figures.registered == counted["registered"] > 100
        assert nonzero(figures.by_kind) == counted["by_kind"]
        assert nonzero(figures.by_category) == counted["by_category"]
        assert nonzero(figures.by_destination) == counted["by_destination"]
        assert nonzero(figures.by_severity) == counted["by_severity"]
        assert figures.redirected == counted["redirected"]
        assert (figures.assessed, figures.closed) == (counted["assessed"], counted["closed"])
        assert figures.median_days_to_assessment == pytest.approx(counted["median_assessment"])
        assert figures.median_days_to_closure == pytest.approx(counted["median_closure"])
        assert figures.open_at_end == counted["open_at_end"]
        assert sorted((o.reference, o.due_on, o.owner_id) for o in figures.overdue) == counted["overdue"]
        assert {(lesson.category, lesson.reference, lesson.text) for lessons in figures.lessons.values()
                for lesson in lessons} == counted["lessons"]
        assert all(lesson.category == category for category, lessons in figures.lessons.items() for lesson in lessons)
        assert figures.lessons_withheld == counted["lessons_withheld"] > 0
    assert want["overdue"], "the seed should leave some actions overdue"

    changes = {c.what: c for c in report.changes()}
    assert changes["registered"].delta == want["registered"] - before["registered"]
    assert changes["overdue"].delta == len(want["overdue"]) - len(before["overdue"])
    for category in set(want["by_category"]) | set(before["by_category"]):
        delta = want["by_category"][category] - before["by_category"][category]
        assert (changes[category].delta if category in changes else 0) == delta

    assert Counter({(month, category): n for month, counts in report.per_month
                    for category, n in counts.items() if n}) == want["per_month"]
    assert list(report.open_over_time) == want["open_per_day"]
    assert len(report.deviations) == want["registered"]


def test_a_period_still_running_is_measured_up_to_now(db, office):
    seeded = seed(db, office)
    now = _oslo(date(2026, 5, 20), 12)
    with db.transaction() as session:
        report = build_report(session, office, parse_period("2026H1", now.date()), now)
    assert report.current.as_of == now
    assert report.current.open_at_end == sum(
        1 for c in seeded.deviations if c.created < now and (c.closed is None or c.closed >= now))
    assert sorted((o.reference, o.due_on) for o in report.current.overdue) == sorted(
        (a.reference, a.due_on) for a in seeded.actions
        if a.due_on < date(2026, 5, 20) and a.created < now and (a.finished is None or a.finished >= now))
    assert report.open_over_time[-1] == (date(2026, 5, 20), report.current.open_at_end)
    assert report.running and {"open_at_end_now", "overdue_now"} <= {c.what for c in report.totals()}


# --- what a leader sees in Slack ----------------------------------------------------------------

def test_a_leader_gets_the_report_in_a_dm_with_its_chart(bot, clock, office):
    seeded = seed(bot.services.db, office)
    clock.set(AFTER_2026)
    want = expected(seeded, date(2026, 1, 1), date(2026, 6, 30))
    before = expected(seeded, date(2025, 7, 1), date(2025, 12, 31))

    answer = bot.client.command("rapport 2026H1", user="U0LEADER1")

    assert answer.status == 200
    assert "Lager rapporten for 1. halvår 2026" in answer.body
    [dm] = [c.params for c in bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0LEADER1")]
    text = text_of(dm)
    assert "Avviksrapport 1. halvår 2026" in text
    assert "sammenlignet med 2. halvår 2025" in text
    assert f"Registrerte avvik: *{want['registered']}* ({want['registered'] - before['registered']:+d})" in text
    assert f"Lukket: *{want['closed']}*" in text
    assert f"Tiltak over fristen ved periodens slutt: *{len(want['overdue'])}*" in text
    median = f"{want['median_assessment']:.1f}".replace(".", ",")
    assert f"Median dager fra registrering til vurdering: *{median} dager*" in text
    for category, n in want["by_category"].items():
        assert f"{value_label('category', category, office)}: *{n}*" in text
    for kind, n in want["by_kind"].items():
        assert f"{t(f'kind.{kind}')}: *{n}*" in text
    assert "Erfaring til virksomhetsplanen" in text
    some_lesson = sorted(want["lessons"])[0]
    assert some_lesson[2] in text
    first_overdue = want["overdue"][0]
    assert f"{first_overdue[0]} · frist {first_overdue[1]:%d.%m.%Y}" in text
    assert f"<@{first_overdue[2]}>" in text  # owners: the leaders' version
    assert "U0STAFF" not in text and SECRET not in text  # never a reporter, never ASYS/HMS text

    [complete] = bot.fake.wait_for("files.completeUploadExternal")  # both charts in one share
    assert complete.params["channel_id"] == dm["channel"]
    [upload, _risk_and_cause] = sorted(bot.fake.uploaded(channel=dm["channel"]), key=lambda u: len(u.filename))
    assert upload.filename.endswith(".png") and "1. halvår 2026" in upload.title
    assert_real_chart(upload.data, [colour(c) for c in want["by_category"]])


def test_the_report_still_arrives_when_slack_refuses_the_chart(bot, clock):
    clock.set(AFTER_2026)
    bot.fake.fail("files.getUploadURLExternal", error="file_uploads_disabled")

    bot.client.command("rapport 2026-03", user="U0LEADER1")

    [dm] = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0LEADER1")
    assert "Avviksrapport mars 2026" in text_of(dm.params)
    [refused] = bot.fake.wait_for("files.getUploadURLExternal", failed=True)
    assert not refused.ok
    bot.fake.settle(quiet=0.3)
    assert bot.fake.uploaded() == [] and bot.fake.of("files.completeUploadExternal") == []


def test_a_non_leader_asking_for_a_report_is_refused_politely(bot, office):
    seed(bot.services.db, office)

    answer = bot.client.command("rapport 2026", user="U0STAFF1")

    assert answer.status == 200
    assert answer.body == t("error.not_a_leader")
    bot.fake.settle(quiet=0.3)
    assert posted_to(bot.fake, "U0STAFF1") == []
    assert bot.fake.of("files.completeUploadExternal") == []
    with bot.services.db.transaction() as session:
        [refusal] = session.scalars(select(Event).where(Event.kind == "nektet")).all()
        assert (refusal.actor_id, refusal.detail) == ("U0STAFF1", {"attempted": "rapport"})


def test_an_unreadable_period_is_answered_with_how_to_write_one(bot):
    answer = bot.client.command("rapport forrige halvår", user="U0LEADER1")
    assert "Jeg forstår ikke perioden «forrige halvår»" in answer.body
    assert "`2026H1`" in answer.body
    bot.fake.settle(quiet=0.3)
    assert posted_to(bot.fake, "U0LEADER1") == []


def test_without_a_period_the_report_covers_the_last_complete_half_year(bot, clock):
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    answer = bot.client.command("rapport", user="U0LEADER2")
    assert "1. halvår 2026 (01.01.2026–30.06.2026)" in answer.body
    [dm] = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0LEADER2")
    assert "Registrerte avvik: *0*" in text_of(dm.params)
    assert t("report.lessons.none") in text_of(dm.params)
    bot.fake.wait_for("files.completeUploadExternal")


def test_help_explains_how_to_write_a_period(bot):
    text = text_of(bot.client.command("hjelp").json())
    assert "`/avvik rapport [periode]`" in text and "`2026-01-01..2026-03-31`" in text


# --- the chart ----------------------------------------------------------------------------------

def assert_real_chart(png: bytes | None, colours: list[str]) -> None:
    """A PNG matplotlib drew: the signature, its size, ink on the canvas, and a bar in the colour
    of every category that had cases."""
    assert png is not None and png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (1000, 750)
    pixels = image.imread(io.BytesIO(png), format="png")
    rgb = np.round(pixels[..., :3] * 255).astype(int)
    assert (rgb.sum(axis=2) < 3 * 245).mean() > 0.05, "the chart is (nearly) blank"
    present = {tuple(c) for c in np.unique(rgb.reshape(-1, 3), axis=0)}
    for hex_colour in colours:
        assert tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)) in present, hex_colour


def test_the_digest_gets_a_chart_only_when_the_office_asks_for_it(db, office):
    seeded = seed(db, office)
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    with db.transaction() as session:
        assert digest_chart(session, office, now) is None
        asks = office.model_copy(update={"cadence": Cadence(chart_in_digest=True)})
        chart = digest_chart(session, asks, now)
    assert chart is not None
    assert "2026-10" in chart.title and "Ingen navn" in chart.alt_text
    october = {c.category for c in seeded.deviations if local_day(c.created).replace(day=1) == date(2026, 10, 1)}
    assert_real_chart(chart.png, [colour(c) for c in october])


def test_the_office_config_flag_for_the_digest_chart_defaults_to_off():
    assert Cadence().chart_in_digest is False
    assert Cadence.model_validate({"chart_in_digest": True}).chart_in_digest is True


# --- exports ------------------------------------------------------------------------------------

def every_cell(workbook: openpyxl.Workbook) -> str:
    return "\n".join(str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


def summary_row(workbook: openpyxl.Workbook, label: str) -> tuple:
    return next(row for row in workbook["Sammendrag"].iter_rows(values_only=True) if row[0] == label)


def run_cli(db: Database, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "DATABASE_URL": db.url,
           "PYTHONPATH": os.environ.get("PYTHONPATH", "")}  # the tree under test, not another checkout
    return subprocess.run([sys.executable, "-m", "bot.cli", "report", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_writes_an_xlsx_with_every_sheet_and_no_personal_data(db, office, tmp_path):
    seeded = seed(db, office)
    want = expected(seeded, date(2025, 1, 1), date(2025, 12, 31))
    out = tmp_path / "rapport.xlsx"

    result = run_cli(db, tmp_path, "--from", "2025-01-01", "--to", "2025-12-31", "--format", "xlsx", "--out",
                     str(out))

    assert result.returncode == 0, result.stderr
    assert f"{want['registered']} case(s)" in result.stdout
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Sammendrag", "Avvik", "Tiltak", "Erfaringer", "Risiko og årsak", "Kvalitet",
                                  "Kvalitetstiltak"]
    assert summary_row(workbook, "Registrerte avvik")[1:3] == (want["registered"], 0)
    assert summary_row(workbook, "Lukket")[1] == want["closed"]
    assert summary_row(workbook, "Median dager fra registrering til lukking")[1] == pytest.approx(
        want["median_closure"], abs=0.05)
    assert summary_row(workbook, "Tiltak over fristen ved periodens slutt")[1] == len(want["overdue"])
    for category, n in want["by_category"].items():
        assert summary_row(workbook, value_label("category", category, office))[1] == n
    deviations = list(workbook["Avvik"].iter_rows(values_only=True))
    assert deviations[0][:4] == ("Referanse", "Registrert", "Type", "Kategori")
    assert sorted(row[0] for row in deviations[1:]) == sorted(c.reference for c in seeded.deviations
                                                         if local_day(c.created).year == 2025)
    lessons = list(workbook["Erfaringer"].iter_rows(values_only=True))
    assert {row[3] for row in lessons[1:] if row[1]} == {text for _, _, text in want["lessons"]}
    cells = every_cell(workbook)
    assert "U0STAFF" not in cells and "U0OWNER" not in cells and SECRET not in cells

    leaders = tmp_path / "ledere.xlsx"
    assert run_cli(db, tmp_path, "--period", "2025", "--audience", "ledere", "--out", str(leaders)).returncode == 0
    actions = list(openpyxl.load_workbook(leaders)["Tiltak"].iter_rows(values_only=True))
    assert actions[0][-1] == "Ansvarlig"
    assert {row[-1] for row in actions[1:]} <= {f"U0OWNER{i}" for i in range(1, 5)}
    assert "U0STAFF" not in every_cell(openpyxl.load_workbook(leaders))


def test_the_cli_writes_csv_and_markdown_for_the_business_plan(db, office, tmp_path):
    seeded = seed(db, office)
    want = expected(seeded, date(2025, 7, 1), date(2025, 12, 31))

    assert run_cli(db, tmp_path, "--period", "2025H2", "--format", "csv", "--out", "saker.csv").returncode == 0
    raw = (tmp_path / "saker.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Referanse" and len(rows) - 1 == want["registered"]
    assert Counter(row[3] for row in rows[1:]) == Counter(
        {value_label("category", c, office): n for c, n in want["by_category"].items()})

    assert run_cli(db, tmp_path, "--period", "2025H2", "--format", "md", "--out", "plan.md").returncode == 0
    markdown = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Avviksrapport 2. halvår 2025\n")
    assert f"| Registrerte avvik | {want['registered']} |" in markdown
    assert "## Erfaring til virksomhetsplanen" in markdown
    for _, reference, lesson in want["lessons"]:
        assert f"{reference} (" in markdown and lesson in markdown
    assert "U0STAFF" not in markdown and "U0OWNER" not in markdown and SECRET not in markdown


def test_the_cli_refuses_a_period_it_cannot_read(db, tmp_path):
    result = run_cli(db, tmp_path, "--period", "2025H3", "--out", "x.xlsx")
    assert result.returncode == 2
    assert "2025H3" in result.stderr and not (tmp_path / "x.xlsx").exists()


def test_every_format_of_an_empty_period_is_still_a_valid_file(db, office):
    with db.transaction() as session:
        report = build_report(session, office, parse_period("2024", AFTER_2026.date()), AFTER_2026)
    workbook = openpyxl.load_workbook(io.BytesIO(render(report, office, Format.XLSX)))
    assert workbook.sheetnames == ["Sammendrag", "Avvik", "Tiltak", "Erfaringer", "Risiko og årsak", "Kvalitet",
                                  "Kvalitetstiltak"]
    assert render(report, office, Format.CSV).decode("utf-8-sig").count("\r\n") == 1
    assert "Ingen erfaringer" in render(report, office, Format.MD).decode()


def test_report_rules_know_neither_slack_nor_sql():
    import ast

    for name in ("reports/figures.py", "reports/risk.py", "quality/report.py", "reports/periods.py",
                 "reports/wording.py", "reports/exports.py"):
        tree = ast.parse((ROOT / "bot" / name).read_text(encoding="utf-8"))
        imported = {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        assert not imported & {"slack_sdk", "slack_bolt", "sqlalchemy", "store"}, name
