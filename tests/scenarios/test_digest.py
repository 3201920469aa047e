"""The office channel hears, once a week, what was done with the deviations it reported and what
was learnt: each closure once, never who reported it or whom it concerned."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.digest import scheduled_digest
from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers import ids
from tests.support import seeding
from tests.support.flows import posted_to, text_of

OSLO = ZoneInfo("Europe/Oslo")
OFFICE = "lillehammer-gausdal"
OFFICE_CHANNEL = "C0OFFICE"


def oslo(day: date, hour: int = 13, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


def digest_job_every_workday(bot, clock, first: date, last: date, hour: int = 13) -> None:
    """The digest job fires at the office's digest hour each workday; it posts on the digest weekday."""
    day = first
    while day <= last:
        clock.set(oslo(day, hour))
        scheduled_digest(bot.services, OFFICE)
        day += timedelta(days=1)


def digests(fake) -> list[str]:
    return [text_of(p) for p in posted_to(fake, OFFICE_CHANNEL)]


def test_each_closure_is_told_in_exactly_one_digest_across_several_weeks(bot, db, clock):
    w48 = date(2026, 11, 23)  # Monday of week 48; the digest goes out on Fridays at 13:00

    def day(n: int) -> date:
        return w48 + timedelta(days=n)

    a = seeding.add_deviation(db, oslo(w48, 9), reporter="U0STAFF1", title="Vedtak uten begrunnelse")
    b = seeding.add_deviation(db, oslo(w48, 10), reporter="U0STAFF2", title="Brev til Kari Nordmann", severity="hoy")
    c = seeding.add_deviation(db, oslo(w48, 11), reporter=None, category="forvaltningsrett", title="Anonym sak")
    d = seeding.add_deviation(db, oslo(w48, 12), reporter="U0STAFF3", kind="observasjon", title="Ny rutine")
    seeding.add_deviation(db, oslo(w48, 12), reporter="U0STAFF4", title="Fortsatt åpen")

    seeding.close(db, a, oslo(day(1)), feedback="Vi har laget en sjekkliste for vedtaksbrev.",
                  lesson="Sjekklister virker.")
    digest_job_every_workday(bot, clock, day(0), day(4))
    # Closed on Friday half an hour after the digest went out: next week's digest tells it.
    seeding.close(db, b, oslo(day(4), 13, 30), feedback="Ledergruppa behandlet saken.")

    digest_job_every_workday(bot, clock, day(7), day(8))
    seeding.close(db, c, oslo(day(9), 10), feedback="Rutinen for partsinnsyn er oppdatert.")
    seeding.close(db, d, oslo(day(10), 10), feedback="Forslaget er innført.")
    digest_job_every_workday(bot, clock, day(9), day(11))

    # Reopened in week 50 and closed again: a second closure, told once more with its new feedback.
    seeding.move(db, d, "registrert", oslo(day(14), 9))
    seeding.close(db, d, oslo(day(16), 10), feedback="Rutinen er justert etter innspill.")
    digest_job_every_workday(bot, clock, day(14), day(4 * 7 - 1))

    posts = digests(bot.fake)
    assert [p.split("\n")[1] for p in posts] == [
        "Tilbakemelding til kontoret · uke 48",
        "Tilbakemelding til kontoret · uke 49",
        "Tilbakemelding til kontoret · uke 50",
    ]  # week 51: nothing closed, nothing reported, no post
    for feedback in ("Vi har laget en sjekkliste for vedtaksbrev.", "Ledergruppa behandlet saken.",
                     "Rutinen for partsinnsyn er oppdatert.", "Forslaget er innført.",
                     "Rutinen er justert etter innspill."):
        assert sum(feedback in post for post in posts) == 1, feedback
    assert "*Lokale rutiner* · Brudd · AVV-2026-0001" in posts[0]
    assert "*Hva vi lærte:* Sjekklister virker." in posts[0]
    assert "Meldt: *5* · Lukket: *1* · Åpne nå: *4*" in posts[0]
    assert "Meldt: *0* · Lukket: *3* · Åpne nå: *1*" in posts[1]
    assert "*Forvaltningsrettslige prinsipper*" in posts[1]
    assert "Meldt: *0* · Lukket: *1* · Åpne nå: *1*" in posts[2]
    everything = "\n".join(posts)
    for secret in ("U0STAFF", "Kari Nordmann", "Vedtak uten begrunnelse", "Brev til bruker manglet"):
        assert secret not in everything


def test_closures_of_a_week_whose_friday_is_a_holiday_are_told_the_next_week(bot, db, clock):
    earlier = seeding.add_deviation(db, oslo(date(2026, 3, 23), 9))
    seeding.close(db, earlier, oslo(date(2026, 3, 24), 9), feedback="Rutinen er oppdatert.")
    digest_job_every_workday(bot, clock, date(2026, 3, 23), date(2026, 3, 27))
    assert len(digests(bot.fake)) == 1
    # Easter 2026: Thursday 2 and Friday 3 April are holidays, so week 14 has no digest day.
    deviation = seeding.add_deviation(db, oslo(date(2026, 3, 30), 9))
    seeding.close(db, deviation, oslo(date(2026, 3, 31), 9), feedback="Tatt opp på personalmøtet.")
    digest_job_every_workday(bot, clock, date(2026, 3, 30), date(2026, 4, 9))
    assert len(digests(bot.fake)) == 1
    digest_job_every_workday(bot, clock, date(2026, 4, 10), date(2026, 4, 10))
    post = digests(bot.fake)[-1]
    assert "Tatt opp på personalmøtet." in post and "uke 15" in post
    assert "Rutinen er oppdatert." not in post


def test_a_week_with_nothing_to_report_posts_nothing(bot, db, clock):
    seeding.add_deviation(db, oslo(date(2026, 11, 2), 9))  # long open, nothing new
    digest_job_every_workday(bot, clock, date(2026, 11, 23), date(2026, 11, 27))
    assert digests(bot.fake) == []


class TestAnOfficeThatAsksForAShortDigestInAQuietWeek:
    @pytest.fixture
    def office_config(self, tmp_path: Path) -> Path:
        path = tmp_path / "office.toml"
        path.write_text(EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8").replace(
            "post_empty_digest = false", "post_empty_digest = true"), encoding="utf-8")
        return path

    def test_gets_one(self, bot, db, clock):
        seeding.add_deviation(db, oslo(date(2026, 11, 2), 9))
        digest_job_every_workday(bot, clock, date(2026, 11, 23), date(2026, 11, 27))
        [post] = digests(bot.fake)
        assert "Ingen avvik ble lukket siden forrige tilbakemelding." in post
        assert "Meldt: *0* · Lukket: *0* · Åpne nå: *1*" in post


def test_a_major_closure_told_at_once_is_counted_but_not_told_again(bot, clock):
    """DESIGN.md: a `hoy` case's feedback «is posted to the office channel at once instead of
    waiting for the digest»; the week's digest counts it, and tells only the other closures."""
    from tests.support.leader_flows import NO_ACTION, assess, press, submit
    from tests.support.leader_flows import report as report_deviation

    monday = date(2026, 11, 23)
    clock.set(oslo(monday, 9))
    major, minor = report_deviation(bot, severity="hoy"), report_deviation(bot)
    major_feedback, minor_feedback = "Ledergruppa har endret rutinen for brev.", "Skjemaet er rettet."
    for deviation, answers in ((major, {"feedback": major_feedback, "decision_date": "2026-11-23",
                                        "decision_reference": "LG 47/2026"}), (minor, {"feedback": minor_feedback})):
        assert assess(bot, deviation.id, NO_ACTION) is None
        assert submit(bot, press(bot, ids.CLOSE, deviation.id), answers) is None
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == OFFICE_CHANNEL)

    digest_job_every_workday(bot, clock, monday, monday + timedelta(days=4))

    at_once, digest = digests(bot.fake)
    assert major_feedback in at_once and minor_feedback not in at_once
    assert minor_feedback in digest and major_feedback not in digest and major.reference not in digest
    assert "Meldt: *2* · Lukket: *2*" in digest
    assert "Større avvik lukket i tillegg: 1" in digest


def test_a_week_whose_only_closure_was_told_at_once_says_so(bot, clock):
    from tests.support.leader_flows import NO_ACTION, assess, press, submit
    from tests.support.leader_flows import report as report_deviation

    monday = date(2026, 11, 23)
    clock.set(oslo(monday, 9))
    major = report_deviation(bot, severity="hoy")
    assert assess(bot, major.id, NO_ACTION) is None
    assert submit(bot, press(bot, ids.CLOSE, major.id), {"feedback": "Rutinen er endret.", "decision_date":
                                                          "2026-11-23", "decision_reference": "LG 47/2026"}) is None
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == OFFICE_CHANNEL)

    digest_job_every_workday(bot, clock, monday, monday + timedelta(days=4))

    at_once, digest = digests(bot.fake)
    assert "Rutinen er endret." in at_once and "Rutinen er endret." not in digest
    assert "Meldt: *1* · Lukket: *1*" in digest
    assert "Større avvik lukket siden forrige tilbakemelding: 1." in digest


# --- «told once» where two digest windows overlap ------------------------------------------------
# The next digest looks one day further back than the last one reached (DIGEST_OVERLAP), so a
# closure in that day is seen by two digests: only the record of which closures a digest told keeps
# the office from hearing it twice.


def test_a_closure_on_the_day_before_the_digest_is_told_once_though_the_next_window_sees_it(bot, db, clock):
    thursday = date(2026, 11, 26)  # week 48; the digest goes out on Friday 27 November at 13:00
    told_twice_risk = seeding.add_deviation(db, oslo(thursday - timedelta(days=3), 9))
    seeding.close(db, told_twice_risk, oslo(thursday, 15), feedback="Rutinen for brev er oppdatert.")
    digest_job_every_workday(bot, clock, thursday, thursday + timedelta(days=1))

    later = seeding.add_deviation(db, oslo(date(2026, 11, 30), 9))
    seeding.close(db, later, oslo(date(2026, 12, 1), 10), feedback="Skjemaet er rettet.")
    digest_job_every_workday(bot, clock, date(2026, 11, 30), date(2026, 12, 4))

    first, second = digests(bot.fake)
    assert "Rutinen for brev er oppdatert." in first
    assert "Skjemaet er rettet." in second and "Rutinen for brev er oppdatert." not in second


def test_a_missed_digest_day_caught_up_with_at_tells_each_closure_once(bot, db, clock, tmp_path):
    """The scheduler was down on Friday 4 December; on Monday the operator runs the missed digest
    with `avvik-bot digest --at 2026-12-04T13:00`, and the next Friday's digest runs as usual."""
    from tests.support.servers import run_cli

    week48_thursday, week49_thursday = date(2026, 11, 26), date(2026, 12, 3)
    first = seeding.add_deviation(db, oslo(week48_thursday, 9))
    seeding.close(db, first, oslo(week48_thursday, 15), feedback="Sjekklisten er tatt i bruk.")
    digest_job_every_workday(bot, clock, week48_thursday, week48_thursday + timedelta(days=1))

    second = seeding.add_deviation(db, oslo(week49_thursday, 9))
    seeding.close(db, second, oslo(week49_thursday, 15), feedback="Partsinnsyn gis nå med en gang.")
    clock.set(oslo(date(2026, 12, 7), 9))  # Monday: the Friday digest never ran
    caught_up = run_cli(bot.fake, bot.services.db.url, tmp_path, "digest", "--at", "2026-12-04T13:00")
    assert caught_up.returncode == 0, caught_up.stderr
    bot.fake.wait_for("chat.postMessage", where=lambda c: "Partsinnsyn gis nå med en gang." in text_of(c.params))

    digest_job_every_workday(bot, clock, date(2026, 12, 7), date(2026, 12, 11))

    posts = digests(bot.fake)
    for feedback in ("Sjekklisten er tatt i bruk.", "Partsinnsyn gis nå med en gang."):
        assert sum(feedback in post for post in posts) == 1, feedback
    assert len(posts) == 2  # week 50: nothing new closed or reported, no post
