"""Every user-facing text exists in Bokmål and English, with the same placeholders; the Bokmål says
one thing with one word, in the seed's words; dates and weeks are written one way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.i18n import LOCALES, catalogue, format_date, format_datetime, format_week, has, placeholders, t

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


def test_a_date_reads_the_office_s_way():
    day = date(2026, 12, 1)
    assert format_date(day, "nb") == "01.12.2026"
    assert format_date(day, "en") == "2026-12-01"


def test_a_week_is_named_as_people_say_it():
    assert format_week(date(2026, 12, 2), "nb") == "uke 49"
    assert format_week("2026-W49", "nb") == "uke 49"
    assert format_week("2026-W49", "en") == "week 49"
    assert format_week("2026-uke", "nb") == "2026-uke"  # not a week: shown as stored, never a crash


def test_a_moment_is_written_in_the_office_s_time_zone():
    moment = datetime(2026, 11, 30, 23, 5, tzinfo=UTC)  # already 1 December in Oslo
    assert format_datetime(moment, "nb", ZoneInfo("Europe/Oslo")) == "01.12.2026 00:05"
    assert format_datetime(moment, "en", ZoneInfo("Europe/Oslo")) == "2026-12-01 00:05"


# Issue 19: one term per thing, the seed's words. Each banned pattern, and the word to use instead.
BANNED = {
    r"\beier(?:en|e|ne)?\b": "«ansvarlig» (the process guide's word), not «eier»",
    r"gjennomgåer": "«deltaker» or «Du skal vurdere …»: «gjennomgåer» is not a word",
    r"\balvorlige avvik": "«større avvik» (seed 000)",
    r"\balvorlighet\b": "«alvorlighetsgrad»",
    r"lærdom": "«erfaring» (seed 000: «Erfaring inn i virksomhetsplan»)",
    r"med én gang": "«med en gang»",
    r"\bkommaseparert": "«skill med komma»",
    r"på direktemelding": "«som direktemelding»",
    r"etter kontorets oversikt": "«ifølge kontorets oversikt»",
    r"(?<!§ )\b14 a\)": "«(§ 14 a)»",
}
LEADER_GROUP = re.compile(r"ledergrupp|ledelsen", re.IGNORECASE)
VEDTAK = re.compile(r"(?<![\w-])vedtak", re.IGNORECASE)  # «oppfølgingsvedtak», «14 a-vedtak» are a user's
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CODE = re.compile(r"`[^`]*`")  # what a person types (`/avvik rapport 2026-01-01..2026-03-31`) stays as typed


def _bokmal() -> dict[str, str]:
    return {key: texts["nb"] for key, texts in catalogue().items() if texts.get("nb")}


def test_bokmal_uses_one_term_per_thing_in_the_seed_s_words():
    problems = [f"{key}: {why}: {text!r}" for key, text in _bokmal().items()
                for pattern, why in BANNED.items() if re.search(pattern, text, re.IGNORECASE)]
    assert not problems, "\n".join(problems)


def test_the_leader_group_makes_an_avgjorelse_never_a_vedtak():
    """Seed 000: «Ved større avvik anbefales at ledergruppa fatter en formell avgjørelse»; in NAV a
    vedtak is a decision about a user."""
    problems = [f"{key}: {text!r}" for key, text in _bokmal().items()
                if VEDTAK.search(text) and (LEADER_GROUP.search(text) or "decision" in key)]
    assert not problems, problems


def test_bokmal_text_writes_no_iso_dates():
    problems = [f"{key}: {text!r}" for key, text in _bokmal().items() if ISO_DATE.search(CODE.sub("", text))]
    assert not problems, problems
