"""Issue 22, point 4: risk, cause and «Har tiltaket virket?» in the business plan.

Two years of cases (tests/scenarios/test_reports.py's seed) get risk and cause types from
2025-07-01 on, as leaders assessing after issue 22 would leave them, and some closed cases get an
effect check; every cell of the new tables is checked against a count this file makes on its own
from what it seeded, in the Slack report, the xlsx and the Markdown. Cases from before count as
«ikke vurdert».
"""

from __future__ import annotations

import io
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from bot.office import Office
from bot.reports.chart import NOW, RISK_COLOURS
from bot.reports.exports import Format, render
from bot.reports.periods import parse_period
from bot.reports.service import build_report
from store.db import Database
from store.models import Deviation, EffectCheck
from tests.scenarios.test_reports import AFTER_2026, OSLO, SECRET, Seeded, assert_real_chart, local_day, run_cli, seed
from tests.support.flows import text_of
from tests.support.seeding import add_deviation, add_effect_check, close, set_risk

# The labels a leader reads, written out here rather than taken from the catalogue.
RISK = {"gronn": "Grønn", "gul": "Gul", "rod": "Rød", "ikke_vurdert": "Ikke vurdert"}
CAUSE = {"rutine_mangler": "Rutine mangler", "rutine_ukjent": "Rutine ukjent",
         "rutine_ikke_fulgt": "Rutine ikke fulgt", "opplaering": "Opplæring", "kapasitet": "Kapasitet/arbeidsmengde",
         "system": "System/teknisk", "samhandling": "Samhandling", "annet": "Annet", "ikke_vurdert": "Ikke vurdert"}
EFFECT = {"virket": "Virket", "delvis": "Virket delvis", "nei": "Virket ikke", "ubesvart": "Ikke besvart"}
RISK_FROM = date(2025, 7, 1)  # cases registered before this were assessed before issue 22


@dataclass
class Assessed:
    reference: str
    created: datetime
    likelihood: int | None
    consequence: int | None
    causes: list[str] | None


@dataclass
class Check:
    reference: str
    due_on: date
    answer: str | None
    answered_at: datetime | None


@dataclass
class Learning:
    cases: list[Assessed]
    checks: list[Check]


def seed_learning(db: Database, seeded: Seeded, now: datetime = AFTER_2026) -> Learning:
    """Risk and cause on cases from RISK_FROM (some half-assessed, some with two causes, one picked
    twice); «samhandling» only before 2026, «annet» only from 2026 (so one cause is new and one
    gone); an effect check on most cases closed in 2025–2026, its note a secret."""
    rng = random.Random(22)
    common = ["rutine_mangler", "rutine_ukjent", "rutine_ikke_fulgt", "opplaering", "kapasitet", "system"]
    cases, checks = [], []
    with db.transaction(deadline=None) as session:
        rows = {row.reference: row for row in session.scalars(select(Deviation))}
        for case in seeded.deviations:
            row = rows[case.reference]
            likelihood = consequence = causes = None
            if local_day(case.created) >= RISK_FROM and rng.random() < 0.8:
                likelihood, consequence = rng.randint(1, 5), rng.randint(1, 5)
                if rng.random() < 0.1:
                    consequence = None  # only half the risk set: still «ikke vurdert»
                pool = common + (["annet"] if local_day(case.created).year == 2026 else ["samhandling"])
                causes = rng.sample(pool, rng.choice([1, 1, 2])) if rng.random() < 0.9 else None
                # the rising one: «rutine ikke fulgt» more often in 2026H1 than in 2025H2
                if date(2026, 1, 1) <= local_day(case.created) <= date(2026, 6, 30) and rng.random() < 0.4:
                    causes = [*(causes or []), "rutine_ikke_fulgt", "rutine_ikke_fulgt"]
                row.risk_likelihood, row.risk_consequence, row.cause_types = likelihood, consequence, causes
            cases.append(Assessed(case.reference, case.created, likelihood, consequence, causes))
            if case.closed and rng.random() < 0.7:
                due = local_day(case.closed) + timedelta(days=rng.randint(30, 120))
                answered = datetime.combine(due, time(9), OSLO).astimezone(UTC) + timedelta(days=rng.uniform(0, 40))
                answer = rng.choice(["virket", "delvis", "nei", None])
                answered = answered if answer and answered < now else None
                answer = answer if answered else None
                session.add(EffectCheck(deviation_id=row.id, office_id=row.office_id, due_on=due, leader_id="U0LEADER9",
                                        answer=answer, note=f"{SECRET} notat" if answer else None,
                                        answered_by="U0LEADER9" if answer else None, answered_at=answered,
                                        created_at=case.closed))
                checks.append(Check(case.reference, due, answer, answered))
    return Learning(cases, checks)


# --- the independent count ----------------------------------------------------------------------

def colour_of(likelihood: int | None, consequence: int | None) -> str:
    if likelihood is None or consequence is None:
        return "ikke_vurdert"
    score = likelihood * consequence
    if score <= 4:
        return "gronn"
    return "gul" if score <= 12 else "rod"


def counted(learning: Learning, first: date, last: date, now: datetime = AFTER_2026) -> dict[str, Counter]:
    """Risk, cause and effect for first–last, counted from what was seeded."""
    registered = [c for c in learning.cases if first <= local_day(c.created) <= last]
    causes: Counter[str] = Counter()
    for case in registered:
        for cause in set(case.causes or ["ikke_vurdert"]):
            causes[cause] += 1
    end = min(datetime.combine(last + timedelta(days=1), time(0), OSLO), now)
    effects: Counter[str] = Counter()
    for check in learning.checks:
        if check.answered_at and first <= local_day(check.answered_at) <= last and check.answered_at < end:
            effects[check.answer] += 1
        elif first <= check.due_on <= min(last, local_day(end)) and (check.answered_at is None
                                                                       or check.answered_at >= end):
            effects["ubesvart"] += 1
    return {"risk": Counter(colour_of(c.likelihood, c.consequence) for c in registered), "cause": causes,
            "effect": effects, "registered": Counter({"all": len(registered)})}


def marks(now: Counter, before: Counter) -> dict[str, str]:
    """The mark each cause type should carry: «går igjen», «går igjen, flere enn før», or, when it is in
    one period only, «ny denne perioden» or «ikke i denne perioden»."""
    out = {}
    for cause in (set(now) | set(before)) - {"ikke_vurdert"}:
        if now[cause] > 0 and before[cause] > 0:
            out[cause] = "går igjen, flere enn før" if now[cause] > before[cause] else "går igjen"
        elif now[cause] > 0 or before[cause] > 0:
            out[cause] = "ny denne perioden" if now[cause] > 0 else "ikke i denne perioden"
    return out


@pytest.fixture
def office(bot) -> Office:  # type: ignore[no-untyped-def]
    return bot.services.offices.office[0]


@pytest.fixture
def seeded(bot, office) -> Learning:  # type: ignore[no-untyped-def]
    return seed_learning(bot.services.db, seed(bot.services.db, office))


H1, H2_BEFORE = (date(2026, 1, 1), date(2026, 6, 30)), (date(2025, 7, 1), date(2025, 12, 31))


def test_the_seed_covers_what_the_figures_must_tell_apart(seeded):
    now, before = counted(seeded, *H1), counted(seeded, *H2_BEFORE)
    assert set(now["risk"]) == set(RISK) == set(before["risk"])
    assert now["cause"]["annet"] and not before["cause"]["annet"]  # new this period: not recurring
    assert before["cause"]["samhandling"] and not now["cause"]["samhandling"]  # gone
    assert now["cause"]["rutine_ikke_fulgt"] > before["cause"]["rutine_ikke_fulgt"] > 0  # recurring and rising
    assert any(0 < now["cause"][c] <= before["cause"][c] for c in CAUSE)  # recurring, not rising
    assert all(now["effect"][a] for a in EFFECT) and all(before["effect"][a] for a in EFFECT)
    assert any(len(set(c.causes or [])) == 2 for c in seeded.cases)


def test_the_figures_match_an_independent_count(bot, office, seeded):
    with bot.services.db.transaction() as session:
        report = build_report(session, office, parse_period("2026H1", AFTER_2026.date()), AFTER_2026)
    for figures, want in ((report.current, counted(seeded, *H1)), (report.previous, counted(seeded, *H2_BEFORE))):
        assert Counter({k: v for k, v in figures.by_risk.items() if v}) == want["risk"]
        assert Counter({k: v for k, v in figures.by_cause.items() if v}) == want["cause"]
        assert Counter({k: v for k, v in figures.by_effect.items() if v}) == want["effect"]
        assert sum(figures.by_risk.values()) == figures.registered == want["registered"]["all"]
    want_marks = marks(counted(seeded, *H1)["cause"], counted(seeded, *H2_BEFORE)["cause"])
    assert {r.cause: ("går igjen, flere enn før" if r.rising else "går igjen" if r.recurs else
                      "ny denne perioden" if r.new else "ikke i denne perioden" if r.gone else "")
            for r in report.recurring_causes()} == want_marks


def test_the_leader_reads_risk_cause_and_effect_in_the_report_dm_with_a_chart_for_them(bot, clock, office, seeded):
    clock.set(AFTER_2026)
    now, before = counted(seeded, *H1), counted(seeded, *H2_BEFORE)

    bot.client.command("rapport 2026H1", user="U0LEADER1")

    [dm] = [c.params for c in bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0LEADER1")]
    fields = {field["text"].split("\n")[0]: field["text"].split("\n")[1:]
              for block in dm["blocks"] for field in block.get("fields") or []}
    for header, labels, dimension in (("*Risiko (sannsynlighet × konsekvens)*", RISK, "risk"),
                                      ("*Årsak*", CAUSE, "cause"), ("*Har tiltaket virket?*", EFFECT, "effect")):
        shown = {line.split(": *")[0]: line for line in fields[header]}
        for value, label in labels.items():
            n, delta = now[dimension][value], now[dimension][value] - before[dimension][value]
            if dimension == "cause" and not n and not before[dimension][value]:
                assert label not in shown, label  # a cause type nobody picked is not listed
                continue
            sign = "±0" if delta == 0 else f"{delta:+d}"
            assert shown[label] == f"{label}: *{n}* ({sign})", (label, shown.get(label))
    text = text_of(dm)
    # the day a check counts from is the day it was asked: no deadline («frist») a leader would look for
    assert "Svar gitt i perioden, og spørsmål stilt i perioden som ikke var besvart ved periodens slutt." in text
    assert "*Årsaker som går igjen, sammenlignet med 2. halvår 2025*" in text
    for cause, mark in marks(now["cause"], before["cause"]).items():
        line = f"• {CAUSE[cause]}: {now['cause'][cause]} (før: {before['cause'][cause]})" + (mark and f" · {mark}")
        assert line + "\n" in text + "\n", line
    assert SECRET not in text and "U0LEADER9" not in text and "U0STAFF" not in text

    [complete] = bot.fake.wait_for("files.completeUploadExternal")
    assert complete.params["channel_id"] == dm["channel"]
    uploads = {u.filename: u for u in bot.fake.uploaded(channel=dm["channel"])}
    [learning] = [u for name, u in uploads.items() if name.endswith("-risiko-arsak.png")]
    assert len(uploads) == 2 and learning.title == "Risiko og årsak 1. halvår 2026"
    assert_real_chart(learning.data, [RISK_COLOURS[band] for band, n in now["risk"].items() if n] + [NOW])


def sections(sheet) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    """The «Risiko og årsak» sheet's tables, by the header of their first column."""
    out: dict[str, list[tuple]] = {}
    current: list[tuple] | None = None
    for row in sheet.iter_rows(values_only=True):
        if not any(v is not None for v in row):
            current = None
        elif current is None:
            current = out.setdefault(row[0], [row])
        else:
            current.append(row)
    return out


def test_the_xlsx_and_markdown_carry_the_same_counts(bot, office, seeded, tmp_path):
    db = bot.services.db
    now, before = counted(seeded, *H1), counted(seeded, *H2_BEFORE)
    want_marks = marks(now["cause"], before["cause"])

    assert run_cli(db, tmp_path, "--period", "2026H1", "--out", "plan.xlsx").returncode == 0
    tables = sections(openpyxl.load_workbook(tmp_path / "plan.xlsx")["Risiko og årsak"])
    risk, cause, effect = (tables[h] for h in ("Risiko (sannsynlighet × konsekvens)", "Årsak", "Har tiltaket virket?"))
    assert risk[0][:4] == ("Risiko (sannsynlighet × konsekvens)", "1. halvår 2026", "2. halvår 2025", "Endring")
    assert {row[0]: row[1:4] for row in risk[1:]} == {
        RISK[v]: (now["risk"][v], before["risk"][v], now["risk"][v] - before["risk"][v]) for v in RISK}
    assert cause[0][4:] == ("Går igjen", "Flere enn før")
    assert {row[0]: row[1:] for row in cause[1:]} == {
        CAUSE[c]: (now["cause"][c], before["cause"][c], now["cause"][c] - before["cause"][c],
                   *((("ja" if want_marks[c].startswith("går igjen") else "nei"),
                        ("ja" if want_marks[c].endswith("før") else "nei"))
                     if c != "ikke_vurdert" else (None, None)))
        for c in CAUSE if now["cause"][c] or before["cause"][c]}
    assert {row[0]: row[1:3] for row in effect[1:] if row[1] is not None} == {
        EFFECT[a]: (now["effect"][a], before["effect"][a]) for a in EFFECT}

    assert run_cli(db, tmp_path, "--period", "2026H1", "--format", "md", "--out", "plan.md").returncode == 0
    markdown = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert "## Risiko, årsak og om tiltakene virket" in markdown
    for dimension, labels in (("risk", RISK), ("cause", CAUSE), ("effect", EFFECT)):
        for value, label in labels.items():
            n, b = now[dimension][value], before[dimension][value]
            if n or b or dimension != "cause":
                sign = "±0" if n == b else f"{n - b:+d}"
                assert f"| {label} | {n} | {b} | {sign} |" in markdown, (dimension, label)
    assert "### Årsaker som går igjen, sammenlignet med 2. halvår 2025" in markdown
    for cause, mark in want_marks.items():
        line = f"- {CAUSE[cause]}: {now['cause'][cause]} (før: {before['cause'][cause]})" + (mark and f" · {mark}")
        assert line + "\n" in markdown, line
    for text in (markdown, "\n".join(str(v) for ws in openpyxl.load_workbook(tmp_path / "plan.xlsx").worksheets
                                     for row in ws.iter_rows(values_only=True) for v in row if v is not None)):
        assert SECRET not in text and "U0LEADER9" not in text and "U0STAFF" not in text


def test_cases_from_before_risk_and_cause_count_as_not_assessed(bot, office, seeded):
    """2025H1: nobody had assessed risk or cause yet, and no effect check was due."""
    want = counted(seeded, date(2025, 1, 1), date(2025, 6, 30))
    with bot.services.db.transaction() as session:
        report = build_report(session, office, parse_period("2025H1", AFTER_2026.date()), AFTER_2026)
    registered = want["registered"]["all"]
    assert registered > 50
    assert report.current.by_risk == {"gronn": 0, "gul": 0, "rod": 0, "ikke_vurdert": registered}
    assert {k: v for k, v in report.current.by_cause.items() if v} == {"ikke_vurdert": registered}
    markdown = render(report, office, Format.MD).decode()
    assert f"| Ikke vurdert | {registered} |" in markdown
    assert "Ingen avvik med årsak registrert i perioden eller perioden før." in markdown
    sheet = openpyxl.load_workbook(io.BytesIO(render(report, office, Format.XLSX)))["Risiko og årsak"]
    assert [row[:2] for row in sections(sheet)["Risiko (sannsynlighet × konsekvens)"][1:]] == [
        ("Grønn", 0), ("Gul", 0), ("Rød", 0), ("Ikke vurdert", registered)]


def test_the_edges_of_risk_cause_and_effect(db, bot, office):
    """The colour edges (4 green, 5 and 12 yellow, 15 red), half a risk, a cause picked twice, and effect
    checks either side of the period: answered in it, due in it and answered after it, not yet due."""
    day = datetime(2026, 3, 2, 9, tzinfo=UTC)
    cases = [add_deviation(db, day) for _ in range(8)]
    for case, (likelihood, consequence, causes) in zip(cases, [
            (2, 2, ["system"]), (1, 5, ["system", "system"]), (3, 4, ["system", "kapasitet"]), (3, 5, []),
            (4, None, None), (None, None, ["ukjent_id"]), (5, 5, ["kapasitet"]), (1, 1, None)], strict=True):
        set_risk(db, case, likelihood, consequence, causes)
    for case in cases[:5]:
        close(db, case, day, feedback="Ferdig.")
    march = datetime(2026, 3, 31, 21, 59, tzinfo=UTC)  # 23:59 in Oslo: still March
    add_effect_check(db, cases[0], date(2026, 2, 10), answer="nei", answered_at=march)  # due before, answered in
    add_effect_check(db, cases[1], date(2026, 3, 31), answer="virket",
                     answered_at=march + timedelta(minutes=2))  # due in March, answered in April
    add_effect_check(db, cases[2], date(2026, 3, 5))  # due in March, never answered
    add_effect_check(db, cases[3], date(2026, 4, 20))  # not due yet when the report is made
    add_effect_check(db, cases[4], date(2026, 1, 20))  # due before March, unanswered: not March's
    now = datetime(2026, 4, 10, 12, tzinfo=UTC)
    with db.transaction() as session:
        march_report = build_report(session, office, parse_period("2026-03", now.date()), now)
        april = build_report(session, office, parse_period("2026-04", now.date()), now)
    assert march_report.current.by_risk == {"gronn": 2, "gul": 2, "rod": 2, "ikke_vurdert": 2}
    assert {k: v for k, v in march_report.current.by_cause.items() if v} == {
        "system": 3, "kapasitet": 2, "ukjent_id": 1, "ikke_vurdert": 3}
    assert {k: v for k, v in march_report.current.by_effect.items() if v} == {"nei": 1, "ubesvart": 2}
    assert {k: v for k, v in april.current.by_effect.items() if v} == {"virket": 1}  # the 20th has not come yet
    # February's: the check due on the 10th was still unanswered when February ended
    assert {k: v for k, v in march_report.previous.by_effect.items() if v} == {"ubesvart": 1}
    markdown = render(march_report, office, Format.MD).decode()
    assert "| ukjent_id | 1 | 0 | +1 |" in markdown  # a stored type no longer in the list keeps its count


def test_the_report_follows_the_offices_own_thresholds_and_cause_types(db, bot, office):
    """`[office.risk]` and `[[office.causes]]` from the config, not the defaults: a score of 6 is red
    where the office says red starts above 5, and its own cause type is counted under its own label."""
    own = office.model_copy(update={
        "risk": office.risk.model_copy(update={"green_up_to": 2, "yellow_up_to": 5}),
        "causes": (*office.causes, type(office.causes[0])(id="tolk", label="Tolk manglet")),
    })
    registered = datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)
    for likelihood, consequence, causes in ((2, 3, ["tolk"]), (1, 2, ["tolk", "system"]), (1, 3, None)):
        set_risk(db, add_deviation(db, registered, office_id=office.id), likelihood, consequence, causes)
    with bot.services.db.transaction() as session:
        report = build_report(session, own, parse_period("2026-03", AFTER_2026.date()), AFTER_2026)
    assert {k: v for k, v in report.current.by_risk.items() if v} == {"rod": 1, "gronn": 1, "gul": 1}
    assert report.current.by_cause["tolk"] == 2 and report.current.by_cause["system"] == 1
    assert report.causes["tolk"] == "Tolk manglet"
    assert "Tolk manglet" in render(report, own, Format.MD).decode()
