"""The scheduler reminds leaders, owners and reporters, escalates, and sums up the week for the
leaders: on a controlled clock, through the jobs the scheduler runs, as Slack receives it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ButtonElement
from sqlalchemy import select

from bot.reminders.jobs import scheduled_nudges
from bot.scheduler import WorkdayTrigger, create_scheduler
from store.models import Deviation, LedgerEntry, NudgeEntry
from tests.support import seeding
from tests.support.flows import posted_to, register, text_of

OSLO = ZoneInfo("Europe/Oslo")
OFFICE = "lillehammer-gausdal"
LEADER_CHANNEL = "C0LEADERS"


def oslo(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


def morning(bot, clock, day: date, hour: int = 9) -> None:
    """The reminder job fires (as APScheduler would at the office's nudge hour)."""
    clock.set(oslo(day, hour))
    scheduled_nudges(bot.services, OFFICE)


def every_workday_morning(bot, clock, first: date, last: date) -> None:
    day = first
    while day <= last:
        morning(bot, clock, day)
        day += timedelta(days=1)


def reminders_to(fake, user: str) -> list[dict]:
    return [p for p in posted_to(fake, user) if "Påminnelser om avvik" in text_of(p)]


def escalations(fake) -> list[dict]:
    return [p for p in posted_to(fake, LEADER_CHANNEL) if "uten å komme videre" in text_of(p)]


def summaries(fake) -> list[dict]:
    return [p for p in posted_to(fake, LEADER_CHANNEL) if "Avvik denne uken" in text_of(p)]


def reported_deviation(bot, **answers) -> int:
    register(bot, **answers)
    bot.fake.settle(quiet=0.1)
    with bot.services.db.transaction() as session:
        return session.scalars(select(Deviation.id).order_by(Deviation.id.desc())).first()


# --- each rule --------------------------------------------------------------------------------

def test_leaders_are_reminded_of_an_unassessed_case_two_workdays_after_it_was_reported(bot, clock):
    reported_deviation(bot)  # Monday 23 November, 09:00
    morning(bot, clock, date(2026, 11, 24))
    assert reminders_to(bot.fake, "U0LEADER1") == []

    morning(bot, clock, date(2026, 11, 25))
    for leader in ("U0LEADER1", "U0LEADER2"):
        [dm] = reminders_to(bot.fake, leader)
        assert "AVV-2026-0001" in text_of(dm)
        assert "Ikke vurdert ennå (2 virkedager)" in text_of(dm)


def test_once_there_is_a_responsible_leader_only_they_are_reminded(bot, db, clock):
    deviation_id = reported_deviation(bot)
    with db.transaction() as session:
        session.get(Deviation, deviation_id).responsible_leader = "U0LEADER2"
    morning(bot, clock, date(2026, 11, 25))
    assert len(reminders_to(bot.fake, "U0LEADER2")) == 1
    assert reminders_to(bot.fake, "U0LEADER1") == []


def test_an_overdue_action_reminds_its_owner_and_three_workdays_later_the_responsible_leader(bot, db, clock):
    deviation_id = seeding.add_deviation(db, oslo(date(2026, 11, 16)), state="tiltak_pagar",
                                         responsible_leader="U0LEADER2")
    seeding.add_action(db, deviation_id, "U0OWNER1", date(2026, 11, 20), oslo(date(2026, 11, 16)),
                       description="Lag sjekkliste for vedtaksbrev")

    morning(bot, clock, date(2026, 11, 23))  # the first workday after the due date
    [dm] = reminders_to(bot.fake, "U0OWNER1")
    assert "«Lag sjekkliste for vedtaksbrev» hadde frist 20.11.2026" in text_of(dm)
    assert reminders_to(bot.fake, "U0LEADER2") == []

    every_workday_morning(bot, clock, date(2026, 11, 24), date(2026, 11, 25))
    assert reminders_to(bot.fake, "U0LEADER2") == []
    morning(bot, clock, date(2026, 11, 26))
    [dm] = reminders_to(bot.fake, "U0LEADER2")
    assert "(<@U0OWNER1>) hadde frist 20.11.2026 og er ikke utført (4 virkedager over fristen)" in text_of(dm)


def test_a_case_ready_to_close_for_three_workdays_reminds_its_responsible_leader(bot, db, clock):
    seeding.add_deviation(db, oslo(date(2026, 11, 23), 8), state="klar_for_lukking", responsible_leader="U0LEADER1")
    every_workday_morning(bot, clock, date(2026, 11, 23), date(2026, 11, 25))
    assert reminders_to(bot.fake, "U0LEADER1") == []
    morning(bot, clock, date(2026, 11, 26))
    [dm] = reminders_to(bot.fake, "U0LEADER1")
    assert "Har vært klar for lukking i 3 virkedager" in text_of(dm)
    assert reminders_to(bot.fake, "U0LEADER2") == []


def test_the_reporter_is_asked_for_the_external_reference_but_an_anonymous_reporter_never_is(bot, db, clock):
    reported_deviation(bot, user="U0STAFF1", category="informasjonssikkerhet")
    reported_deviation(bot, user="U0STAFF2", category="sosialtjenesteloven", anonymous=["anonymous"])
    morning(bot, clock, date(2026, 11, 25))

    [dm] = reminders_to(bot.fake, "U0STAFF1")
    assert "skal også meldes i ASYS" in text_of(dm)
    assert "Logg inn via applikasjonen Porten" in text_of(dm)
    assert reminders_to(bot.fake, "U0STAFF2") == []
    # Nobody else is reminded about the anonymous case either: its reporter is stored nowhere.
    with db.transaction() as session:
        assert [n.recipient for n in session.scalars(select(NudgeEntry))] == ["U0STAFF1"]


# --- one message per person, buttons, escalation ---------------------------------------------------

def test_one_direct_message_gathers_a_persons_reminders_with_each_cases_buttons(bot, db, clock, monkeypatch):
    # The leader workflow fills card_buttons(); the reminders carry whatever the card carries.
    monkeypatch.setattr("handlers.reminders.senders.card_buttons", lambda deviation, office: [
        ButtonElement(text="Vurder", action_id="vurder", value=str(deviation.id))])
    first = reported_deviation(bot, view_id="V1")
    second = reported_deviation(bot, view_id="V2")
    ongoing = seeding.add_deviation(db, oslo(date(2026, 11, 16)), state="tiltak_pagar", responsible_leader="U0LEADER1")
    seeding.add_action(db, ongoing, "U0OWNER1", date(2026, 11, 18), oslo(date(2026, 11, 16)))

    morning(bot, clock, date(2026, 11, 25))

    [dm] = reminders_to(bot.fake, "U0LEADER1")
    text = text_of(dm)
    assert all(ref in text for ref in ("AVV-2026-0001", "AVV-2026-0002", "AVV-2026-0003"))
    buttons = {b["block_id"]: b["elements"] for b in dm["blocks"] if b["type"] == "actions"}
    assert set(buttons) == {f"card:{first}", f"card:{second}", f"card:{ongoing}"}
    assert buttons[f"card:{first}"][0]["value"] == str(first)
    # An owner is asked to do their action, not given the leaders' buttons.
    [owner_dm] = reminders_to(bot.fake, "U0OWNER1")
    assert not [b for b in owner_dm["blocks"] if b["type"] == "actions"]


def test_a_stalled_case_is_escalated_to_the_leader_channel_after_three_reminders(bot, db, clock):
    deviation_id = reported_deviation(bot)
    every_workday_morning(bot, clock, date(2026, 11, 24), date(2026, 12, 2))
    assert len(reminders_to(bot.fake, "U0LEADER1")) == 3  # 25 Nov, 27 Nov, 1 Dec
    assert escalations(bot.fake) == []

    every_workday_morning(bot, clock, date(2026, 12, 3), date(2026, 12, 8))
    [escalation] = escalations(bot.fake)
    assert "*AVV-2026-0001*" in text_of(escalation)
    assert "har fått 3 påminnelser uten å komme videre" in text_of(escalation)

    seeding.move(db, deviation_id, "tiltak_pagar", oslo(date(2026, 12, 8), 11))  # assessed at last
    every_workday_morning(bot, clock, date(2026, 12, 9), date(2026, 12, 18))
    assert len(escalations(bot.fake)) == 1


def test_nobody_gets_the_same_reminder_twice_however_often_the_job_runs(bot, clock):
    reported_deviation(bot)
    for hour in (9, 9, 10, 14):
        morning(bot, clock, date(2026, 11, 25), hour)
    morning(bot, clock, date(2026, 11, 26))  # still the same round: next one is on Friday
    assert len(reminders_to(bot.fake, "U0LEADER1")) == 1
    morning(bot, clock, date(2026, 11, 27))
    assert len(reminders_to(bot.fake, "U0LEADER1")) == 2


def test_no_reminders_on_weekends_or_public_holidays(bot, db, clock):
    seeding.add_deviation(db, oslo(date(2026, 12, 16)), responsible_leader="U0LEADER1")
    for day in (date(2026, 12, 19), date(2026, 12, 20), date(2026, 12, 25), date(2026, 12, 26)):
        morning(bot, clock, day)
    assert bot.fake.of("chat.postMessage") == []
    morning(bot, clock, date(2026, 12, 28))
    assert len(reminders_to(bot.fake, "U0LEADER1")) == 1


# --- exactly once, failures, rate limits ---------------------------------------------------------

def test_a_reminder_that_failed_to_send_goes_out_once_on_the_next_run(bot, db, clock):
    deviation_id = reported_deviation(bot)
    with db.transaction() as session:
        session.get(Deviation, deviation_id).responsible_leader = "U0LEADER2"
    bot.fake.fail("chat.postMessage", error="service_unavailable")
    morning(bot, clock, date(2026, 11, 25))
    assert reminders_to(bot.fake, "U0LEADER2") == []

    morning(bot, clock, date(2026, 11, 26))
    [dm] = reminders_to(bot.fake, "U0LEADER2")
    assert "AVV-2026-0001" in text_of(dm)
    attempts = bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == "U0LEADER2", failed=True)
    assert len(attempts) == 2
    morning(bot, clock, date(2026, 11, 26), 15)
    assert len(reminders_to(bot.fake, "U0LEADER2")) == 1


def test_slack_rate_limits_are_waited_out_and_the_reminder_sent_once(bot, db, clock):
    deviation_id = reported_deviation(bot)
    with db.transaction() as session:
        session.get(Deviation, deviation_id).responsible_leader = "U0LEADER2"
    bot.fake.fail("chat.postMessage", status=429, retry_after=1)
    morning(bot, clock, date(2026, 11, 25))
    assert len(reminders_to(bot.fake, "U0LEADER2")) == 1
    limited = [c for c in bot.fake.of("chat.postMessage", failed=True) if not c.ok]
    assert len(limited) == 1


def test_a_reminder_about_a_case_assessed_meanwhile_is_not_sent(bot, db, clock):
    deviation_id = reported_deviation(bot)
    with db.transaction() as session:
        session.get(Deviation, deviation_id).responsible_leader = "U0LEADER2"
    bot.fake.fail("chat.postMessage", error="service_unavailable")
    morning(bot, clock, date(2026, 11, 25))
    seeding.move(db, deviation_id, "tiltak_pagar", oslo(date(2026, 11, 25), 10))

    morning(bot, clock, date(2026, 11, 26))
    assert reminders_to(bot.fake, "U0LEADER2") == []
    with db.transaction() as session:
        assert {e.status for e in session.scalars(select(LedgerEntry).where(LedgerEntry.what == "nudges"))} == {
            "sent"}


# --- the leaders' weekly summary ---------------------------------------------------------------

def test_the_leaders_get_a_weekly_summary_on_monday_once(bot, db, clock):
    seeding.add_deviation(db, oslo(date(2026, 11, 25)), title="Manglende journalføring")
    ongoing = seeding.add_deviation(db, oslo(date(2026, 11, 2)), state="tiltak_pagar", responsible_leader="U0LEADER1",
                               title="Feil i vedtak")
    seeding.add_action(db, ongoing, "U0OWNER1", date(2026, 11, 20), oslo(date(2026, 11, 2)),
                       description="Gjennomgå rutinen")
    seeding.add_action(db, ongoing, "U0OWNER2", date(2026, 12, 20), oslo(date(2026, 11, 2)),
                       description="Opplæring")
    seeding.add_deviation(db, oslo(date(2026, 11, 3)), state="klar_for_lukking", responsible_leader="U0LEADER2",
                     title="Brev til feil adresse")
    closed = seeding.add_deviation(db, oslo(date(2026, 11, 4)), title="Gammel sak")
    seeding.close(db, closed, oslo(date(2026, 11, 10)), feedback="Ordnet.")

    for hour in (9, 12):
        morning(bot, clock, date(2026, 11, 30), hour)
    morning(bot, clock, date(2026, 12, 1))

    [summary] = summaries(bot.fake)
    text = text_of(summary)
    assert "Nye siste uke (1)" in text and "AVV-2026-0001 · Manglende journalføring" in text
    assert "Ikke vurdert (1)" in text
    assert "Tiltak over fristen (1)" in text and "«Gjennomgå rutinen» · <@U0OWNER1> · frist 20.11.2026" in text
    assert "Opplæring" not in text
    assert "Klar for lukking (1)" in text and "Brev til feil adresse" in text
    assert "Gammel sak" not in text
    assert "uke 49" in text

    morning(bot, clock, date(2026, 12, 7))
    assert len(summaries(bot.fake)) == 2


def test_the_scheduler_has_the_reminder_and_digest_jobs_on_workdays_in_oslo(bot):
    scheduler = create_scheduler(bot.services)
    jobs_by_id = {job.id: job for job in scheduler.get_jobs()}
    assert {"deliver_ledger", f"nudges:{OFFICE}", f"digest:{OFFICE}"} <= set(jobs_by_id)
    trigger = jobs_by_id[f"digest:{OFFICE}"].trigger
    assert isinstance(trigger, WorkdayTrigger)
    # Digest at 13:00 on workdays: from Maundy Thursday 2026, the next is the Tuesday after Easter.
    fire = trigger.get_next_fire_time(None, oslo(date(2026, 4, 1), 14))
    assert fire == oslo(date(2026, 4, 7), 13)
