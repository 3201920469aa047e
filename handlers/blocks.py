"""Small Block Kit helpers shared by the builders: text objects and options from the catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from slack_sdk.models.blocks import MarkdownTextObject, Option, PlainTextObject

from bot.i18n import Locale, t


def plain(key: str, locale: Locale, /, **params: object) -> PlainTextObject:
    return PlainTextObject(text=t(key, locale, **params), emoji=True)


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def options(prefix: str, values: Iterable[str], locale: Locale) -> list[Option]:
    """One option per value, labelled by the catalogue key `<prefix>.<value>`."""
    return [Option(value=value, label=t(f"{prefix}.{value}", locale)) for value in values]


def option(prefix: str, value: str, locale: Locale) -> Option:
    return Option(value=value, label=t(f"{prefix}.{value}", locale))


def escape(text: str) -> str:
    """User text inside mrkdwn: no accidental links, mentions or formatting tricks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


SECTION_MAX = 2900  # a section's text may hold 3000 characters


def lines_within(lines: Sequence[str], loc: Locale, limit: int = SECTION_MAX) -> str:
    """As many lines as fit one section, then «… og N til»."""
    out: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) + 1 > limit - 60:
            out.append(t("overview.more", loc, count=len(lines) - index))
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)
