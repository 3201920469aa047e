"""Issue 25: `avvik-bot quality`, the quality rounds' job for a cron setup, as real processes against one
database and the Slack fake: a dry run says what it would do and stores nothing; a run opens the seed's
spring round once, however often cron starts it."""

from __future__ import annotations

import pytest

from store.models import LedgerEntry, QualityRound
from tests.ops.test_scheduler_processes import count, run
from tests.support.flows import posted_to, text_of

pytestmark = pytest.mark.slow

SPRING_OPENS = "2027-03-01T09:00"  # Monday 1 March 2027, the office's time zone


def test_a_dry_run_on_1_march_says_spring_would_open_and_stores_nothing(slack, db, tmp_path):
    output = run(slack, db.url, tmp_path, "quality", "--dry-run", "--at", SPRING_OPENS)
    assert "Monday 2027-03-01: dry run, nothing stored" in output
    assert "would open Quality measurement spring 2027 (2027-03-01–2027-04-30)" in output
    assert (count(db, QualityRound), count(db, LedgerEntry)) == (0, 0)
    slack.settle()
    assert slack.of("chat.postMessage") == []


def test_a_run_opens_spring_once_and_a_later_run_closes_it(slack, db, tmp_path):
    for _ in range(2):  # cron may start it twice
        output = run(slack, db.url, tmp_path, "quality", "--at", SPRING_OPENS)
    assert "nothing to do" in output
    assert count(db, QualityRound) == 1
    slack.settle()
    assert len([p for p in posted_to(slack, "C0LEADERS") if "Kvalitetsmåling vår 2027" in text_of(p)]) == 1

    preview = run(slack, db.url, tmp_path, "quality", "--dry-run", "--at", "2027-05-03T09:00")
    assert "would close Quality measurement spring 2027 (ended 2027-04-30; 0 review(s)): overall assessment to " \
           "the leader channel only (no reviews)" in preview
    run(slack, db.url, tmp_path, "quality", "--at", "2027-05-03T09:00")
    slack.settle()
    assert [text_of(p) for p in posted_to(slack, "C0OFFICE")] == []
    assert [p for p in posted_to(slack, "C0LEADERS") if "avsluttet uten gjennomganger" in text_of(p)]


def test_the_office_version_of_the_report_shows_only_preset_themes_and_approved_tags(slack, db, tmp_path):
    from datetime import UTC, datetime

    from bot.clock import StartingAt
    from bot.office import load_offices
    from bot.quality import service as quality_service
    from bot.quality.rules import Area, Season, parse_review
    from bot.settings import EXAMPLE_OFFICE_CONFIG

    office = load_offices(EXAMPLE_OFFICE_CONFIG).office[0]
    clock = StartingAt(datetime(2026, 3, 2, 9, tzinfo=UTC))  # the report is made now, after it
    opened = quality_service.open_round(db, clock, office, Season.SPRING, 2026, opened_by="U0LEADER1",
                                        reviewers=["U0REV1", "U0REV2"])
    values = {f"{a.value}.score": "3" for a in Area} | {"kartlegging.tags": "Tett kontakt, Kari fra Gausdal, agenda"}
    for reviewer in ("U0REV1", "U0REV2"):
        quality_service.submit_review(db, clock, office, opened.round_id, reviewer, parse_review(values),
                                      view_id=f"V{reviewer}", is_leader=False)
    quality_service.approve_tag(db, clock, office, "Agenda", approved_by="U0LEADER1")
    quality_service.close_round(db, clock, office, opened.round_id, closed_by="U0LEADER1")

    run(slack, db.url, tmp_path, "report", "--period", "2026H1", "--format", "md", "--out", "kontor.md")
    office_version = (tmp_path / "kontor.md").read_text(encoding="utf-8")
    assert "tett kontakt (2)" in office_version and "agenda (2)" in office_version
    assert "kari" not in office_version.lower()
    run(slack, db.url, tmp_path, "report", "--period", "2026H1", "--format", "md", "--audience", "ledere",
        "--out", "ledere.md")
    assert "kari fra gausdal (2)" in (tmp_path / "ledere.md").read_text(encoding="utf-8")


def test_the_markdown_reports_lessons_count_says_how_many_are_withheld(slack, db, tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.support import seeding

    at = datetime(2026, 3, 10, 9, tzinfo=ZoneInfo("Europe/Oslo"))
    shown = seeding.add_deviation(db, at)
    seeding.close(db, shown, at, feedback="Sjekkliste innført.", lesson="Sjekklisten virker.")
    hidden = seeding.add_deviation(db, at, category="hms", destination="asys")
    seeding.close(db, hidden, at, feedback="Fulgt opp i ASYS.", lesson="Alarmen må testes.")
    run(slack, db.url, tmp_path, "report", "--period", "2026-03", "--format", "md", "--out", "plan.md")
    assert "| Erfaring til virksomhetsplanen | 1 + 1 holdt tilbake (HMS/ASYS) |" in \
        (tmp_path / "plan.md").read_text(encoding="utf-8")
