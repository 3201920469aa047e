"""Domain rules as plain Python: routing, privacy, states and closure."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.no import fodselsnummer

from bot.deviations.rules import (
    ActionState,
    ClosureRequest,
    Command,
    Severity,
    State,
    check_closure,
    commands_from,
    format_reference,
    next_state,
)
from bot.errors import ClosureNotAllowed, InvalidTransition
from bot.privacy import contains_national_id, is_national_id, without_bidi_controls
from bot.routing.rules import Category, Destination, Handling, route

# Seed 000, «Hvor melder jeg hva?»
SEED_TABLE = [
    (Category.INFORMATION_SECURITY, Destination.ASYS, Handling.EXTERNAL, True),
    (Category.HMS, Destination.ASYS, Handling.EXTERNAL, True),
    (Category.SOCIAL_SERVICES_ACT, Destination.TQM, Handling.EXTERNAL, True),
    (Category.MUNICIPAL_COOPERATION, Destination.TQM, Handling.EXTERNAL, True),
    (Category.NAV_COOPERATION, Destination.SAMSPILLET, Handling.EXTERNAL, True),
    (Category.STATE_DOMAIN, Destination.LINE, Handling.GUIDE, True),
    (Category.TECHNICAL, Destination.USER_SUPPORT, Handling.REDIRECT, False),
    (Category.CENTRAL_ROUTINE, Destination.OFFICE, Handling.OWN, True),
    (Category.LOCAL_ROUTINE, Destination.OFFICE, Handling.OWN, True),
    (Category.ADMINISTRATIVE_LAW, Destination.OFFICE, Handling.OWN, True),
    (Category.LEARNING, Destination.OFFICE, Handling.OWN, True),
]


@pytest.mark.parametrize(("category", "destination", "handling", "creates_deviation"), SEED_TABLE)
def test_default_routing_follows_seed_000(category, destination, handling, creates_deviation):
    decision = route(category)
    assert (decision.destination, decision.handling, decision.creates_deviation) == (destination, handling,
                                                                                     creates_deviation)


def test_every_category_is_routed():
    assert {row[0] for row in SEED_TABLE} == set(Category)


def test_only_asys_keeps_minimal_text_and_only_hms_alerts_at_once():
    assert {c for c in Category if route(c).keeps_minimal_text} == {Category.INFORMATION_SECURITY, Category.HMS}
    assert {c for c in Category if route(c).alerts_leaders_at_once} == {Category.HMS}


def test_an_office_can_override_a_destination():
    assert route(Category.STATE_DOMAIN, {Category.STATE_DOMAIN: Destination.OFFICE}).handling is Handling.OWN


# --- privacy ---------------------------------------------------------------------------------

def _valid_numbers(draw_date: date, individual: int, d_number: bool) -> str | None:
    day = draw_date.day + (40 if d_number else 0)
    base = f"{day:02d}{draw_date.month:02d}{draw_date.year % 100:02d}{individual:03d}"
    number = base + fodselsnummer.calc_check_digit1(base)
    number += fodselsnummer.calc_check_digit2(number)
    return number if fodselsnummer.is_valid(number) else None


@given(born=st.dates(date(1940, 1, 1), date(2039, 12, 31)), individual=st.integers(0, 999), d=st.booleans(),
       before=st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=30),
       after=st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=30),
       space=st.booleans())
def test_any_valid_identity_number_in_text_is_found(born, individual, d, before, after, space):
    number = _valid_numbers(born, individual, d)
    if number is None:
        return  # this individual number is not in use for that birth year
    written = f"{number[:6]} {number[6:]}" if space else number
    assert contains_national_id(f"{before} {written} {after}")


@given(st.text(alphabet="0123456789 -.\t", min_size=0, max_size=40))
def test_text_is_flagged_only_when_its_digits_hold_a_number_to_refuse(text):
    digits = "".join(ch for ch in text if ch.isdigit())
    windows = {digits[i:i + 11] for i in range(max(0, len(digits) - 10))}
    if contains_national_id(text):
        assert any(is_national_id(w) for w in windows)


@given(born=st.dates(date(1940, 1, 1), date(2039, 12, 31)), individual=st.integers(0, 999),
       cuts=st.sets(st.integers(1, 10), max_size=3),
       separator=st.text(alphabet=" .-\t\u00a0\u200b\u2060\u202e", min_size=1, max_size=3))
def test_a_number_split_anywhere_by_spaces_dots_dashes_or_invisible_characters_is_found(born, individual, cuts,
                                                                                         separator):
    number = _valid_numbers(born, individual, False)
    if number is None:
        return
    edges = [0, *sorted(cuts), 11]
    written = separator.join(number[a:b] for a, b in pairwise(edges))
    assert contains_national_id(f"Gjelder {written}.")


@pytest.mark.parametrize("written", [
    "170388 470 07", "17.03.88 47007", "170388\t47007", "170388  47007", "170388\u200b47007",
    "1703\u200b8847007", "\uff11\uff17\uff10\uff13\uff18\uff18\uff14\uff17\uff10\uff10\uff17",  # full-width
    "170388 - 470 07", "17-03-88-470-07", "\u202e17038847007",
])
def test_national_ids_written_other_ways_are_found(written):
    assert contains_national_id(f"Brukeren ({written}) fikk feil brev")


def test_the_2032_rule_refuses_a_birth_date_whose_second_check_digit_holds():
    """From 2032 the tenth digit is no longer a check digit: only the date and the eleventh decide."""
    freed = "17038847104"  # 17.03.88, first check digit «wrong» (9 today), second check digit right
    assert not fodselsnummer.is_valid(freed)
    assert contains_national_id(f"Gjelder {freed}")
    assert contains_national_id("Gjelder 170388 47104")
    assert not contains_national_id("Gjelder 17038847105")  # second check digit wrong too
    assert not contains_national_id("Gjelder 32138847104")  # no such date


def test_other_numbers_are_not_identity_numbers():
    assert not contains_national_id("Telefon 98765432, saksnummer 2026/12345, konto 1234.56.78901")
    assert not contains_national_id("Sak 2026-0001, 12 345 678, 170388470071")  # twelve digits in one group


def test_bidi_controls_are_stripped_from_text():
    assert without_bidi_controls("a\u202eb\u2066c\u2069d\u202a") == "abcd"


# --- states ----------------------------------------------------------------------------------

def test_the_state_machine_of_design_md():
    assert next_state(State.REGISTERED, Command.ASSESS_WITH_ACTIONS) is State.ACTIONS_ONGOING
    assert next_state(State.REGISTERED, Command.ASSESS_WITHOUT_ACTIONS) is State.READY_TO_CLOSE
    assert next_state(State.ACTIONS_ONGOING, Command.ACTIONS_FINISHED) is State.READY_TO_CLOSE
    assert next_state(State.FORWARDED, Command.CONFIRM_EXTERNAL) is State.READY_TO_CLOSE
    assert next_state(State.READY_TO_CLOSE, Command.CLOSE) is State.CLOSED
    assert next_state(State.CLOSED, Command.REOPEN) is State.REGISTERED
    assert commands_from(State.CLOSED) == [Command.REOPEN]


@pytest.mark.parametrize("state", [State.REGISTERED, State.FORWARDED, State.ACTIONS_ONGOING, State.CLOSED])
def test_only_a_case_ready_for_closure_closes(state):
    with pytest.raises(InvalidTransition):
        next_state(state, Command.CLOSE)
    with pytest.raises(ClosureNotAllowed):
        check_closure(state, Severity.LOW, [], ClosureRequest(feedback="Rutinen er endret."))


def test_closure_needs_feedback_finished_actions_and_for_high_severity_a_decision():
    ok = ClosureRequest(feedback="Rutinen er endret.")
    check_closure(State.READY_TO_CLOSE, Severity.LOW, [ActionState.DONE, ActionState.DROPPED], ok)
    with pytest.raises(ClosureNotAllowed, match="closure_open_actions"):
        check_closure(State.READY_TO_CLOSE, Severity.LOW, [ActionState.OPEN], ok)
    with pytest.raises(ClosureNotAllowed, match="closure_needs_feedback"):
        check_closure(State.READY_TO_CLOSE, Severity.LOW, [], ClosureRequest(feedback="  "))
    with pytest.raises(ClosureNotAllowed, match="closure_needs_decision"):
        check_closure(State.READY_TO_CLOSE, Severity.HIGH, [], ok)
    check_closure(State.READY_TO_CLOSE, Severity.HIGH, [],
                  ClosureRequest(feedback="Ny rutine.", decision_date=date(2026, 11, 20), decision_reference="LG-12"))


def test_reference_format():
    assert format_reference(2026, 42) == "AVV-2026-0042"
