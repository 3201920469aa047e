"""Privacy rules: no national identity numbers in free text, no text that reads otherwise than it is.

Caseworkers write about cases that concern citizens. A fødselsnummer or D-number in a
deviation would spread personal data to leaders, digests and reports, so any free-text
field that contains one is refused, with a field error saying why.

People write the number in many ways, so the text is normalised before it is searched:
Unicode NFKC (full-width and other compatibility digits become 0–9), format characters
(category Cf: zero-width spaces, joiners, bidi controls) are dropped, and any run of
whitespace, dots and dashes between two groups of digits counts as a separator. Every
grouping of whole, adjacent digit groups that holds eleven digits is then tested:
«17038847007», «170388 47007», «170388 470 07», «17.03.88 47007», «170388\t47007».

The 2032 rule. From 2032 Skatteetaten issues numbers whose first check digit (the tenth
digit) is no longer a check digit, so python-stdnum's full check, which tests both, would
let those numbers through. We therefore refuse an eleven-digit number when python-stdnum
accepts it, *or* when its first six digits are a valid birth date (D- and H-numbers
included) and its second check digit (the eleventh, computed over the first ten) holds,
whatever the first check digit says. The price: roughly one in eleven other date-shaped
eleven-digit numbers (an account number starting with a date, say) is refused too; a
caseworker can write such a number with its groups apart by letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from stdnum.exceptions import ValidationError
from stdnum.no import fodselsnummer

# Digit groups, and the separators allowed between two groups of one number.
_GROUP = re.compile(r"\d+")
_SEPARATOR = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")
NATIONAL_ID_DIGITS = 11

# Bidi embeddings, overrides and isolates: they make text read otherwise than it is stored.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def normalise(text: str) -> str:
    """NFKC, without format characters (category Cf): what the number-search reads."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def _chains(text: str) -> list[list[str]]:
    """The digit groups of `text`, chained when only separators stand between them."""
    chains: list[list[str]] = []
    end = None
    for match in _GROUP.finditer(text):
        joined = end is not None and _SEPARATOR.fullmatch(text, end, match.start()) is not None
        if joined:
            chains[-1].append(match.group())
        else:
            chains.append([match.group()])
        end = match.end()
    return chains


def _candidates(text: str) -> set[str]:
    """Every run of whole, adjacent groups in a chain that holds exactly eleven digits."""
    found: set[str] = set()
    for groups in _chains(normalise(text)):
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) >= NATIONAL_ID_DIGITS:
                    break
            if len(digits) == NATIONAL_ID_DIGITS:
                found.add(digits)
    return found


def is_national_id(number: str) -> bool:
    """An eleven-digit number to refuse: valid for python-stdnum, or (the 2032 rule, see the module
    docstring) a valid birth date whose second check digit holds."""
    if fodselsnummer.is_valid(number):
        return True
    try:
        fodselsnummer.get_birth_date(number)
    except (ValidationError, ValueError):
        return False
    return fodselsnummer.calc_check_digit2(number[:10]) == number[10]


def contains_national_id(text: str | None) -> bool:
    """True when `text` holds a Norwegian fødselsnummer or D-number, however it is written."""
    if not text:
        return False
    return any(is_national_id(number) for number in _candidates(text))


def fields_with_national_id(fields: Mapping[str, str | None]) -> list[str]:
    """The names of the free-text fields that must be refused."""
    return [name for name, text in fields.items() if contains_national_id(text)]


def without_bidi_controls(text: str) -> str:
    """`text` without bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)."""
    return text.translate(_BIDI_CONTROLS)
