"""Issue 21: a possible personal-data breach runs a 72-hour calendar clock from discovery to the
leaders' decision on notifying Datatilsynet (GDPR art. 33). On a controlled clock, through the
registration modal, the hourly job the scheduler runs, the card's button and modal, as Slack sees it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.breach.jobs import scheduled_breaches
from bot.reminders.jobs import scheduled_nudges
from store.models import Breach, Deviation, LedgerEntry
from tests.support.flows import ANSWERS, card_posted, choose_category, open_form, posted_to, text_of, wait_until

OSLO = ZoneInfo("Europe/Oslo")
OFFICE = "lillehammer-gausdal"
LEADERS, PRIVACY, STAFF = "C0LEADERS", "U0PRIVACY", "U0STAFF1"
FRIDAY = datetime(2026, 12, 4, 14, 30, tzinfo=OSLO)  # discovered: Friday 4 December 2026, 14:30
DEADLINE = "Frist for melding til Datatilsynet: mandag 07.12.2026 kl. 14.30 — 72 timer fra oppdagelse"

REPORTER_REMINDER = "meld det mulige bruddet på personopplysningssikkerheten i ASYS nå"
DECISION_REMINDER = "vurder om bruddet skal meldes til Datatilsynet"
ESCALATION = "timer igjen til fristen"


def report(bot, clock, discovered: datetime, answer: str = "ja", view_id: str = "VREG0001") -> dict:
    """The reporter picks «Data- og informasjonssikkerhet», answers the breach questions and submits."""
    clock.set(discovered + timedelta(minutes=10))
    updated = choose_category(bot, open_form(bot), "informasjonssikkerhet", view_id=view_id)["view"]
    response = bot.client.submit(updated, {**ANSWERS, "category": "informasjonssikkerhet", "breach_possible": answer,
                                           "occurred_on": discovered.date().isoformat(),
                                           "breach_kind": "konfidensialitet",
                                           "breach_discovered": int(discovered.timestamp())}, view_id=view_id)
    assert response.status == 200, response.body
    # What the submission sends goes out after its ack: wait for the card and the receipt DM, and for
    # a breach its two alerts (the leader channel and the privacy contact).
    wait_until(lambda: card_posted(bot, deviation_id(bot)))
    expected = {STAFF: "AVV-"} if answer == "nei" else {STAFF: "AVV-", LEADERS: "Mulig brudd", PRIVACY: "Mulig brudd"}
    for channel, marker in expected.items():
        bot.fake.wait_for("chat.postMessage", where=lambda c, ch=channel, m=marker: c.params.get("channel") == ch
                          and m in text_of(c.params))
    bot.services.messenger.wait_idle()
    return response.json()


def alert_in_leader_channel(bot) -> str:
    """The alert, sent after the submission's ack (waited for: the test machine may be busy)."""
    [call] = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == LEADERS
                               and "Mulig brudd" in text_of(c.params))
    return text_of(call.params)


def messages(fake, channel: str, marker: str) -> list[str]:
    return [text_of(p) for p in posted_to(fake, channel) if marker in text_of(p)]


def run_hourly(bot, clock, start: datetime, until: datetime, on_hour=None) -> dict[str, list[datetime]]:
    """The breach job at every full hour from `start` to `until` (both replicas' worth: twice each hour);
    returns, per recipient, the local times their breach messages arrived."""
    arrived: dict[str, list[datetime]] = {PRIVACY: [], STAFF: [], LEADERS: []}
    markers = {PRIVACY: DECISION_REMINDER, STAFF: REPORTER_REMINDER, LEADERS: ESCALATION}
    moment = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    while moment <= until:
        if on_hour:
            on_hour(moment.astimezone(OSLO))
        before = {who: len(messages(bot.fake, who, marker)) for who, marker in markers.items()}
        clock.set(moment)
        scheduled_breaches(bot.services, OFFICE)
        clock.set(moment + timedelta(minutes=1))
        scheduled_breaches(bot.services, OFFICE)  # a second replica an instant later: nothing twice
        for who, marker in markers.items():
            arrived[who] += [moment.astimezone(OSLO)] * (len(messages(bot.fake, who, marker)) - before[who])
        moment += timedelta(hours=1)
    return arrived


def deviation_id(bot) -> int:
    with bot.services.db.reading() as session:
        return session.scalars(select(Deviation.id).order_by(Deviation.id.desc())).first()


def add_asys_reference(bot, reference: str = "ASYS-2026-777") -> None:
    """The reporter presses «Jeg har meldt i ASYS» in the receipt DM and gives the reference."""
    receipt = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == STAFF)[0].params
    [(block_id, value)] = [(b["block_id"], e["value"]) for b in receipt["blocks"] for e in b.get("elements", [])
                           if e.get("action_id") == "reported_externally"]
    before = len(bot.fake.of("views.open"))
    bot.client.click("reported_externally", value=value, user=STAFF, extra={"block_id": block_id},
                     container={"type": "message", "message_ts": "1700000000.000009", "channel_id": "D0STAFF1"})
    form = bot.fake.wait_for("views.open", before + 1)[-1].params["view"]
    response = bot.client.submit(form, {"external_reference": reference}, user=STAFF, view_id="VREF0001")
    assert response.status == 200 and "errors" not in (response.json() or {}), response.body
    bot.services.messenger.wait_idle()


def record_decision(bot, answers: dict) -> dict | None:
    """A leader presses «Vurder melding til Datatilsynet» on the card and saves the modal."""
    before = len(bot.fake.of("views.open"))
    bot.client.click("breach_assess", value=str(deviation_id(bot)), user="U0LEADER1")
    modal = bot.fake.wait_for("views.open", before + 1)[-1].params["view"]
    assert modal["callback_id"] == "breach_assessment", text_of(modal)
    response = bot.client.submit(modal, answers, user="U0LEADER1", view_id="VBREACH1")
    assert response.status == 200, response.body
    bot.services.messenger.wait_idle()
    return response.json() if response.body else None


def card_now(bot) -> str:
    """The leader card as it reads now (its last chat.update, or the post)."""
    updates = bot.fake.of("chat.update", lambda c: c.params.get("channel") == LEADERS)
    if updates:
        return text_of(updates[-1].params)
    return text_of([p for p in posted_to(bot.fake, LEADERS) if "breach_assess" in str(p.get("blocks"))][-1])


def hours(times: list[datetime]) -> list[str]:
    return [f"{t:%a %H}" for t in times]


def test_a_friday_afternoon_breach_is_followed_hour_by_hour_through_the_weekend_until_the_decision(bot, clock):
    answer = report(bot, clock, FRIDAY)

    # The receipt says what to do now, and who has been told; the alert goes out at once.
    receipt = text_of(answer["view"])
    assert "Meld det i ASYS nå" in receipt and DEADLINE in receipt and "personvernkontakt" in receipt
    alert = alert_in_leader_channel(bot)
    assert DEADLINE in alert and "Oppdaget fredag 04.12.2026 kl. 14.30" in alert and f"<@{PRIVACY}>" in alert
    assert len(messages(bot.fake, PRIVACY, DEADLINE)) == 1
    assert DEADLINE in text_of(posted_to(bot.fake, STAFF)[0])  # the receipt DM
    assert DEADLINE in card_now(bot)

    def on_hour(local: datetime) -> None:
        if local == datetime(2026, 12, 5, 10, 0, tzinfo=OSLO):
            clock.set(local - timedelta(minutes=30))
            add_asys_reference(bot)
        if local == datetime(2026, 12, 6, 17, 0, tzinfo=OSLO):
            clock.set(local - timedelta(minutes=20))
            assert record_decision(bot, {"breach_decision": "meldt", "breach_notified_on": "2026-12-06"}) is None

    arrived = run_hourly(bot, clock, FRIDAY, FRIDAY + timedelta(hours=74), on_hour)

    # The reporter: every hour outside 22–07 until the ASYS reference came in (Saturday 09:30).
    assert hours(arrived[STAFF]) == [f"Fri {h}" for h in range(15, 22)] + ["Sat 07", "Sat 08", "Sat 09"]
    # The privacy contact: every hour outside the quiet hours until the decision (Sunday 16:40).
    assert hours(arrived[PRIVACY]) == ([f"Fri {h}" for h in range(15, 22)] + [f"Sat {h:02}" for h in range(7, 22)]
                                       + [f"Sun {h:02}" for h in range(7, 17)])
    # The leader channel: at 48 hours left and at 24 hours left, once each; none after the decision.
    assert hours(arrived[LEADERS]) == ["Sat 15", "Sun 15"]
    assert "48 timer igjen" in messages(bot.fake, LEADERS, ESCALATION)[0]
    assert "24 timer igjen" in messages(bot.fake, LEADERS, ESCALATION)[1]
    assert DEADLINE in messages(bot.fake, LEADERS, ESCALATION)[1]

    card = card_now(bot)
    assert "Meldt til Datatilsynet 06.12.2026" in card and "gikk ut" not in card
    with bot.services.db.reading() as session:
        statuses = set(session.scalars(select(LedgerEntry.status)))
    assert statuses == {"sent"}

    # The period report counts it: reference after 19 hours, decision after 50 h 10 min, within 72 hours.
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=OSLO))
    bot.client.command("rapport 2026-12", user="U0LEADER1")
    [dm] = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0LEADER1"
                             and "Avviksrapport" in text_of(c.params))
    monthly = text_of(dm.params)
    assert "Mulige brudd på personopplysningssikkerheten" in monthly
    assert ("1 mulige brudd. Median tid fra oppdagelse til ASYS-referanse: 19 t. Median tid fra oppdagelse til "
            "vurdering: 50,2 t. Vurdert innen 72 timer: 1 av 1.") in monthly
    assert STAFF not in monthly and "ASYS-2026-777" not in monthly


def test_the_clock_runs_72_real_hours_across_the_end_of_summer_time(bot, clock):
    """Friday 23 October 2026, 14:30 CEST; summer time ends Sunday 25 October at 03:00: the deadline
    is Monday 13:30 CET, 72 elapsed hours, and reminders keep to the office's own hours."""
    discovered = datetime(2026, 10, 23, 14, 30, tzinfo=OSLO)
    report(bot, clock, discovered)
    deadline = "Frist for melding til Datatilsynet: mandag 26.10.2026 kl. 13.30"
    assert deadline in alert_in_leader_channel(bot)

    arrived = run_hourly(bot, clock, discovered, discovered + timedelta(hours=73))

    sunday = [t.hour for t in arrived[PRIVACY] if t.day == 25]
    assert sunday == list(range(7, 22))  # 25 hours that day, and still no DM before 07 or after 21
    assert hours(arrived[LEADERS]) == ["Sat 15", "Sun 14"]  # 48 h left: 14:30 CEST; 24 h left: 13:30 CET
    assert hours(arrived[PRIVACY])[-1] == "Mon 13"  # the last reminder before 13:30
    # Past the deadline with no decision: the card says it was missed.
    assert "Fristen for melding til Datatilsynet gikk ut mandag 26.10.2026 kl. 13.30" in card_now(bot)
    # … and so does the leaders' weekly summary the Monday after.
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=OSLO))
    scheduled_nudges(bot.services, OFFICE)
    [summary] = messages(bot.fake, LEADERS, "Avvik denne uken")
    assert "fristen gikk ut mandag 26.10.2026 kl. 13.30" in summary and "AVV-2026-0001" in summary


def test_the_last_reminder_before_the_deadline_is_sent_even_in_the_quiet_hours(bot, clock):
    discovered = datetime(2026, 12, 1, 1, 30, tzinfo=OSLO)  # deadline Friday 01:30
    report(bot, clock, discovered)
    arrived = run_hourly(bot, clock, discovered, discovered + timedelta(hours=73))
    assert hours(arrived[PRIVACY])[-1] == "Fri 01"
    assert all(7 <= t.hour < 22 for t in arrived[PRIVACY][:-1])


def test_a_reason_is_required_to_record_that_a_breach_need_not_be_notified(bot, clock):
    report(bot, clock, FRIDAY)
    answer = record_decision(bot, {"breach_decision": "ikke_meldepliktig"})
    assert "art. 33 nr. 5" in answer["errors"]["breach_reason"]
    record_decision(bot, {"breach_decision": "ikke_meldepliktig",
                          "breach_reason": "Brevet ble returnert uåpnet; ingen risiko for brukeren."})
    wait_until(lambda: "Ikke meldepliktig: Brevet ble returnert uåpnet" in card_now(bot))


def test_a_staff_member_cannot_record_the_assessment(bot, clock):
    report(bot, clock, FRIDAY)
    before = len(bot.fake.of("views.open"))
    bot.client.click("breach_assess", value=str(deviation_id(bot)), user=STAFF)
    notice = bot.fake.wait_for("views.open", before + 1)[-1].params["view"]
    assert notice["callback_id"] != "breach_assessment"


def test_a_case_answered_no_runs_the_normal_asys_flow_with_no_breach_clock(bot, clock, db):
    answer = report(bot, clock, FRIDAY, answer="nei")
    assert "Datatilsynet" not in text_of(answer["view"])
    run_hourly(bot, clock, FRIDAY, FRIDAY + timedelta(hours=30))
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Breach)) == 0
        assert session.scalars(select(Deviation.state)).one() == "videresendt"
    assert not [c for c in bot.fake.of("chat.postMessage") if "Datatilsynet" in text_of(c.params)]


def test_metrics_tell_how_long_is_left_of_the_72_hours_until_the_decision_is_recorded(bot, clock):
    """The gauge the NAIS alert reads (`.nais/alerts.yaml`, AvviksbotenBreachDeadline)."""
    from tests.ops.test_metrics import scrape, value

    report(bot, clock, FRIDAY)
    clock.set(FRIDAY + timedelta(hours=70))
    _, samples = scrape(bot.url)
    assert value(samples, "avvik_breach_deadline_seconds", office=OFFICE) == 2 * 3600
    clock.set(FRIDAY + timedelta(hours=73))
    _, samples = scrape(bot.url)
    assert value(samples, "avvik_breach_deadline_seconds", office=OFFICE) == -3600  # passed: still alerting
    assert record_decision(bot, {"breach_decision": "meldt", "breach_notified_on": "2026-12-07"}) is None
    text, _ = scrape(bot.url)
    assert "avvik_breach_deadline_seconds{" not in text
