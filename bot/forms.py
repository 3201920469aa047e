"""What every form the bot reads shares: cleaning free text, and naming what is wrong per field.

Used by registration, the leaders' modals and the quality reviews, so a title, a reason and a
review comment are cleaned, bounded and refused the same way everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationError

from bot.privacy import without_bidi_controls

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_MAX = 3000


def clean_text(value: object) -> object:
    """Strip, normalise, drop control characters and bidi controls; an empty text is None.

    Every form's free text enters through here, so no text the bot stores, and so none it posts,
    carries a bidi override that makes it read otherwise than it is.
    """
    if not isinstance(value, str):
        return value
    value = without_bidi_controls(_CONTROL.sub("", unicodedata.normalize("NFC", value))).strip()
    return value or None


def optional_text(max_length: int = TEXT_MAX) -> object:
    """A cleaned free-text field that may be left empty."""
    return Annotated[Annotated[str, Field(max_length=max_length)] | None, BeforeValidator(clean_text)]


Text = optional_text()


class FieldErrors(Exception):
    """Field (block id) → catalogue key, for `response_action: errors`; nothing was stored."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


# pydantic error types → catalogue keys, so the person reads why in their own language.
ERROR_KEYS = {
    "missing": "error.field.required",
    "string_type": "error.field.required",  # an emptied text arrives as None
    "string_too_short": "error.field.too_short",
    "string_too_long": "error.field.too_long",
    "enum": "error.field.choose",
    "date_from_datetime_parsing": "error.field.date",
    "date_parsing": "error.field.date",
    "date_type": "error.field.date",
    "date_from_datetime_inexact": "error.field.date",
}


def field_errors(exc: ValidationError, prefix: str = "") -> dict[str, str]:
    """pydantic's report as field → catalogue key (the first problem of each field)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        name = prefix + (str(error["loc"][0]) if error["loc"] else "")
        errors.setdefault(name, ERROR_KEYS.get(error["type"], "error.field.invalid"))
    return errors
