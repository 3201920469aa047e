"""The learning office's plain rules: the training cases, their two questions and answers, the keyed
hash votes are kept under, the tally, and which of seed 000's ten discussion questions a month gets.

Seed 000: «Skal det meldes ifra om avvik her?» (FORMS Spørreundersøkelse gjennomført i 2019), and
«HVA, HVORFOR OG HVORDAN? DRØFTING RUNDT 10 SPØRSMÅL OM AVVIKSHÅNDTERING».
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.i18n import Locale, t
from bot.office import Learning
from bot.routing.rules import Destination


class Question(StrEnum):
    """The poll's two questions: «Skal det meldes avvik her?» and «Hvor skal det meldes?»."""

    REPORT = "meldes"
    WHERE = "hvor"


YES, NO = "ja", "nei"
ANSWERS: dict[Question, tuple[str, ...]] = {
    Question.REPORT: (YES, NO),
    Question.WHERE: tuple(d.value for d in Destination),  # seed 000, «Hvor melder jeg hva?»
}


class Outcome(StrEnum):
    VOTED = "voted"
    CHANGED = "changed"  # a new answer replaces the person's earlier one: still one vote
    ALREADY = "already"  # the same answer again: refused, counted once
    CLOSED = "closed"  # the answer has been shown


@dataclass(frozen=True)
class Case:
    """A training case and its answer: the seed's (catalogue) or an office's own (office config)."""

    id: str
    title: str
    question: str  # the case's own question, as its source asks it
    text: str
    reports: bool
    destination: Destination | None
    reasoning: str
    answer: str | None = None  # the seed's answer in full; an office's case says yes/no and where
    answered: str | None = None  # the heading above the reasoning («Hva svarte veilederne på kontoret?»)


SEED_CASE = "forms-2019"


def seed_case(locale: Locale) -> Case:
    """Seed 000's case: yes, an avvik even though the outcome was good, reported in TQM («Lov om
    sosiale tjenester i NAV»), because «Det framgår ikke om gutten fått tilbud om tjenesten
    opplysning, råd og veiledning - med vedtak - etter sosialtjenesteloven § 17.»"""
    key = "learning.case.forms"
    return Case(SEED_CASE, t(f"{key}.title", locale), t(f"{key}.question", locale), t(f"{key}.text", locale),
                True, Destination.TQM, t(f"{key}.reasoning", locale), t(f"{key}.answer", locale),
                t(f"{key}.answered", locale))


def cases(learning: Learning, locale: Locale) -> list[Case]:
    """The seed's case first, then the office's own, in the order its config lists them."""
    own = [Case(c.id, c.title, t("learning.exercise.q_report", locale), c.text, c.reports, c.destination,
                c.reasoning) for c in learning.exercises if c.id != SEED_CASE]
    return [seed_case(locale), *own]


def find_case(learning: Learning, locale: Locale, case_id: str | None) -> Case | None:
    """The case asked for by id (the seed's when none is named); None when there is no such case."""
    wanted = (case_id or SEED_CASE).lower()
    return next((c for c in cases(learning, locale) if c.id == wanted), None)


def voter_hash(key: bytes, user_id: str) -> str:
    """Who voted, as only this exercise's key can tell (HMAC-SHA256): once the key is erased at the
    reveal, nobody can tell whose vote a hash was, not even by trying every user id."""
    return hmac.new(key, user_id.encode(), hashlib.sha256).hexdigest()


def valid_answer(question: str, answer: str) -> tuple[Question, str] | None:
    """A button's question and answer, if they are the poll's (a crafted payload is not)."""
    try:
        asked = Question(question)
    except ValueError:
        return None
    return (asked, answer) if answer in ANSWERS[asked] else None


def decide(previous: str | None, answer: str) -> Outcome:
    """A person's vote against their earlier answer to the same question: one vote each."""
    if previous is None:
        return Outcome.VOTED
    return Outcome.ALREADY if previous == answer else Outcome.CHANGED


def tally(votes: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Counts per question and answer, from (question, answer) pairs: all the reveal keeps."""
    counts = Counter(votes)
    return {q.value: {a: counts[(q.value, a)] for a in ANSWERS[q]} for q in Question}


# --- the month's discussion question -------------------------------------------------------------

QUESTIONS = 10  # seed 000: «DRØFTING RUNDT 10 SPØRSMÅL OM AVVIKSHÅNDTERING»


def question_number(earlier_months: int) -> int:
    """1–10, in the seed's order, then from the start again: the office's n-th month gets question n."""
    return earlier_months % QUESTIONS + 1


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_workday_of_month(day: date, is_workday: Callable[[date], bool]) -> date:
    """The first workday of `day`'s month: the 1st, or the next workday after a weekend or holiday."""
    first = day.replace(day=1)
    while not is_workday(first):
        first += timedelta(days=1)
    return first


def question_due(today: date, is_workday: Callable[[date], bool]) -> bool:
    """The month's question goes out on its first workday (a run missed that day catches up later in
    the month; the ledger keeps it to once a month)."""
    return is_workday(today) and today >= first_workday_of_month(today, is_workday)
