"""The dialogue's rules (issue 20): what a case code looks like, how it is kept and checked, what a
case waits for from its anonymous reporter, and the throttle on wrong codes. No database, no Slack."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.dialogue import codes
from bot.dialogue.rules import ALPHABET, Author, Waiting, grouped, normalise, waiting_for
from bot.dialogue.throttle import CodeThrottle

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
KEY = codes.server_key("signing-secret")


def test_a_code_has_no_look_alikes_and_at_least_sixty_bits():
    import math

    assert not set("01ILO") & set(ALPHABET)
    code = codes.new_code()
    assert len(code) == 16 and set(code) <= set(ALPHABET)
    assert 16 * math.log2(len(ALPHABET)) >= 60
    assert len({codes.new_code() for _ in range(1000)}) == 1000


def test_a_code_is_read_as_people_type_it():
    assert normalise("k7qm 2xrd-h9tf 3wpa") == "K7QM2XRDH9TF3WPA"
    assert grouped("K7QM2XRDH9TF3WPA") == "K7QM-2XRD-H9TF-3WPA"
    assert normalise("K7QM-2XRD-H9TF-3WP") is None  # one short
    assert normalise("K7QM-2XRD-H9TF-3WP0") is None  # 0 is no symbol of ours


def test_only_a_salted_slow_hash_is_kept_and_it_checks_the_code():
    first, second = codes.hashed("K7QM2XRDH9TF3WPA"), codes.hashed("K7QM2XRDH9TF3WPA")
    assert first != second and first.startswith("scrypt$16384$8$1$")  # a salt of its own each time
    assert "K7QM2XRDH9TF3WPA" not in first
    assert codes.matches("K7QM2XRDH9TF3WPA", first) and not codes.matches("K7QM2XRDH9TF3WPB", first)
    assert not codes.matches("K7QM2XRDH9TF3WPA", "garbage")
    assert len(codes.lookup(KEY, "K7QM2XRDH9TF3WPA")) == codes.LOOKUP_CHARS
    assert codes.lookup(KEY, "K7QM2XRDH9TF3WPA") != codes.lookup(codes.server_key("other"), "K7QM2XRDH9TF3WPA")


def test_a_sealed_view_opens_its_case_until_it_expires_and_cannot_be_altered():
    sealed = codes.seal(KEY, 42, NOW)
    assert codes.unseal(KEY, sealed, NOW + timedelta(hours=1)) == 42
    assert codes.unseal(KEY, sealed, NOW + timedelta(hours=3)) is None
    assert codes.unseal(KEY, {**sealed, "case": 41}, NOW) is None
    assert codes.unseal(KEY, {**sealed, "until": sealed["until"] + 3600}, NOW) is None
    assert codes.unseal(codes.server_key("other"), sealed, NOW) is None
    assert codes.unseal(KEY, {}, NOW) is None


def test_a_code_never_reaches_a_log_line():
    record = logging.LogRecord("slack_bolt.App", logging.DEBUG, __file__, 1, "body: %s", ("```K7QM-2XRD-H9TF-3WPA```",),
                               None)
    assert codes.RedactCodes().filter(record)
    assert "K7QM" not in record.getMessage() and "[kode]" in record.getMessage()


def test_an_anonymous_case_waits_for_an_unanswered_question_or_a_missing_reference():
    asked, answered = [Author.LEADER], [Author.LEADER, Author.REPORTER]
    assert waiting_for(True, "registrert", None, asked) is Waiting.ANSWER
    assert waiting_for(True, "registrert", None, answered) is None
    assert waiting_for(True, "videresendt", None, answered) is Waiting.REFERENCE
    assert waiting_for(True, "videresendt", "ASYS-1", []) is None
    assert waiting_for(True, "lukket", None, asked) is None
    assert waiting_for(False, "videresendt", None, asked) is None  # a named reporter is reminded as ever


def test_the_throttle_holds_per_person_and_per_office_and_forgets_after_ten_minutes():
    throttle = CodeThrottle(per_requester=5, per_office=8)
    for _ in range(5):
        assert throttle.allows("kontor", "U1", NOW)
        throttle.wrong("kontor", "U1", NOW)
    assert not throttle.allows("kontor", "U1", NOW)
    assert throttle.allows("kontor", "U2", NOW)
    for _ in range(3):
        throttle.wrong("kontor", "U2", NOW)
    assert not throttle.allows("kontor", "U3", NOW)  # the office's ceiling
    assert throttle.allows("annet", "U1", NOW)
    assert throttle.allows("kontor", "U1", NOW + timedelta(minutes=10))
    assert "U1" not in repr(throttle.__dict__)  # who tried is kept only as a keyed hash
