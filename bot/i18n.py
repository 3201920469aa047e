"""The message catalogue: every text a user sees, Bokmål first, English second; and how a date
is written for people.

The catalogue is one namespace spread over TOML files in `bot/catalogue/`, one per
area of the product. A message is a table with an `nb` and an `en` string; other
tables nest, so `[receipt.title]` is the key `receipt.title`. Placeholders use
`str.format` syntax and must be the same in both locales (a test checks).
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterator, Mapping
from datetime import date, datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Literal

Locale = Literal["nb", "en"]
LOCALES: tuple[Locale, ...] = ("nb", "en")
DEFAULT_LOCALE: Locale = "nb"
CATALOGUE_DIR = Path(__file__).with_name("catalogue")


def _flatten(table: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and any(loc in value for loc in LOCALES):
            if any(isinstance(v, dict) for v in value.values()):
                raise ValueError(f"catalogue entry {key!r} is a message and a table at once")
            yield key, value
        elif isinstance(value, dict):
            yield from _flatten(value, key + ".")
        else:
            raise ValueError(f"catalogue entry {key!r} must be a table with nb and en")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message, keyed by its dotted name; a key defined twice is an error."""
    messages: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.toml")):
        for key, texts in _flatten(tomllib.loads(path.read_text(encoding="utf-8"))):
            if key in messages:
                raise ValueError(f"catalogue key {key!r} is defined twice (again in {path.name})")
            messages[key] = texts
    return messages


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def t(key: str, locale: Locale = DEFAULT_LOCALE, /, **params: object) -> str:
    """The text for `key` in `locale`, with its placeholders filled in."""
    texts = catalogue()[key]
    text = texts.get(locale) or texts[DEFAULT_LOCALE]
    return text.format(**params) if params or placeholders(text) else text


def has(key: str) -> bool:
    return key in catalogue()


def format_date(value: date, locale: Locale) -> str:
    """A day as people read it: «30.04.2026» in Bokmål, «2026-04-30» in English.

    The one formatter for every date a person reads (cards, reminders, quality messages,
    reports). Dates for machines (CSV cells, ledger keys, Slack's date pickers, the period a
    leader types) are not formatted here: they are `date.isoformat()` by contract.
    """
    return value.strftime("%d.%m.%Y") if locale == "nb" else value.isoformat()


def format_datetime(value: datetime, locale: Locale, tz: tzinfo) -> str:
    """A moment in the office's time zone: «20.11.2026 14:05» in Bokmål, «2026-11-20 14:05» in English."""
    local = value.astimezone(tz)
    return f"{format_date(local.date(), locale)} {local:%H:%M}"


def format_week(value: date | str, locale: Locale) -> str:
    """A week as people say it: «uke 49» in Bokmål, «week 49» in English.

    `value` is a day in the week or an ISO week as the ledger keys it («2026-W49»); a key in
    any other shape is shown as it is rather than lose the message."""
    try:
        day = date.fromisoformat(f"{value}-1") if isinstance(value, str) else value
    except ValueError:
        return str(value)
    return t("week", locale, week=day.isocalendar().week)
