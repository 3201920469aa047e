"""The report files a leader opens: a CSV that Norwegian Excel reads as it is, the format the file
name says, periods as people name them, the overdue actions as a count and the oldest, and owners
by the name colleagues know them by (looked up in Slack, never stored)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.office import Office, load_offices
from bot.reports.exports import MD_OVERDUE_MAX, Format, render
from bot.reports.figures import Audience
from bot.reports.periods import parse_period
from bot.reports.service import build_report
from bot.reports.wording import period_name
from bot.settings import EXAMPLE_OFFICE_CONFIG
from tests.scenarios.test_reports import AFTER_2026, seed
from tests.support.seeding import add_action, add_deviation
from tests.support.servers import environment


@pytest.fixture
def office() -> Office:
    return load_offices(EXAMPLE_OFFICE_CONFIG).office[0]


def report_cli(slack, db, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in environment(slack, db.url).items()}
    return subprocess.run([sys.executable, "-m", "bot.cli", "report", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_csv_is_what_norwegian_excel_opens_and_its_format_comes_from_the_file_name(slack, db, office, tmp_path):
    seed(db, office)
    result = report_cli(slack, db, tmp_path, "--period", "2025", "--out", "saker.csv")
    assert result.returncode == 0, result.stderr
    raw = (tmp_path / "saker.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = raw.decode("utf-8-sig").split("\r\n")
    assert header.startswith("Referanse;Registrert;")
    days = [row.split(";")[-2] for row in rows if row]  # days to assessment
    assert any("," in value for value in days) and not any("." in value for value in days)


@pytest.mark.parametrize("args, line", [
    (("--format", "md", "--out", "rapport.xlsx"),
     "avvik-bot: --format md does not match --out rapport.xlsx: name the file .md, or leave --format out."),
    (("--out", "rapport"), "avvik-bot: --out rapport: end the file name in .xlsx, .csv or .md, or give --format."),
])
def test_a_format_the_file_name_contradicts_is_one_line(slack, db, tmp_path, args, line):
    result = report_cli(slack, db, tmp_path, "--period", "2025", *args)
    assert (result.returncode, result.stderr.strip().splitlines()) == (2, [line])
    assert not any(tmp_path.glob("rapport*"))


def test_periods_read_as_people_name_them():
    today = date(2027, 1, 15)
    assert [period_name(parse_period(text, today), "nb") for text in (
        "2026", "2026H2", "2026-03", "2026-01-01..2026-03-31")] == [
        "2026", "2. halvår 2026", "mars 2026", "01.01.2026–31.03.2026"]
    assert period_name(parse_period("2026H1", today), "en") == "half-year 1 of 2026"


def test_markdown_counts_every_overdue_action_and_lists_the_oldest(db, office):
    first = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for n in range(MD_OVERDUE_MAX + 5):
        case = add_deviation(db, first, state="tiltak_pagar")
        add_action(db, case, "U0OWNER1", date(2026, 2, 1 + n), first, description=f"Tiltak nummer {n:02d}")
    with db.transaction() as session:
        report = build_report(session, office, parse_period("2026H1", AFTER_2026.date()), AFTER_2026,
                              Audience.LEADERS)
    markdown = render(report, office, Format.MD).decode()
    assert "## Tiltak over fristen (25)" in markdown
    listed = [line for line in markdown.splitlines() if line.startswith("- ") and "Tiltak nummer" in line]
    assert len(listed) == MD_OVERDUE_MAX
    assert "Tiltak nummer 00" in listed[0] and not any("Tiltak nummer 24" in line for line in listed)
    assert "De 20 eldste av 25 er vist." in markdown


def test_the_leaders_version_names_owners_by_their_slack_display_name(slack, db, office, tmp_path):
    seed(db, office)
    slack.names.update({f"U0OWNER{i}": f"Eier Nummer{i}" for i in range(1, 5)})
    out = tmp_path / "ledere.xlsx"
    result = report_cli(slack, db, tmp_path, "--period", "2025", "--audience", "ledere", "--out", str(out))
    assert result.returncode == 0, result.stderr
    owners = {row[-1] for row in list(openpyxl.load_workbook(out)["Tiltak"].iter_rows(values_only=True))[1:]}
    assert owners and owners <= {f"Eier Nummer{i}" for i in range(1, 5)}
    asked = {c.params["user"] for c in slack.of("users.info")}
    assert len(asked) == len(slack.of("users.info"))  # each person looked up once
    with db.engine.connect() as connection:  # never stored
        dump = "".join(str(row) for table in ("deviations", "actions", "events", "ledger")
                       for row in connection.exec_driver_sql(f"SELECT * FROM {table}"))
    assert "Eier Nummer" not in dump
    assert os.path.getsize(out) > 0
