"""What the registration form asks, what it requires, and how a message becomes readable text.

Plain Python: no Slack, no SQL. The modal (handlers/registration/blocks.py) shows the fields
`asked_fields` names, marked required as `required_fields` says, and the submission
(bot/registration/service.py) refuses as empty only a field that was required both for the
category chosen and in the form the person actually saw: a field shown as «(valgfritt)» is
never refused as empty.
"""

from __future__ import annotations

import html
import re
from enum import StrEnum

from bot.routing.rules import Handling, Route


class Field(StrEnum):
    """The form's fields: block ids in the modal, names in RegistrationForm."""

    KIND = "kind"
    CATEGORY = "category"
    TITLE = "title"
    WHAT_HAPPENED = "what_happened"
    CAUSE = "cause"
    OCCURRED_ON = "occurred_on"
    IMMEDIATE_ACTION = "immediate_action"
    SUGGESTED_ACTION = "suggested_action"
    SEVERITY = "severity"
    CITIZEN_RIGHTS = "citizen_rights"
    ANONYMOUS = "anonymous"


# The fields a person writes freely: cleaned, bounded, refused when they hold a national id.
FREE_TEXT = (Field.TITLE, Field.WHAT_HAPPENED, Field.CAUSE, Field.IMMEDIATE_ACTION, Field.SUGGESTED_ACTION)

# Seed 000, «Hvor melder jeg hva?»: «Tekniske problemer med pålogging eller tekniske problemer i
# fagsystemer skal meldes i brukerstøtte». Nothing is stored for them, so the form asks only what
# it is about and a line of what happened.
REDIRECT_FIELDS = (Field.CATEGORY, Field.WHAT_HAPPENED)

# Needed to store a case at all: a case without them cannot be counted or followed up.
_ALWAYS_REQUIRED = frozenset({Field.KIND, Field.CATEGORY, Field.OCCURRED_ON, Field.SEVERITY, Field.CITIZEN_RIGHTS})


def asked_fields(route: Route | None) -> tuple[Field, ...]:
    """The fields the form shows once `route` is known (None: no category chosen yet, all of them)."""
    if route is not None and not route.creates_deviation:
        return REDIRECT_FIELDS
    return tuple(Field)


def required_fields(route: Route | None) -> frozenset[Field]:
    """The fields the form shows as required for `route` (None: before a category is chosen).

    The title is required where the bot keeps the person's words (not for ASYS, whose narrative
    belongs in ASYS); «Hva skjedde?» where the office follows the case up itself.
    """
    if route is None:
        return _ALWAYS_REQUIRED | {Field.TITLE}
    if not route.creates_deviation:
        return frozenset({Field.CATEGORY})
    required = set(_ALWAYS_REQUIRED)
    if route.stores_narrative:
        required.add(Field.TITLE)
    if route.handling is Handling.OWN:
        required.add(Field.WHAT_HAPPENED)
    return frozenset(required)


def refused_when_empty(shown_for: Route | None, chosen: Route) -> frozenset[Field]:
    """The fields an empty answer is refused for: required for the category chosen AND shown as
    required in the form as the person saw it (`shown_for`: the route the form was built for)."""
    return required_fields(chosen) & required_fields(shown_for) & frozenset(asked_fields(shown_for))


def missing_from_form(shown_for: Route | None, chosen: Route) -> frozenset[Field]:
    """Fields the chosen category needs that the form the person saw did not ask at all (the form
    was built for another category and not updated in time)."""
    return (required_fields(chosen) & _ALWAYS_REQUIRED) - frozenset(asked_fields(shown_for))


# --- «Meld avvik fra melding»: a Slack message as readable text ---------------------------------

# Slack's markup in a message's text (https://api.slack.com/reference/surfaces/formatting):
# <@U123>, <@U123|name>, <#C123|name>, <!subteam^S123|@name>, <!here>, <https://x|text>, <https://x>.
_MARKUP = re.compile(r"<([^<>]*)>")
# A person's Slack id written out without markup (U… or W…, with at least one digit).
_USER_ID = re.compile(r"\b[UW](?=[A-Z0-9]{8,}\b)(?=[A-Z]*\d)[A-Z0-9]+\b")


def readable_message(text: str, colleague: str, channel: str) -> str:
    """A message's Slack markup as the words a person reads, with no Slack id left in it.

    Seed 000: «Jeg vil egentlig ikke utlevere en kollega»: a mention of a person becomes
    `colleague` («(kollega)»), never their id or name; a channel or user group becomes its plain
    name (`channel` when Slack gave none); a link becomes its text.
    """

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return colleague
        if target.startswith("#"):
            return f"#{label.lstrip('#')}" if label else channel
        if target.startswith("!subteam^"):
            return f"@{label.lstrip('@')}" if label else colleague
        if target.startswith("!date^"):
            return label
        if target.startswith("!"):
            return f"@{target[1:]}"
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return label or target

    readable = html.unescape(_MARKUP.sub(replace, text))
    return _USER_ID.sub(colleague, readable)
