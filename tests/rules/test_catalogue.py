"""Every user-facing text exists in Bokmål and English, with the same placeholders; dates are written
one way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.i18n import ISO, LOCALES, catalogue, format_date, format_datetime, has, placeholders, t

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_both_locales_with_the_same_placeholders():
    problems = []
    for key, texts in catalogue().items():
        missing = [loc for loc in LOCALES if not texts.get(loc)]
        if missing:
            problems.append(f"{key}: missing {missing}")
        elif placeholders(texts["nb"]) != placeholders(texts["en"]):
            problems.append(f"{key}: placeholders differ")
    assert not problems, problems


def test_every_key_the_code_names_is_in_the_catalogue():
    """Literal keys passed to t()/plain() and domain-error keys must exist."""
    pattern = re.compile(r"\b(?:t|plain|\w+Error|\w+Allowed|\w+Transition)\(\s*f?[\"']"
                         r"([a-z_]+(?:\.[a-z_{}.]+)+)[\"']")
    missing = []
    for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]:
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if "{" not in key and not has(key):
                missing.append(f"{path.name}: {key}")
    assert not missing, missing


def test_vocabulary_of_every_enum_is_translated():
    from bot.deviations.rules import CitizenRights, Kind, Severity, State
    from bot.routing.rules import Category

    for prefix, enum in (("kind", Kind), ("category", Category), ("severity", Severity),
                         ("rights", CitizenRights), ("state", State)):
        for member in enum:
            assert has(f"{prefix}.{member.value}"), f"{prefix}.{member.value}"


def test_english_is_the_second_locale():
    assert t("modal.title", "nb") == "Meld avvik"
    assert t("modal.title", "en") == "Report a deviation"


def test_a_date_reads_the_office_s_way_and_iso_where_a_report_says_so():
    day = date(2026, 12, 1)
    assert format_date(day, "nb") == "01.12.2026"
    assert format_date(day, "en") == "2026-12-01"
    assert format_date(day, ISO) == "2026-12-01"


def test_a_moment_is_written_in_the_office_s_time_zone():
    moment = datetime(2026, 11, 30, 23, 5, tzinfo=UTC)  # already 1 December in Oslo
    assert format_datetime(moment, "nb", ZoneInfo("Europe/Oslo")) == "01.12.2026 00:05"
    assert format_datetime(moment, "en", ZoneInfo("Europe/Oslo")) == "2026-12-01 00:05"
