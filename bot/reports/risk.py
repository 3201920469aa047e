"""Risk, cause and «Har tiltaket virket?» as the period report counts them (issue 22, point 4).

Seed 000 says why deviations are handled: «lære av hendelser for å forhindre saksbehandlingsfeil
eller nye alvorlige hendelser, utvikle tjenestene, og at forbedringer vedvarer». The business
plan sees that through three figures: how serious the period's cases were (risk), why they could
happen (cause types), and whether the actions held (effect checks).

The vocabularies live here with the defaults the office config starts from; they are parameters,
never read from the office here, so the report's callers (bot/reports/service.py) decide where they
come from. Plain Python: no Slack, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.deviations.rules import DEFAULT_CAUSE_TYPES, RiskBand, risk_band, risk_score
from bot.i18n import Locale, t

NOT_ASSESSED = "ikke_vurdert"  # a case without risk or cause types (every case from before issue 22)
UNANSWERED = "ubesvart"  # an effect check asked, not (yet) answered

RISK_BANDS = tuple(band.value for band in RiskBand)  # gronn, gul, rod
EFFECT_ANSWERS = ("virket", "delvis", "nei")

# Issue 22: «rutine mangler, rutine ukjent, rutine ikke fulgt, opplæring, kapasitet/arbeidsmengde,
# system/teknisk, samhandling, annet — the list in the office config». These are the defaults.
DEFAULT_CAUSES = DEFAULT_CAUSE_TYPES


@dataclass(frozen=True)
class RiskScale:
    """Sannsynlighet × konsekvens (each 1–5) in three colours: a score up to `green` is green, up to
    `yellow` yellow, above it red. The defaults are the office config's (`[office.risk]`)."""

    green: int = 4
    yellow: int = 12

    def band(self, likelihood: int | None, consequence: int | None) -> str:
        """«gronn», «gul», «rod», or «ikke_vurdert» when either half is missing."""
        score = risk_score(likelihood, consequence)
        return NOT_ASSESSED if score is None else risk_band(score, self.green, self.yellow).value


DEFAULT_SCALE = RiskScale()


def cause_labels(locale: Locale, causes: Sequence[str] = DEFAULT_CAUSES) -> dict[str, str]:
    """The default cause types in order, each with the catalogue's label (an office's own list comes
    from its config: `Office.cause_label`)."""
    return {cause: t(f"cause.{cause}", locale) for cause in causes}


def count_causes(cause_lists: Iterable[Sequence[str] | None], vocabulary: Sequence[str]) -> dict[str, int]:
    """Cases per cause type: a case with two causes counts under both, a case without any under
    «ikke vurdert»; every type of the vocabulary is there (zeros too), then any stored id outside it,
    then «ikke vurdert»."""
    counted: dict[str, int] = dict.fromkeys(vocabulary, 0)
    unassessed = 0
    for causes in cause_lists:
        if not causes:
            unassessed += 1
            continue
        for cause in dict.fromkeys(causes):  # a cause picked twice is still one case
            counted[cause] = counted.get(cause, 0) + 1
    return counted | {NOT_ASSESSED: unassessed}


@dataclass(frozen=True)
class Recurring:
    """A cause type this period beside the period before: it recurs when it is in both, and rises
    when it recurs more often than before."""

    cause: str
    current: int
    previous: int

    @property
    def recurs(self) -> bool:
        return self.current > 0 and self.previous > 0

    @property
    def rising(self) -> bool:
        return self.recurs and self.current > self.previous

    @property
    def new(self) -> bool:
        """Seen this period and not in the one before."""
        return self.current > 0 and self.previous == 0

    @property
    def gone(self) -> bool:
        """Seen in the period before and not in this one."""
        return self.current == 0 and self.previous > 0


def recurring(current: Mapping[str, int], previous: Mapping[str, int]) -> list[Recurring]:
    """Every cause type seen in either period (not «ikke vurdert»): rising first, then the others that
    recur, then the rest, each group by this period's count."""
    rows = [Recurring(cause, current.get(cause, 0), previous.get(cause, 0))
            for cause in dict.fromkeys([*current, *previous])
            if cause != NOT_ASSESSED and (current.get(cause) or previous.get(cause))]
    return sorted(rows, key=lambda r: (not r.rising, not r.recurs, -r.current))
