"""Issue 23: every seed text the bot shows is quoted exactly as in ../shared/seeds/ (line breaks and
runs of spaces from the slides aside). Each catalogue key, and the passages in it that are the seed's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import t

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

SEED_000 = {
    "learning.help.promises": [
        "JA, det er virksomt dersom ledelsen",
        "jevnlig etterspør informasjon om meldte avvik fra et avvikssystem",
        "iverksetter kort- og langsiktige tiltak",
        "gir tilbakemelding til kontoret om hva som er gjort",
        "vurderer om, når og hvordan avvik(ene) skal lukkes ut fra resultat av tiltak(ene)",
        "benytter seg av erfaringene fra avvikshåndteringen inn i virksomhetsplaneringen",
    ],
    "learning.help.closing": [
        "Hvem har ansvar for å lukke avvik?",
        "Når kan et avvik lukkes?",
        "Tenk på at avvikshåndtering er det samme som utvikling, dvs. ikke lukk et avvik før det er vurdert om det "
        "skal iverksettes tiltak og tiltaket er gjennomført. Ved større avvik anbefales at ledergruppa fatter en "
        "formell avgjørelse og informerer om det på kontoret.",
    ],
    "learning.help.why": [
        "Krav om internkontroll = fortløpende kvalitetsutvikling = alle på NAV-kontoret har ansvar for å sikre "
        "forsvarlige tjenester, inkludert å melde ifra og sikre tiltak = systematisk håndtering av avvik",
        "Tenk også i denne sammenheng på å ha brukeren i fokus, dvs. brukerens rettigheter (inkludert brukerens "
        "familie)",
    ],
    "learning.help.mottos": [
        "«En organisasjon der det ikke er tillat å gjøre feil, er en organisasjon som ikke er i utvikling»",
        "«Det som ikke er i utvikling er under avvikling»",
        "AVVIKSHÅNDTERING = UTVIKLING = POSITIVT",
    ],
    "learning.case.forms.title": ["FORMS Spørreundersøkelse gjennomført i 2019"],
    "learning.case.forms.question": ["Skal det meldes ifra om avvik her?"],
    "learning.case.forms.answered": ["Hva svarte veilederne på kontoret?"],
    "learning.case.forms.reasoning": [
        "Det framgår ikke om gutten fått tilbud om tjenesten opplysning, råd og veiledning - med vedtak - etter "
        "sosialtjenesteloven § 17."],
    "learning.case.forms.answer": ["Lov om sosiale tjenester i NAV"],
    "learning.discussion.header": ["DRØFTING RUNDT 10 SPØRSMÅL OM AVVIKSHÅNDTERING"],
    **{f"learning.discussion.q{n}": [] for n in range(1, 11)},  # each question whole (below)
}
SEED_002 = {
    "quality.help": ["Innsikt i kvaliteten på den arbeidsrettede oppfølgingen ved eget kontor",
                     "Grunnlag for læring og deling av gode grep mellom medarbeidere",
                     "Mulighet til å iverksette tiltak og forbedre kvaliteten i oppfølgingsarbeidet", "FORMÅL",
                     "Gir NAV-kontorene støtte til å jobbe systematisk med kvaliteten i oppfølgingen av personbruker",
                     "Verktøyet tar utgangspunkt i NAV-loven §14a og Veileder for arbeidsrettet oppfølging",
                     "Digital spørreundersøkelse", "Møteplassen – en fysisk dialogarena"],
}
CASE_LINES = [  # the case itself, line by line as the seed has it
    "Barneverntjenesten kaller deg inn på en samtale sammen med en ungdom, som du ikke har hatt kontakt med tidligere.",
    "Gutten går andre året på videregående skole og er derfor ikke registrert som arbeidssøker på NAV.",
    "Du gjør en god innsats, da du gjennomfører tre samtaler. I tillegg følger du med ham til en arbeidsgiver.",
    "Gutten får etterhvert en sommerjobb, som han er fornøyd med.",
    "Da ungdommen aldri ble registrert kunne du ikke journalføre prosessen.",
]


def _flat(text: str) -> str:
    """One line, single spaces; a word the slide broke at its hyphen («NAV-⏎kontoret») joined again."""
    return re.sub(r"\s+", " ", re.sub(r"(\w-)[ \t]*\n\s*", r"\1", text)).strip()


def _seed(prefix: str) -> str:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return _flat(path.read_text(encoding="utf-8"))


pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds are not next to this checkout")


@pytest.mark.parametrize("key", sorted(SEED_000))
def test_seed_000_is_quoted_exactly(key: str):
    seed, shown = _seed("000"), _flat(t(key, "nb"))
    passages = SEED_000[key] or [shown]
    for passage in passages:
        assert _flat(passage) in shown, f"{key} no longer shows «{passage}»"
        assert _flat(passage) in seed, f"{key}: «{passage}» is not the seed's wording"


def test_the_training_case_is_the_seed_s_text():
    seed, shown = _seed("000"), _flat(t("learning.case.forms.text", "nb"))
    assert shown in seed  # the whole case, word for word
    for line in CASE_LINES:
        assert _flat(line) in shown


@pytest.mark.parametrize("key", sorted(SEED_002))
def test_seed_002_is_quoted_exactly(key: str):
    seed, shown = _seed("002"), _flat(t(key, "nb"))
    for passage in SEED_002[key]:
        assert _flat(passage) in shown, f"{key} no longer shows «{passage}»"
        assert _flat(passage) in seed, f"{key}: «{passage}» is not the seed's wording"
