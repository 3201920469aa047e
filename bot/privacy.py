"""Privacy rules: no national identity numbers in free text.

Caseworkers write about cases that concern citizens. A fødselsnummer or D-number in a
deviation would spread personal data to leaders, digests and reports, so any free-text
field that contains a valid one is refused, with a field error saying why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from stdnum.no import fodselsnummer

# Eleven digits, optionally split after the six-digit birth date by a space, dot or dash
# («010190 12345»), and not part of a longer run of digits.
_CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ \u00a0.\-]?(\d{5})(?!\d)")


def contains_national_id(text: str | None) -> bool:
    """True when `text` holds a valid Norwegian fødselsnummer or D-number (python-stdnum checks)."""
    if not text:
        return False
    return any(fodselsnummer.is_valid(m.group(1) + m.group(2)) for m in _CANDIDATE.finditer(text))


def fields_with_national_id(fields: Mapping[str, str | None]) -> list[str]:
    """The names of the free-text fields that must be refused."""
    return [name for name, text in fields.items() if contains_national_id(text)]
