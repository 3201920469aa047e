"""The effect check's plain rules (issue 22): when a closed case is asked «Har tiltaket virket?», who is
asked, when an unanswered check is reminded, and what an answer may do.

Seed 000: handling deviations is to «lære av hendelser for å forhindre saksbehandlingsfeil eller nye
alvorlige hendelser, utvikle tjenestene, og at forbedringer vedvarer».
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from bot.errors import DomainError, ReasonRequired
from bot.workdays import Workdays

_DAY = timedelta(days=1)

# A check the scheduler could not ask on its day (the job did not run) is still asked this many workdays
# late; a case closed earlier than that is never asked, so turning the question on does not ask about
# every case the office ever closed.
CATCH_UP_WORKDAYS = 10


class Answer(StrEnum):
    """«Har tiltaket virket?» Ja / Delvis / Nei, stored as the user's words."""

    WORKED = "virket"
    PARTLY = "delvis"
    NOT = "nei"


# «Nei» or «Delvis» offers to reopen the case, with the note as the reason.
REOPEN_OFFERED = frozenset({Answer.PARTLY, Answer.NOT})


class AlreadyAnswered(DomainError):
    key = "effect.error.already_answered"


class QuestionReplaced(DomainError):
    """The button or modal is an earlier round's: the case was reopened and closed again since, and asked anew."""

    key = "effect.error.replaced"


class CheckNotFound(DomainError):
    key = "effect.error.not_found"


class ReopenNotOffered(DomainError):
    key = "effect.error.reopen_not_offered"


class AlreadyReopened(DomainError):
    """The case was reopened (from its card) after the question went out: it is followed up already."""

    key = "effect.error.already_reopened"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def round_of(asked_at: datetime) -> int:
    """A round of a case's check, by when it was asked (`effect_checks.created_at`): the question's buttons
    carry it, so an earlier round's click never answers a later round (the row is the case's, each round's)."""
    return (asked_at - _EPOCH) // _MICROSECOND


def parse_answer(value: object) -> Answer | None:
    """A button's answer, if it is one of the three (a crafted payload's is not)."""
    try:
        return Answer(str(value))
    except ValueError:
        return None


def workdays_back(today: date, n: int, workdays: Workdays) -> date:
    """The latest day from which `today` is at least `n` workdays on: a case closed that day (or
    before) has waited n workdays today. `workdays.between(result, today) >= n`, and one day later it
    is not."""
    day, counted = today, 0
    while counted < n:
        if workdays.is_workday(day):
            counted += 1
        day -= _DAY
    return day


def closure_window(today: date, after: int, workdays: Workdays) -> tuple[date, date]:
    """The days a case may have closed on to be asked today, first and last (both included): waited
    `after` workdays at least, and `after` + CATCH_UP_WORKDAYS at most."""
    last = workdays_back(today, after, workdays)
    first = workdays_back(today, after + CATCH_UP_WORKDAYS + 1, workdays) + _DAY
    return first, last


def is_due(closed_on: date, today: date, after: int, workdays: Workdays) -> bool:
    """A case closed on `closed_on` is asked once `after` workdays have passed (0: never asked)."""
    return after > 0 and workdays.between(closed_on, today) >= after


def who_is_asked(responsible: str | None, leaders: Collection[str]) -> str | None:
    """The case's responsible leader while they lead the office; otherwise None: the leader channel is
    asked, where any leader may answer."""
    return responsible if responsible and responsible in leaders else None


def reminder_round(asked_on: date, today: date, repeat: int, rounds: int, workdays: Workdays) -> date | None:
    """The workday of the latest reminder round due today for a check asked on `asked_on`, or None.
    Rounds come every `repeat` workdays, as other reminders do, at most `rounds` of them (then only the
    weekly summary shows it); the round's day is the ledger period, so each is sent once."""
    due = None
    for k in range(1, rounds + 1):
        day = workdays.add(asked_on, k * repeat)
        if day > today:
            break
        due = day
    return due


def check_answer(answered: bool, answer: Answer, reopen: bool, note: str | None, *, closed: bool = True) -> None:
    """One answer per check; reopening only with «Delvis» or «Nei», only a case still closed, and then
    the note is the reason."""
    if answered:
        raise AlreadyAnswered()
    if reopen and answer not in REOPEN_OFFERED:
        raise ReopenNotOffered()
    if reopen and not closed:
        raise AlreadyReopened()
    if reopen and not (note or "").strip():
        raise ReasonRequired("error.reopen_needs_reason")
