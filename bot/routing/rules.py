"""Where each deviation is reported: seed 000, «Hvor melder jeg hva?».

The category a person picks decides the destination. The default table below is the
seed's; an office may override a category's destination in its config, and each
destination's name, link and login instructions always come from the config, so an
office can change a link without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """What the deviation is about. Values are stored, and are the catalogue keys' suffixes."""

    INFORMATION_SECURITY = "informasjonssikkerhet"
    HMS = "hms"
    SOCIAL_SERVICES_ACT = "sosialtjenesteloven"
    MUNICIPAL_COOPERATION = "kommunal_samhandling"
    NAV_COOPERATION = "nav_samhandling"
    STATE_DOMAIN = "statlig_fagomrade"
    TECHNICAL = "teknisk"
    CENTRAL_ROUTINE = "sentral_rutine"
    LOCAL_ROUTINE = "lokal_rutine"
    ADMINISTRATIVE_LAW = "forvaltningsrett"
    LEARNING = "laering"


class Destination(StrEnum):
    """The system a deviation belongs in."""

    ASYS = "asys"
    TQM = "tqm"
    SAMSPILLET = "samspillet"
    LINE = "linja"
    USER_SUPPORT = "brukerstotte"
    OFFICE = "kontoret"


class Handling(StrEnum):
    """What the bot does with a deviation that goes to a destination."""

    EXTERNAL = "external"  # reported in another system; the bot tracks the external reference
    GUIDE = "guide"  # the person also tells the line; the case follows the office's own workflow
    REDIRECT = "redirect"  # not a deviation at all: guide, count, create no case
    OWN = "own"  # the office's own system: the full workflow


# Seed 000: ASYS for «Data- og informasjonssikkerhet» and «HMS (trusler/trakassering/vold)»;
# TQM for «Lov om sosiale tjenester i NAV» and «Samhandling med andre kommunale enheter»;
# Samspillet for «gjensidige tilbakemeldinger mellom NAV-kontorer …»; «Forslag til endringer
# eller avvik innenfor statlige fagområder meldes i linja»; «Tekniske problemer … skal meldes
# i brukerstøtte». Everything else is for the office's own learning, breaches of central (national)
# and local routines alike: «brudd på lov og forskrift eller sentrale og lokale rutiner» is what an
# avvik is («Hva er et avvik?»), wherever the routine was written.
DEFAULT_ROUTES: dict[Category, Destination] = {
    Category.INFORMATION_SECURITY: Destination.ASYS,
    Category.HMS: Destination.ASYS,
    Category.SOCIAL_SERVICES_ACT: Destination.TQM,
    Category.MUNICIPAL_COOPERATION: Destination.TQM,
    Category.NAV_COOPERATION: Destination.SAMSPILLET,
    Category.STATE_DOMAIN: Destination.LINE,
    Category.TECHNICAL: Destination.USER_SUPPORT,
    Category.CENTRAL_ROUTINE: Destination.OFFICE,
    Category.LOCAL_ROUTINE: Destination.OFFICE,
    Category.ADMINISTRATIVE_LAW: Destination.OFFICE,
    Category.LEARNING: Destination.OFFICE,
}

HANDLING: dict[Destination, Handling] = {
    Destination.ASYS: Handling.EXTERNAL,
    Destination.TQM: Handling.EXTERNAL,
    Destination.SAMSPILLET: Handling.EXTERNAL,
    Destination.LINE: Handling.GUIDE,
    Destination.USER_SUPPORT: Handling.REDIRECT,
    Destination.OFFICE: Handling.OWN,
}

# The narrative of these belongs in ASYS; the bot keeps only category, date and reference.
MINIMAL_TEXT = frozenset({Destination.ASYS})

# HMS (threats, harassment, violence): leaders are alerted at once, not at the next digest.
ALERT_LEADERS_AT_ONCE = frozenset({Category.HMS})


@dataclass(frozen=True)
class Route:
    """The decision for one category: where it goes and what the bot does with it."""

    category: Category
    destination: Destination

    @property
    def handling(self) -> Handling:
        return HANDLING[self.destination]

    @property
    def creates_deviation(self) -> bool:
        return self.handling is not Handling.REDIRECT

    @property
    def is_external(self) -> bool:
        return self.handling is Handling.EXTERNAL

    @property
    def keeps_minimal_text(self) -> bool:
        return self.destination in MINIMAL_TEXT

    @property
    def stores_narrative(self) -> bool:
        """Whether the bot keeps the person's own words (title, what happened, actions)."""
        return self.creates_deviation and not self.keeps_minimal_text

    @property
    def alerts_leaders_at_once(self) -> bool:
        return self.category in ALERT_LEADERS_AT_ONCE


def route(category: Category, overrides: dict[Category, Destination] | None = None) -> Route:
    """Decide where a deviation of `category` is reported (the office's overrides first)."""
    table = DEFAULT_ROUTES | (overrides or {})
    return Route(category=category, destination=table[category])
