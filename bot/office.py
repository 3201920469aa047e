"""The office config: a TOML file with one `[[office]]` table per NAV office, or a folder of them.

One deployment serves many offices, in one Slack workspace or several, and the counties above
them. Names, links and instructions for each destination live here, not in code (DESIGN.md,
«Routing»).

A folder (issue 24, «Config that scales») holds one file per office, each with one `[office]`
table (or one `[[office]]`, as in a single file); its `id` defaults to the file's name. The
file `_defaults.toml` may hold an `[office]` table merged under every office's own values, table
by table (an office's `[office.cadence]` changes only the keys it names), and the `[[county]]`
tables. Every error names the file it is in.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from bot.deviations.rules import DEFAULT_CAUSE_TYPES, RISK_LEVELS, RISK_MAX, RiskBand, risk_band
from bot.errors import ConfigError
from bot.i18n import Locale, t
from bot.routing.rules import Category, Destination, Route, route


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DestinationInfo(_Strict):
    """How to report in one destination system, as the office words it."""

    name: str
    link: str = ""
    instructions: str


class Cadence(_Strict):
    """How often the scheduler reminds, in workdays (seed 000: leaders «jevnlig etterspør»)."""

    assess_after_workdays: int = Field(default=2, ge=1)
    overdue_owner_after_workdays: int = Field(default=0, ge=0)
    overdue_leader_after_workdays: int = Field(default=3, ge=0)
    ready_to_close_after_workdays: int = Field(default=3, ge=1)
    external_reference_after_workdays: int = Field(default=2, ge=1)
    escalate_after_nudges: int = Field(default=3, ge=1)
    repeat_after_workdays: int = Field(default=2, ge=1)  # a reminder not acted on comes again after this
    snooze_max_workdays: int = Field(default=10, ge=1)  # «Utsett» on a reminder: at most this many workdays
    nudge_hour: int = Field(default=9, ge=0, le=23)
    summary_weekday: int = Field(default=0, ge=0, le=6)  # the leaders' weekly summary; Monday by default
    digest_weekday: int = Field(default=4, ge=0, le=6)  # Monday = 0; Friday by default
    digest_hour: int = Field(default=13, ge=0, le=23)
    post_empty_digest: bool = False
    chart_in_digest: bool = False  # add bot.reports.service.digest_chart() to the monthly digest
    # Issue 22, «Har tiltaket virket?»: the responsible leader is asked this many workdays after a case
    # closed with actions (seed 000: «at forbedringer vedvarer»); 0 turns the question off.
    effect_check_after_workdays: int = Field(default=60, ge=0)


class Rules(_Strict):
    """The office's own closure rules, where the seed recommends rather than requires.

    Seed 000, «Lukking av avvik»: «Ved større avvik anbefales at ledergruppa fatter en formell
    avgjørelse og informerer om det på kontoret.» On by default; an office may turn it off.
    """

    leader_group_decision: bool = True  # a `hoy` case closes only with the leader group's avgjørelse


class Retention(_Strict):
    """How long closed cases keep their free text before it is erased (statistics stay)."""

    erase_free_text_after_days: int = Field(default=730, ge=30)


class QualityRounds(_Strict):
    """Seed 002: spring round in March–April, autumn round in September–October."""

    spring_opens: str = "03-01"
    spring_closes: str = "04-30"
    autumn_opens: str = "09-01"
    autumn_closes: str = "10-31"
    reviews_per_reviewer: int = Field(default=5, ge=1)
    remind_days_before_close: int = Field(default=7, ge=1)
    reviewers: tuple[str, ...] = ()
    reviewer_usergroup: str | None = None

    @field_validator("spring_opens", "spring_closes", "autumn_opens", "autumn_closes")
    @classmethod
    def _month_day(cls, value: str) -> str:
        try:
            date.fromisoformat(f"2024-{value}")
        except ValueError:
            raise ValueError(f"{value!r} is not a month-day like 03-01") from None
        return value


class BreachTrack(_Strict):
    """Issue 21: the 72-hour breach track's hourly reminders. No direct messages in the quiet hours
    (the office's time zone), except the last reminder before the deadline."""

    quiet_from_hour: int = Field(default=22, ge=0, le=23)
    quiet_until_hour: int = Field(default=7, ge=0, le=23)
    card_refresh_hours: int = Field(default=3, ge=1, le=24)


class ExerciseCase(_Strict):
    """An office's own training case for `/avvik øvelse` (the seed's FORMS case ships in the catalogue)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    title: str = Field(min_length=1, max_length=150)
    text: str = Field(min_length=1, max_length=2500)
    reports: bool  # the answer to «Skal det meldes avvik her?»
    destination: Destination | None = None  # the answer to «Hvor skal det meldes?», when it is reported
    reasoning: str = Field(min_length=1, max_length=2500)


class Learning(_Strict):
    """Seed 000 as teaching material: the month's discussion question, and the office's own cases."""

    monthly_question: bool = True  # «DRØFTING RUNDT 10 SPØRSMÅL OM AVVIKSHÅNDTERING», one a month
    exercises: tuple[ExerciseCase, ...] = ()


Word = Annotated[str, Field(min_length=1, max_length=60)]


class RiskScale(_Strict):
    """Issue 22, risk at assessment: sannsynlighet × konsekvens, each 1–5. The five words of each scale,
    lowest first (empty: the catalogue's, «Svært lite sannsynlig» … «Svært sannsynlig» and «Ubetydelig»
    … «Svært alvorlig» in Bokmål), and the score's colour: green up to and including `green_up_to`,
    yellow up to and including `yellow_up_to`, red above."""

    likelihood: tuple[Word, ...] = ()
    consequence: tuple[Word, ...] = ()
    green_up_to: int = Field(default=4, ge=1, le=RISK_MAX - 2)
    yellow_up_to: int = Field(default=12, ge=2, le=RISK_MAX - 1)

    @field_validator("likelihood", "consequence")
    @classmethod
    def _five_words(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        if words and len(words) != len(RISK_LEVELS):
            raise ValueError(f"name all {len(RISK_LEVELS)} steps, lowest first (or none, for the default words)")
        return words

    @model_validator(mode="after")
    def _ordered(self) -> RiskScale:
        if self.green_up_to >= self.yellow_up_to:
            raise ValueError("green_up_to must be below yellow_up_to")
        return self

    def band(self, score: int) -> RiskBand:
        return risk_band(score, self.green_up_to, self.yellow_up_to)

    def likelihood_word(self, value: int, loc: Locale) -> str:
        return self.likelihood[value - 1] if self.likelihood else t(f"risk.likelihood.{value}", loc)

    def consequence_word(self, value: int, loc: Locale) -> str:
        return self.consequence[value - 1] if self.consequence else t(f"risk.consequence.{value}", loc)


class CauseType(_Strict):
    """One of the cause types a leader picks at assessment (issue 22). The defaults' labels are in the
    catalogue (`cause.<id>`); an office's own cause type needs its label."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str | None = Field(default=None, min_length=1, max_length=75)

    @model_validator(mode="after")
    def _labelled(self) -> CauseType:
        if self.label is None and self.id not in DEFAULT_CAUSE_TYPES:
            raise ValueError(f"cause type {self.id!r} needs a label")
        return self


DEFAULT_CAUSES = tuple(CauseType(id=cause) for cause in DEFAULT_CAUSE_TYPES)
MAX_CAUSES = 10  # Slack's checkboxes hold at most ten options


class Office(_Strict):
    """One NAV office: who leads it, where the bot posts, and how deviations are routed."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    team_id: str | None = None
    # Issue 24, many offices in one workspace: the channels that belong to this office (its leader and
    # office channels count too), and its staff's user group; a person in neither chooses in the modal.
    channels: tuple[str, ...] = ()
    staff_usergroup: str | None = Field(default=None, pattern=r"^S[A-Z0-9]+$")
    # `AVV-LHG-2026-0042` with prefix «LHG»; without one, today's `AVV-2026-0042`. Offices sharing a
    # workspace need distinct prefixes, so references never collide.
    reference_prefix: str | None = Field(default=None, pattern=r"^[A-ZÆØÅ0-9]{2,8}$")
    locale: Literal["nb", "en"] = "nb"
    timezone: str = "Europe/Oslo"
    leader_channel: str
    office_channel: str
    leaders: tuple[str, ...] = ()
    leader_usergroup: str | None = None
    routes: dict[Category, Destination] = Field(default_factory=dict)
    destinations: dict[Destination, DestinationInfo]
    cadence: Cadence = Cadence()
    rules: Rules = Rules()
    retention: Retention = Retention()
    quality: QualityRounds = QualityRounds()
    # The office's contact for personvernombudet: a user (U…) or a user group (S…), alerted of a
    # possible personal-data breach at once and reminded until the decision is recorded.
    privacy_contact: str | None = Field(default=None, pattern=r"^[USW][A-Z0-9]+$")
    breach: BreachTrack = BreachTrack()
    learning: Learning = Learning()
    risk: RiskScale = RiskScale()
    causes: tuple[CauseType, ...] = Field(default=DEFAULT_CAUSES, min_length=1, max_length=MAX_CAUSES)

    @field_validator("causes")
    @classmethod
    def _unique_causes(cls, causes: tuple[CauseType, ...]) -> tuple[CauseType, ...]:
        ids = [cause.id for cause in causes]
        if len(set(ids)) != len(ids):
            raise ValueError("two cause types share an id")
        return causes

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _complete(self) -> Office:
        if not self.leaders and not self.leader_usergroup:
            raise ValueError("name the leaders (leaders = [...]) or a leader_usergroup")
        missing = sorted({self.route(c).destination.value for c in Category} - set(self.destinations))
        if missing:
            raise ValueError(f"destinations without a [destinations.*] table: {', '.join(missing)}")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def route(self, category: Category | str) -> Route:
        return route(Category(category), self.routes)

    def destination(self, destination: Destination | str) -> DestinationInfo:
        return self.destinations[Destination(destination)]

    @property
    def cause_ids(self) -> tuple[str, ...]:
        return tuple(cause.id for cause in self.causes)

    def cause_label(self, cause_id: str, loc: Locale) -> str:
        """A cause type's label; one the config no longer lists is shown by its catalogue label or its id."""
        found = next((cause for cause in self.causes if cause.id == cause_id), None)
        if found is not None and found.label:
            return found.label
        return t(f"cause.{cause_id}", loc) if cause_id in DEFAULT_CAUSE_TYPES else cause_id


class County(_Strict):
    """A county (fylke) and the offices it follows up (seed 002: measures «i fylkets regi»)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    offices: tuple[str, ...] = Field(min_length=1)
    leaders: tuple[str, ...] = ()
    leader_usergroup: str | None = None

    @model_validator(mode="after")
    def _led(self) -> County:
        if not self.leaders and not self.leader_usergroup:
            raise ValueError("name the county's leaders (leaders = [...]) or a leader_usergroup")
        return self


class OfficeDirectory(_Strict):
    """Every office this deployment serves, and the counties above them."""

    office: tuple[Office, ...] = Field(min_length=1)
    county: tuple[County, ...] = ()
    # The file each office and county was read from, when the config is a folder (for `avvik-bot check`).
    _sources: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _unique(self) -> OfficeDirectory:
        ids = [o.id for o in self.office]
        if len(set(ids)) != len(ids):
            raise ValueError("two offices share an id")
        if len(self.office) > 1:
            for team in {o.team_id for o in self.office}:
                sharing = [o for o in self.office if o.team_id == team]
                if len(sharing) < 2:
                    continue
                without = [o.id for o in sharing if o.reference_prefix is None]
                if without:
                    raise ValueError(f"no reference_prefix for {', '.join(without)}: offices that share a "
                                     "workspace each need their own, so references never collide")
                for prefix in dict.fromkeys(o.reference_prefix for o in sharing):
                    same = [o.id for o in sharing if o.reference_prefix == prefix]
                    if len(same) > 1:
                        raise ValueError(f"offices in one workspace ({', '.join(same)}) have the same "
                                         f"reference_prefix {prefix!r}; give each its own, so references "
                                         "never collide")
            owners: dict[tuple[str | None, str], str] = {}  # channel ids are unique within a workspace
            for o in self.office:
                for channel in (*o.channels, o.leader_channel, o.office_channel):
                    if owners.setdefault((o.team_id, channel), o.id) != o.id:
                        raise ValueError(f"channel {channel} belongs to both {owners[o.team_id, channel]} and {o.id}")
        county_ids = [c.id for c in self.county]
        if len(set(county_ids)) != len(county_ids):
            raise ValueError("two counties share an id")
        for county in self.county:
            unknown = sorted(set(county.offices) - set(ids))
            if unknown:
                raise ValueError(f"county {county.id} names offices not configured: {', '.join(unknown)}")
        return self

    def in_team(self, team_id: str | None) -> tuple[Office, ...]:
        """The offices of one Slack workspace; a single-office deployment serves every team."""
        if len(self.office) == 1:
            return self.office
        return tuple(o for o in self.office if o.team_id == team_id)

    def for_team(self, team_id: str | None) -> Office:
        """The office of a Slack team, when the workspace has exactly one."""
        offices = self.in_team(team_id)
        if len(offices) == 1:
            return offices[0]
        if not offices:
            raise ConfigError(f"no office in AVVIK_OFFICE_CONFIG has team_id {team_id!r}")
        raise ConfigError(f"several offices share team_id {team_id!r}: the office is chosen per request")

    def counties_of(self, office_id: str) -> tuple[County, ...]:
        return tuple(c for c in self.county if office_id in c.offices)

    def counties_in_team(self, team_id: str | None) -> tuple[County, ...]:
        """The counties with an office in this Slack workspace: the county reports a person there may ask for."""
        here = {o.id for o in self.in_team(team_id)}
        return tuple(c for c in self.county if here & set(c.offices))

    def source_of(self, office_id: str) -> str | None:
        """The file an office was read from, when the config is a folder."""
        return self._sources.get(office_id)

    def county_source(self, county_id: str) -> str | None:
        return self._sources.get(f"county:{county_id}")

    def county_by_id(self, county_id: str) -> County:
        for county in self.county:
            if county.id == county_id:
                return county
        raise ConfigError(f"no county in AVVIK_OFFICE_CONFIG has id {county_id!r}")

    def by_id(self, office_id: str) -> Office:
        for office in self.office:
            if office.id == office_id:
                return office
        raise ConfigError(f"no office in AVVIK_OFFICE_CONFIG has id {office_id!r}")


DEFAULTS_FILE = "_defaults.toml"


def load_offices(path: Path) -> OfficeDirectory:
    """Read and check the office config, a file or a folder; any problem is one clear line naming
    the file and the field."""
    path = Path(path)
    if path.is_dir():
        return _load_folder(path)
    raw = _read(path, missing="copy office.example.toml and edit it")
    try:
        return OfficeDirectory.model_validate(raw)
    except ValidationError as exc:
        raise _error(path, exc) from None


def _read(path: Path, *, missing: str) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"AVVIK_OFFICE_CONFIG: no file at {path}; {missing}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"AVVIK_OFFICE_CONFIG: {path} is not valid TOML ({exc}).") from None


def _error(path: Path | str, exc: ValidationError, *, within: tuple[str | int, ...] = ()) -> ConfigError:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in (*within, *error["loc"])) or "the file"
    return ConfigError(f"AVVIK_OFFICE_CONFIG: {path}: {where}: {error['msg']}.")


def merged(defaults: dict, own: dict) -> dict:
    """`own` over `defaults`, table by table: a table in both is merged key by key; any other
    value (a list of leaders too) is the office's own when it has one."""
    out = dict(defaults)
    for key, value in own.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _load_folder(folder: Path) -> OfficeDirectory:
    """One office per `*.toml` file, `_defaults.toml` under each and holding the counties."""
    files = sorted(f for f in folder.glob("*.toml") if not f.name.startswith("."))
    defaults_file = folder / DEFAULTS_FILE
    stray = [f.name for f in files if f.name.startswith("_") and f.name != DEFAULTS_FILE]
    if stray:
        raise ConfigError(f"AVVIK_OFFICE_CONFIG: {folder / stray[0]}: only {DEFAULTS_FILE} may start with «_»; "
                          "rename it after its office, or move its tables into " + DEFAULTS_FILE + ".")
    shared = _read(defaults_file, missing="") if defaults_file in files else {}
    unknown = sorted(set(shared) - {"office", "county"})
    if unknown:
        raise ConfigError(f"AVVIK_OFFICE_CONFIG: {defaults_file}: {unknown[0]}: not an [office] defaults table or "
                          "a [[county]]; an office's own settings go in its own file.")
    defaults = shared.get("office", {})
    if not isinstance(defaults, dict):
        raise ConfigError(f"AVVIK_OFFICE_CONFIG: {defaults_file}: office: write the defaults as one [office] table.")
    offices: list[Office] = []
    sources: dict[str, str] = {}
    for file in (f for f in files if f != defaults_file):
        own = _office_table(file, _read(file, missing=""))
        own.setdefault("id", file.stem)
        try:
            office = Office.model_validate(merged(defaults, own))
        except ValidationError as exc:
            raise _error(file, exc) from None
        if office.id in sources:
            raise ConfigError(f"AVVIK_OFFICE_CONFIG: {file}: id: {sources[office.id]} has the id {office.id!r} too; "
                              "give each office its own.")
        offices.append(office)
        sources[office.id] = str(file)
    if not offices:
        raise ConfigError(f"AVVIK_OFFICE_CONFIG: no office file in {folder}; write one TOML file per office there "
                          "(see office.example.toml).")
    if not isinstance(shared.get("county", []), list):
        raise ConfigError(f"AVVIK_OFFICE_CONFIG: {defaults_file}: county: write each county as a [[county]] table.")
    counties: list[County] = []
    for index, raw in enumerate(shared.get("county", [])):
        try:
            counties.append(County.model_validate(raw))
        except ValidationError as exc:
            raise _error(defaults_file, exc, within=("county", index)) from None
    for county in counties:
        sources.setdefault(f"county:{county.id}", str(defaults_file))
    try:
        directory = OfficeDirectory(office=tuple(offices), county=tuple(counties))
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        named = [sources[o.id] for o in offices if re.search(rf"\b{re.escape(o.id)}\b", message)]
        if "county" in message:
            named.insert(0, str(defaults_file))
        raise ConfigError(f"AVVIK_OFFICE_CONFIG: {', '.join(dict.fromkeys(named)) or folder}: {message}.") from None
    directory._sources = sources
    return directory


def _office_table(file: Path, raw: dict) -> dict:
    """A file's one office: its `[office]` table, or its only `[[office]]`."""
    table = raw.get("office")
    if isinstance(table, list) and len(table) == 1:
        table = table[0]
    extra = sorted(set(raw) - {"office"})
    if not isinstance(table, dict) or extra:
        what = "several [[office]] tables: write one file per office" if isinstance(table, list) else \
            f"[[county]] tables go in {DEFAULTS_FILE}" if "county" in extra else \
            f"{extra[0]} outside the [office] table" if extra else "no [office] table"
        raise ConfigError(f"AVVIK_OFFICE_CONFIG: {file}: {what}.")
    return dict(table)
