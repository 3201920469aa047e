"""Kvalitetssystemet (seed 002): half-yearly quality measurement of work-oriented follow-up.

Plain Python: seasons and target groups, the four assessment areas, the review form, and the
overall assessment («helhetsvurdering») of a round. No Slack, no SQL.

Seed 002: «Kvalitetsmålingene gjennomføres hvert halvår • Vår – gjennomføres i perioden mars -
april for AAP-mottakere, 30 år eller eldre • Høst – gjennomføres i september og oktober for unge
under 30 år uavhengig av ytelse».
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from bot.forms import FieldErrors, clean_text, field_errors, optional_text
from bot.i18n import Locale, t
from bot.office import QualityRounds
from bot.privacy import contains_national_id, fields_with_national_id


class Season(StrEnum):
    SPRING = "var"
    AUTUMN = "host"


class TargetGroup(StrEnum):
    AAP_30_PLUS = "aap_30_pluss"  # AAP-mottakere, 30 år eller eldre
    YOUNG_UNDER_30 = "unge_under_30"  # unge under 30 år uavhengig av ytelse


TARGET_GROUP = {Season.SPRING: TargetGroup.AAP_30_PLUS, Season.AUTUMN: TargetGroup.YOUNG_UNDER_30}


class Area(StrEnum):
    """Seed 002, «Metoden»: the four things each reviewed case is assessed on."""

    MAPPING = "kartlegging"  # kartleggingen og kvaliteten i oppfølgingsvedtaket / 14a-vedtaket
    WORK_ORIENTATION = "arbeidsretting"  # hvor arbeidsrettet oppfølgingen er
    PARTICIPATION = "brukermedvirkning"  # hvordan personen får medvirke i egen sak
    PROGRESS = "fremdrift"  # om NAV har bidratt til fremdrift i oppfølgingen


class Scope(StrEnum):
    """Seed 002: «Tiltak kontorene jobber med» and «Tiltak i fylkets regi»."""

    OFFICE = "kontor"
    COUNTY = "fylke"


SCALE = (1, 2, 3, 4)  # svak · delvis god · god · svært god
NOT_RELEVANT = "ikke_relevant"
TEXT_MAX, TAGS_MAX = 2000, 8


def parse_season(word: str) -> Season | None:
    """«vår»/«var» or «høst»/«host», as a leader types it after `/kvalitet ny`."""
    plain = word.lower().replace("å", "a").replace("ø", "o")
    return Season(plain) if plain in {s.value for s in Season} else None


def window(config: QualityRounds, season: Season, year: int) -> tuple[date, date]:
    """The dates a season's round runs, from the office config (March–April, September–October)."""
    opens, closes = ((config.spring_opens, config.spring_closes) if season is Season.SPRING
                     else (config.autumn_opens, config.autumn_closes))
    return date.fromisoformat(f"{year}-{opens}"), date.fromisoformat(f"{year}-{closes}")


def window_opened_on(config: QualityRounds, season: Season, year: int, today: date) -> tuple[date, date]:
    """The dates of a round opened `today`: the season's own window, or, once that window has
    passed (a leader opening late), a window as long starting today, so that it does not close at
    once, but ending before the next season's window opens, so that two rounds never run side by side."""
    opens, closes = window(config, season, year)
    if today <= closes:
        return opens, closes
    next_opens = next_opening(config, today)[2]
    return today, min(today + (closes - opens), next_opens - timedelta(days=1))


def opened_late(config: QualityRounds, season: Season, year: int, opens_on: date) -> bool:
    """Whether a round runs from another day than its season's own window: opened by a leader after
    the period was over (`window_opened_on`)."""
    return opens_on != window(config, season, year)[0]


def next_opening(config: QualityRounds, today: date) -> tuple[Season, int, date]:
    """The next season whose window opens after `today`, its year and its first day."""
    return min(((s, y, start) for s in Season for y in (today.year, today.year + 1)
                if (start := window(config, s, y)[0]) > today), key=lambda item: item[2])


def season_running(config: QualityRounds, today: date) -> Season | None:
    """The season whose window contains `today`, if any."""
    for season in Season:
        opens, closes = window(config, season, today.year)
        if opens <= today <= closes:
            return season
    return None


class NamedRound(Protocol):
    year: int
    season: str


def round_title(rnd: NamedRound, locale: Locale) -> str:
    """«Kvalitetsmåling vår 2027»: how every message and report names a round."""
    return t("quality.round_name", locale, season=t(f"quality.season.{rnd.season}", locale).lower(), year=rnd.year)


def nearest_round(config: QualityRounds, today: date, season: Season | None = None) -> tuple[Season, int]:
    """The season and year a leader most likely means when opening a round by hand: the one whose
    window is nearest to today, running or not (a late autumn round in December, an early spring
    round in February). A leader who names the season gets that season's nearest window."""
    def distance(candidate: tuple[Season, int]) -> int:
        opens, closes = window(config, *candidate)
        return max((opens - today).days, (today - closes).days, 0)

    seasons = [season] if season is not None else list(Season)
    return min(((s, year) for year in (today.year - 1, today.year, today.year + 1) for s in seasons), key=distance)


_WORK_AND_PROGRESS = (
    "jobbmål, aktivitet og arbeid",
    "helsemessige og sosiale forhold",
    "jevnlig oppfølging",
    "planlagte møter med agenda",
    "saksmengde og hyppig bytte av veileder",
    "samhandling med arbeidsgiver",
)
AREA_THEMES: dict[Area, tuple[str, ...]] = {
    Area.MAPPING: (
        "møte med bruker for å bli kjent",
        "tett kontakt",
        "kartlegging gjennom samtaler",
        "skriftlige vurderinger",
        "samsvar med brukers ønsker og mål",
    ),
    Area.WORK_ORIENTATION: _WORK_AND_PROGRESS,
    Area.PARTICIPATION: (
        "relasjonsbygging og trygghet",
        "aktivitetsplanen og samhandlingsverktøy",
        "planlagte møter med tydelig agenda",
        "bruker velger kommunikasjon- og møteform",
        "brukers ønsker og forutsetninger",
        "klart språk og tydelig møtereferat",
        "brukers stemme kommer tydelig frem",
        "planlagte fysiske møter",
    ),
    Area.PROGRESS: _WORK_AND_PROGRESS,
}
"""Seed 002's «Punkter som trekkes frem», per area, shortened to tags as `normalize_tags` keeps them (no
commas, at most 40 characters): «bli kjent og forstå behov» and the oppfølgingsvedtak (✓ Vektlegger møte
med bruker for å bli kjent ✓ Tett kontakt ✓ Kartlegging gjennom samtaler og innhenting av dokumentasjon
✓ Vurderinger fremkommer skiftelige ✓ Samsvar mellom oppfølgingssamtale, brukers ressurser, ønsker og
mål); «Arbeidsretting og fremdrift i oppfølgingen» (✓ Jobbmål, aktivitet og arbeid viktig del av
oppfølgingen ✓ … helsemessige og sosiale forhold … ✓ Jevnlige oppfølging ✓ Planlagte møter med agenda
✓ Saksmengde og hyppig bytte av veileder hindrer god oppfølging ✓ Samhandling med arbeidsgiver
varierer); «Hvordan legges det til rette for brukermedvirkning?» (relasjonsbygging … trygghet,
aktivitetsplanen og samhandlingsverktøy, planlagte møter med tydelig agenda, bruker får velge
kommunikasjon- og møteform, brukers ønsker og forutsetninger, klart språk og tydelig møtereferat,
brukers stemme, planlagte fysiske møter). Reviewers pick them in the form, so a theme has one name
across rounds; they may add their own tags too."""

PRESET_THEMES = tuple(dict.fromkeys(theme for themes in AREA_THEMES.values() for theme in themes))
"""Themes the office may always read: every one of seed 002's points (`AREA_THEMES`)."""

# Seed 002's measures, «Tiltak kontorene jobber med» and «Tiltak i fylkets regi»: «Nytt tiltak» offers
# them (catalogue `quality.suggestion.<scope>.<n>`), so the same measure keeps its name across rounds.
MEASURE_SUGGESTIONS: dict[Scope, int] = {Scope.OFFICE: 9, Scope.COUNTY: 2}


def suggestion_keys() -> list[str]:
    """Every suggested measure's catalogue key, office ones first."""
    return [f"quality.suggestion.{scope.value}.{n}" for scope, count in MEASURE_SUGGESTIONS.items()
            for n in range(1, count + 1)]


def with_suggestion(description: object, suggestion: str | None) -> object:
    """The measure's description with the chosen suggestion's name first (or the name alone)."""
    text = description.strip() if isinstance(description, str) else ""
    if not suggestion:
        return description
    return f"{suggestion}: {text}" if text else suggestion


def shareable_themes(themes: Iterable[tuple[str, int]], approved: Iterable[str]) -> list[tuple[str, int]]:
    """The recurring themes the office may read: preset ones, and tags a leader has approved. A
    reviewer's free tag as typed may name a person or a case, so it never reaches the office unread."""
    allowed = shareable_tags(approved)
    return [(tag, n) for tag, n in themes if tag in allowed]


def shareable_tags(approved: Iterable[str]) -> frozenset[str]:
    """The tags the office may read: the preset themes and those a leader has approved."""
    return frozenset(PRESET_THEMES) | {tag for raw in approved for tag in normalize_tags(raw)}


def normalize_tags(text: str | None) -> list[str]:
    """The reviewer's own tags: «Tett kontakt, saksmengde» → ['tett kontakt', 'saksmengde']."""
    if not text:
        return []
    tags: list[str] = []
    for raw in re.split(r"[,;\n#]+", unicodedata.normalize("NFC", text)):
        tag = " ".join(raw.split()).lower()[:40]
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:TAGS_MAX]


def chosen_tags(area: Area, themes: object, free: object) -> list[str]:
    """The seed's themes the reviewer picked for this area (others are ignored), then their own tags."""
    picked = [th for th in (themes if isinstance(themes, list) else []) if th in AREA_THEMES[area]]
    own = normalize_tags(free if isinstance(free, str) else None)
    return list(dict.fromkeys([*picked, *own]))[:TAGS_MAX]


Text = optional_text(TEXT_MAX)


class AreaForm(BaseModel):
    model_config = ConfigDict(frozen=True)

    score: int | None  # None: not relevant for this case
    works_well: Text = None
    works_less_well: Text = None
    tags: list[str] = []


class ReviewForm(BaseModel):
    """One reviewed case: no personal data, an optional internal case number, four areas."""

    model_config = ConfigDict(frozen=True)

    case_number: Annotated[Annotated[str, Field(max_length=40)] | None, BeforeValidator(clean_text)] = None
    areas: dict[Area, AreaForm]


def block_id(area: Area, part: str) -> str:
    return f"{area.value}.{part}"


def parse_review(values: Mapping[str, object]) -> ReviewForm:
    """Check the review modal's values (by block id); raise FieldErrors naming every wrong field."""
    errors: dict[str, str] = {}
    texts = {name: value for name, value in values.items() if isinstance(value, str)}
    for name in fields_with_national_id(texts):
        errors[name] = "error.quality.national_id"
    areas: dict[Area, dict[str, object]] = {}
    for area in Area:
        score = values.get(block_id(area, "score"))
        if score is None:
            errors[block_id(area, "score")] = "error.field.choose"
        areas[area] = {
            "score": None if score in (None, NOT_RELEVANT) else score,
            "works_well": values.get(block_id(area, "well")),
            "works_less_well": values.get(block_id(area, "less_well")),
            "tags": chosen_tags(area, values.get(block_id(area, "themes")), values.get(block_id(area, "tags"))),
        }
        if areas[area]["score"] is not None and str(areas[area]["score"]) not in {str(s) for s in SCALE}:
            errors[block_id(area, "score")] = "error.field.choose"
    if errors:
        raise FieldErrors(errors)
    try:
        return ReviewForm.model_validate({"case_number": values.get("case_number"), "areas": areas})
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            if loc[0] == "case_number":
                errors["case_number"] = "error.field.too_long"
            elif len(loc) >= 3:
                part = {"works_well": "well", "works_less_well": "less_well"}.get(loc[2], loc[2])
                errors[f"{loc[1]}.{part}"] = "error.field.too_long"
        raise FieldErrors(errors or {"case_number": "error.field.invalid"}) from None


# --- the overall assessment ------------------------------------------------------------------

class Trend(StrEnum):
    """Seed 002's «Positiv utvikling»: compared with the previous round of the same target group."""

    POSITIVE = "positiv"
    STABLE = "stabil"
    NEGATIVE = "negativ"


TREND_STEP = 0.25  # a change in mean score smaller than this is «stable»


@dataclass(frozen=True)
class Scored:
    """One area's assessment in one review, as the summary needs it."""

    area: Area
    score: int | None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaSummary:
    area: Area
    distribution: dict[int | None, int]  # score (None = not relevant) → count
    mean: float | None
    themes: list[tuple[str, int]]  # recurring tags, most frequent first
    previous_mean: float | None
    trend: Trend | None

    @property
    def reviewed(self) -> int:
        return sum(self.distribution.values())


def _mean(scores: list[int]) -> float | None:
    return round(sum(scores) / len(scores), 2) if scores else None


def trend(mean: float | None, previous: float | None) -> Trend | None:
    if mean is None or previous is None:
        return None
    if mean - previous >= TREND_STEP:
        return Trend.POSITIVE
    if previous - mean >= TREND_STEP:
        return Trend.NEGATIVE
    return Trend.STABLE


def summarize(current: Iterable[Scored], previous: Iterable[Scored] = ()) -> list[AreaSummary]:
    """The helhetsvurdering per area: distribution of scores, recurring themes (a tag used in at
    least two reviews), and the trend against the previous round of the same target group."""
    now = list(current)
    before = list(previous)
    summaries = []
    for area in Area:
        mine = [s for s in now if s.area is area]
        distribution: dict[int | None, int] = {score: 0 for score in (*SCALE, None)}
        for s in mine:
            distribution[s.score] += 1
        mean = _mean([s.score for s in mine if s.score is not None])
        previous_mean = _mean([s.score for s in before if s.area is area and s.score is not None])
        counts = Counter(tag for s in mine for tag in set(s.tags))
        themes = sorted(((tag, n) for tag, n in counts.items() if n >= 2), key=lambda item: (-item[1], item[0]))
        summaries.append(AreaSummary(area, distribution, mean, themes, previous_mean, trend(mean, previous_mean)))
    return summaries


VERDICT = "verdict"  # the close form's block id prefix: `verdict.kartlegging`


def parse_verdicts(values: Mapping[str, object], required: Iterable[Area]) -> dict[str, str]:
    """The leaders' helhetsvurdering per area (seed 002: «Helhetsvurdering»): required where the round
    has scores, at most TEXT_MAX characters, no national identity number. Raises FieldErrors."""
    errors: dict[str, str] = {}
    verdicts: dict[str, str] = {}
    needed = set(required)
    for area in Area:
        name = f"{VERDICT}.{area.value}"
        raw = values.get(name)
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            if area in needed:
                errors[name] = "error.field.required"
            continue
        if len(text) > TEXT_MAX:
            errors[name] = "error.field.too_long"
        elif contains_national_id(text):
            errors[name] = "error.quality.national_id"
        verdicts[area.value] = text
    if errors:
        raise FieldErrors(errors)
    return verdicts


def behind_target(reviewers: Iterable[str], done: Mapping[str, int], target: int) -> dict[str, int]:
    """Reviewers who have reviewed fewer cases than the target, and how many they lack."""
    return {r: target - done.get(r, 0) for r in reviewers if done.get(r, 0) < target}


class MeasureInput(BaseModel):
    """A leader's measure: what, which area, office or county, who, by when."""

    model_config = ConfigDict(frozen=True)

    description: Annotated[str, BeforeValidator(clean_text), Field(min_length=3, max_length=TEXT_MAX)]
    area: Area
    scope: Scope
    owner: Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{2,30}$")]
    due_on: date


def parse_measure(values: Mapping[str, object], today: date, suggestion: str | None = None) -> MeasureInput:
    """The measure form; a suggested measure (`suggestion`, its name) is named first in the description."""
    values = {**values, "description": with_suggestion(values.get("description"), suggestion)}
    errors: dict[str, str] = {}
    if contains_national_id(values.get("description") if isinstance(values.get("description"), str) else None):
        errors["description"] = "error.field.national_id"
    try:
        measure = MeasureInput.model_validate(values)
    except ValidationError as exc:
        errors = field_errors(exc) | errors
        measure = None
    if measure is not None and measure.due_on < today:
        errors["due_on"] = "error.field.past_date"
    if errors:
        raise FieldErrors(errors)
    assert measure is not None
    return measure
