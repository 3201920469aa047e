"""Issue 22: the leaders' other lists of open cases follow the same order as `/avvik oversikt` — the highest
risk (sannsynlighet × konsekvens) first, then the oldest, «ikke vurdert» after: the escalation post in the
leader channel, and the weekly summary's cases waiting for an anonymous reporter."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.reminders.jobs import scheduled_nudges
from store import dialogue as dialogue_store
from tests.scenarios.test_risk import order_of, score
from tests.support import seeding
from tests.support.flows import posted_to, text_of
from tests.support.leader_flows import LEADER, LEADER_CHANNEL

OSLO = ZoneInfo("Europe/Oslo")
OFFICE = "lillehammer-gausdal"


def oslo(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)


def mornings(bot, clock, first: date, last: date) -> None:
    day = first
    while day <= last:
        clock.set(oslo(day))
        scheduled_nudges(bot.services, OFFICE)
        day += timedelta(days=1)
    bot.services.messenger.wait_idle()


def test_the_escalation_post_lists_its_cases_by_risk_then_age(bot, db, clock):
    # Five cases ready to close since the same morning, the oldest first: none is closed, so all five are
    # escalated in the same run.
    made = {}
    for hour, title, risk in ((8, "Klar uten risiko", None), (9, "Klar grønn", (1, 3)), (10, "Klar rød A", (5, 4)),
                              (11, "Klar gul", (2, 3)), (12, "Klar rød B", (4, 5))):
        made[title] = seeding.add_deviation(db, oslo(date(2026, 11, 23), hour), state="klar_for_lukking",
                                            responsible_leader=LEADER, title=title)
        if risk:
            score(db, made[title], *risk, ["annet"])

    mornings(bot, clock, date(2026, 11, 24), date(2026, 12, 8))  # three reminders, then the escalation

    [post] = [p for p in posted_to(bot.fake, LEADER_CHANNEL) if "uten å komme videre" in text_of(p)]
    shown = text_of(post)
    assert "5 avvik har stått stille" in shown
    expected = ["Klar rød A", "Klar rød B", "Klar gul", "Klar grønn", "Klar uten risiko"]
    assert order_of(shown, *expected) == sorted(order_of(shown, *expected)), shown
    assert ":warning: :red_circle: 20 · *AVV-2026-0003* · Klar rød A" in shown
    assert ":warning: *AVV-2026-0001* · Klar uten risiko" in shown  # no colour while «ikke vurdert»
    # Each case's buttons stay with it, in the same order.
    rows = [b["block_id"] for b in post["blocks"] if b["type"] == "actions"]
    assert rows == [f"card:{made[title]}" for title in expected]


def test_the_weekly_summary_lists_the_cases_waiting_for_their_anonymous_reporter_by_risk_then_age(bot, db, clock):
    asked = {}
    for day, title, risk in ((2, "Anonym grønn eldst", (2, 2)), (3, "Anonym uten risiko", None),
                             (4, "Anonym rød", (4, 4)), (5, "Anonym gul", (3, 2))):
        asked[title] = seeding.add_deviation(db, oslo(date(2026, 11, day)), state="tiltak_pagar", reporter=None,
                                             responsible_leader=LEADER, title=title)
        if risk:
            score(db, asked[title], *risk, ["annet"])
        with db.transaction() as session:  # «Spør melderen»: a leader's question, not answered yet
            dialogue_store.add_message(session, asked[title], "leder", "Hvilken dato gjaldt det?",
                                       oslo(date(2026, 11, day), 12), leader_id=LEADER)
    # Reported anonymously in ASYS on the 1st, its reference not in: waiting too, never assessed.
    seeding.add_deviation(db, oslo(date(2026, 11, 1)), destination="asys", state="videresendt", reporter=None,
                          category="informasjonssikkerhet", title="Anonym i ASYS")

    mornings(bot, clock, date(2026, 11, 30), date(2026, 11, 30))  # a Monday: the weekly summary

    [summary] = [p for p in posted_to(bot.fake, LEADER_CHANNEL) if "Avvik denne uken" in text_of(p)]
    waiting = text_of(summary).split("Venter på en anonym melder (5)")[1]
    expected = ["Anonym rød", "Anonym gul", "Anonym grønn eldst", "Anonym i ASYS", "Anonym uten risiko"]
    assert order_of(waiting, *expected) == sorted(order_of(waiting, *expected)), waiting
    assert "• :red_circle: 16 · *AVV-2026-0003* · Anonym rød — _" in waiting
