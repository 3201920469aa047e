"""The dialogue's pure rules: what a case code looks like, and when a case waits for its reporter.

Seed 000 names the fear of reporting («Jeg vil egentlig ikke utlevere en kollega …»): an anonymous
reporter keeps a case code, and with it follows the case and answers the leaders, while the bot
never learns who they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

# No look-alikes: no 0/O, no 1/I/L. 31 symbols, 16 of them: log2(31**16) ≈ 79 bits of entropy.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_LENGTH = 4, 4
LENGTH = GROUPS * GROUP_LENGTH
_SEPARATORS = re.compile(r"[\s\-–—_.]+")


class Author(StrEnum):
    LEADER = "leder"  # a leader's question
    REPORTER = "melder"  # the reporter's answer or added information


class Waiting(StrEnum):
    """What a case waits for from its anonymous reporter (shown to leaders instead of a reminder)."""

    ANSWER = "svar"
    REFERENCE = "referanse"


def normalise(typed: str) -> str | None:
    """The code as typed («k7qm 2xrd-h9tf 3wpa»), in its stored shape, or None when it cannot be one."""
    code = _SEPARATORS.sub("", typed).upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def grouped(code: str) -> str:
    """`K7QM-2XRD-H9TF-3WPA`: four groups, easy to read aloud and to type."""
    return "-".join(code[i:i + GROUP_LENGTH] for i in range(0, LENGTH, GROUP_LENGTH))


def waiting_for(anonymous: bool, state: str, external_reference: str | None,
                authors: Sequence[Author]) -> Waiting | None:
    """An open anonymous case waits for its reporter when a question is unanswered (the last word is a
    leader's), or when it was reported elsewhere and the other system's reference is not in."""
    if not anonymous or state == "lukket":
        return None
    if authors and authors[-1] is Author.LEADER:
        return Waiting.ANSWER
    if state == "videresendt" and not external_reference:
        return Waiting.REFERENCE
    return None
