"""Counts read as Norwegian does (CLDR plural rules through Babel): «1 påminnelse», «2 påminnelser»,
«1 dag over fristen», «3 dager over fristen»; never a hand-written «påminnelse(r)»."""

from __future__ import annotations

from datetime import date

from bot.i18n import catalogue, t_count
from tests.scenarios.test_scheduler import morning, oslo, reminders_to
from tests.support import seeding


def test_one_reminder_and_two_reminders_read_right_in_the_dm(bot, db, clock):
    first = seeding.add_deviation(db, oslo(date(2026, 11, 16)), state="tiltak_pagar", responsible_leader="U0LEADER2")
    seeding.add_action(db, first, "U0OWNER1", date(2026, 11, 20), oslo(date(2026, 11, 16)))
    morning(bot, clock, date(2026, 11, 23))
    [dm] = reminders_to(bot.fake, "U0OWNER1")
    assert dm["text"] == "Du har 1 påminnelse om avvik som venter på deg."

    second = seeding.add_deviation(db, oslo(date(2026, 11, 16)), state="tiltak_pagar", responsible_leader="U0LEADER2")
    seeding.add_action(db, second, "U0OWNER2", date(2026, 11, 20), oslo(date(2026, 11, 16)))
    seeding.add_action(db, first, "U0OWNER2", date(2026, 11, 20), oslo(date(2026, 11, 16)))
    morning(bot, clock, date(2026, 11, 24))
    [dm] = reminders_to(bot.fake, "U0OWNER2")
    assert dm["text"] == "Du har 2 påminnelser om avvik som venter på deg."


def test_counts_choose_their_form_by_the_locales_plural_rules():
    assert [t_count("report.overdue.days", "nb", n) for n in (0, 1, 2, 21)] == [
        "0 dager over fristen", "1 dag over fristen", "2 dager over fristen", "21 dager over fristen"]
    assert t_count("report.overdue.days", "en", 1) == "1 day overdue"


# The seed's own words, quoted as written (seed 000: «avviksmelding(er)», «avvik(ene)»), and their translation.
SEED_QUOTES = ("learning.discussion.", "learning.help.promises")


def test_no_text_writes_a_plural_by_hand():
    hand_written = [key for key, texts in catalogue().items() for text in texts.values()
                    if ("(r)" in text or "(er)" in text or "(s)" in text) and not key.startswith(SEED_QUOTES)]
    assert hand_written == []
