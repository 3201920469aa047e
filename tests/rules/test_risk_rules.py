"""Issue 22: risk is sannsynlighet × konsekvens on 1–5 scales, coloured by the office's thresholds; open
cases are listed by risk, then age; the office config names the scales' words and the cause types, and a
config written before this keeps working with the defaults."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.deviations.rules import (
    DEFAULT_CAUSE_TYPES,
    RiskBand,
    State,
    by_risk,
    check_risk_changeable,
    risk_band,
    risk_score,
)
from bot.errors import InvalidTransition
from bot.forms import FieldErrors
from bot.leaders.forms import parse_risk
from bot.office import Office, OfficeDirectory

EXAMPLE = Path(__file__).resolve().parents[2] / "bot" / "office.example.toml"


def _office(**extra: object) -> Office:
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["office"][0]
    raw.pop("risk", None)
    return Office.model_validate({**raw, **extra})


def test_the_score_is_likelihood_times_consequence_and_none_until_both_are_set():
    assert risk_score(3, 4) == 12 and risk_score(5, 5) == 25 and risk_score(1, 1) == 1
    assert risk_score(None, 4) is None and risk_score(3, None) is None
    with pytest.raises(ValueError):
        risk_score(6, 1)
    with pytest.raises(ValueError):
        risk_score(0, 3)


@pytest.mark.parametrize(("score", "band"), [(1, RiskBand.GREEN), (4, RiskBand.GREEN), (5, RiskBand.YELLOW),
                                             (12, RiskBand.YELLOW), (15, RiskBand.RED), (25, RiskBand.RED)])
def test_the_default_thresholds_colour_every_score(score: int, band: RiskBand):
    assert risk_band(score, 4, 12) is band
    assert _office().risk.band(score) is band


def test_an_office_sets_its_own_thresholds_and_words():
    office = _office(risk={"green_up_to": 2, "yellow_up_to": 9, "likelihood": list("abcde"),
                           "consequence": ["u", "l", "m", "a", "s"]})
    assert [office.risk.band(s) for s in (2, 3, 9, 10)] == [RiskBand.GREEN, RiskBand.YELLOW, RiskBand.YELLOW,
                                                            RiskBand.RED]
    assert office.risk.likelihood_word(5, "nb") == "e" and office.risk.consequence_word(1, "en") == "u"


def test_without_words_the_scales_speak_the_office_s_language():
    office = _office()
    assert office.risk.likelihood_word(1, "nb") == "Svært lite sannsynlig"
    assert office.risk.likelihood_word(5, "nb") == "Svært sannsynlig"
    assert office.risk.consequence_word(1, "nb") == "Ubetydelig"
    assert office.risk.consequence_word(5, "nb") == "Svært alvorlig"
    assert office.risk.consequence_word(5, "en") == "Very serious"


@pytest.mark.parametrize("risk", [{"likelihood": ["a", "b", "c"]}, {"green_up_to": 12, "yellow_up_to": 12},
                                  {"green_up_to": 0}, {"yellow_up_to": 25}, {"consequence": ["", "b", "c", "d", "e"]}])
def test_a_scale_or_threshold_that_cannot_work_is_refused_at_start_up(risk: dict):
    with pytest.raises(ValidationError):
        _office(risk=risk)


def test_a_config_written_before_issue_22_keeps_every_default():
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    for office in raw["office"]:
        office.pop("risk", None)
        office.pop("causes", None)
    office = OfficeDirectory.model_validate(raw).office[0]
    assert (office.risk.green_up_to, office.risk.yellow_up_to) == (4, 12)
    assert office.cause_ids == DEFAULT_CAUSE_TYPES
    assert [office.cause_label(c, "nb") for c in office.cause_ids] == [
        "Rutine mangler", "Rutine ukjent", "Rutine ikke fulgt", "Opplæring", "Kapasitet/arbeidsmengde",
        "System/teknisk", "Samhandling", "Annet"]


def test_an_office_names_its_own_cause_types():
    office = _office(causes=[{"id": "rutine_mangler"}, {"id": "taushetsplikt", "label": "Taushetsplikt"}])
    assert office.cause_ids == ("rutine_mangler", "taushetsplikt")
    assert office.cause_label("rutine_mangler", "nb") == "Rutine mangler"
    assert office.cause_label("taushetsplikt", "nb") == "Taushetsplikt"
    assert office.cause_label("opplaering", "nb") == "Opplæring"  # stored before the list changed
    for causes in ([{"id": "egen"}], [{"id": "annet"}, {"id": "annet"}], [], [{"id": f"c{i}", "label": "x"}
                                                                             for i in range(11)]):
        with pytest.raises(ValidationError):
            _office(causes=causes)


def test_the_risk_form_takes_only_what_the_office_offers():
    causes = ("rutine_mangler", "annet")
    form = parse_risk({"risk_likelihood": "2", "risk_consequence": "5", "cause_types": ["annet", "annet"]}, causes)
    assert (form.likelihood, form.consequence, form.cause_types) == (2, 5, ("annet",))
    refusals = (({"risk_likelihood": "6"}, "risk_likelihood"), ({"risk_consequence": "x"}, "risk_consequence"),
                ({"risk_likelihood": "²"}, "risk_likelihood"), ({"risk_likelihood": 3}, "risk_likelihood"),
                ({"risk_consequence": ["3"]}, "risk_consequence"), ({"cause_types": ["ukjent"]}, "cause_types"),
                ({"cause_types": [{"value": "annet"}]}, "cause_types"),
                ({"cause_types": ["annet", None]}, "cause_types"))
    for values, field in refusals:
        with pytest.raises(FieldErrors) as refused:
            parse_risk({"risk_likelihood": "2", "risk_consequence": "5", "cause_types": ["annet"], **values}, causes)
        assert refused.value.errors == {field: "error.risk.invalid"}


@dataclass
class _Case:
    id: int
    created_at: datetime
    risk_likelihood: int | None = None
    risk_consequence: int | None = None


def _at(day: int) -> datetime:
    return datetime(2026, 11, day, tzinfo=UTC)


def test_open_cases_are_listed_by_risk_then_age_and_unassessed_ones_last():
    cases = [_Case(1, _at(1)), _Case(2, _at(2), 2, 2), _Case(3, _at(3), 5, 5), _Case(4, _at(4), 5, 5),
             _Case(5, _at(5), 3, 3), _Case(6, _at(6), 9, 9), _Case(7, _at(7))]
    # A value outside the scale (never written by the bot) counts as «ikke vurdert».
    assert [c.id for c in by_risk(cases)] == [3, 4, 5, 2, 1, 6, 7]


def test_the_risk_changes_after_the_assessment_while_the_case_is_open():
    for state in (State.ACTIONS_ONGOING, State.READY_TO_CLOSE, State.FORWARDED):
        check_risk_changeable(state)
    for state in (State.REGISTERED, State.CLOSED):
        with pytest.raises(InvalidTransition):
            check_risk_changeable(state)
