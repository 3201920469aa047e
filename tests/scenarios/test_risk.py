"""Issue 22, risk and cause at assessment: the leaders score sannsynlighet × konsekvens and pick the
cause types when they assess; the card shows the risk with its colour; `/avvik oversikt`, the weekly
summary and the reminders list the most serious first; a later change is audited; cases from before
keep working as «Risiko ikke vurdert». Everything through signed requests, as Slack sends them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.deviations.rules import by_risk
from bot.reminders.jobs import scheduled_nudges
from handlers import ids
from store import deviations as store
from store.models import Deviation, Event
from tests.support import seeding
from tests.support.flows import posted_to, text_of
from tests.support.leader_flows import (
    LEADER,
    LEADER_CHANNEL,
    NO_ACTION,
    ONE_ACTION,
    OTHER_LEADER,
    STAFF,
    add_action_row,
    assess,
    audit,
    block,
    card,
    press,
    report,
    stored,
    submit,
    wait_for_thread,
)
from tests.support.slack_client import TEAM, fill

OSLO = ZoneInfo("Europe/Oslo")
RED = {"risk_likelihood": "4", "risk_consequence": "4", "cause_types": ["rutine_mangler", "opplaering"]}


def oslo(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)


def events(bot, deviation_id: int, kind: str) -> list[Event]:
    with bot.services.db.transaction() as session:
        return [e for e in store.events_of(session, deviation_id) if e.kind == kind]


def risk_button(params: dict[str, Any]) -> dict[str, Any] | None:
    """«Endre risiko» / «Vurder risiko»: the button beside the card's risk line."""
    found = [b.get("accessory") for b in params.get("blocks") or [] if str(b.get("block_id", "")).startswith("risk:")]
    return found[0] if found else None


def submit_state(bot, view: dict[str, Any], answers: dict[str, Any], forged: dict[str, Any], *,
                 user: str = LEADER) -> dict[str, Any] | None:
    """Submit a modal with some values no option of the view holds: what a forged client sends."""
    values = fill(view, answers)
    for block_id, state in forged.items():
        values[block_id] = {ids.VALUE: state}
    payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": user}, "api_app_id": "A0AVVIK",
               "view": {**view, "id": "VFORGED", "team_id": TEAM, "state": {"values": values},
                        "hash": "1700000000.abc"}}
    response = bot.client.interaction(payload)
    assert response.status == 200, response.body
    return response.json()


def score(db, deviation_id: int, likelihood: int | None, consequence: int | None,
          causes: list[str] | None = None) -> None:
    """What an assessment leaves on a seeded case (the scheduler's tests seed through the store)."""
    with db.transaction() as session:
        deviation = session.get(Deviation, deviation_id)
        deviation.risk_likelihood, deviation.risk_consequence = likelihood, consequence
        deviation.cause_types = causes


def order_of(text: str, *titles: str) -> list[int]:
    return [text.index(title) for title in titles]


# --- at assessment ------------------------------------------------------------------------------

def test_risk_and_cause_set_at_assessment_appear_on_the_card(bot):
    deviation = report(bot, cause="Ingen visste at malen var endret.")
    assert "Risiko ikke vurdert" in text_of(posted_to(bot.fake, LEADER_CHANNEL)[0])

    view = press(bot, ids.ASSESS, deviation.id)
    shown = text_of({"blocks": view["blocks"]})
    assert "Hvor sannsynlig er det at det skjer igjen?" in shown
    assert "Hvor alvorlig blir det for brukeren eller kontoret?" in shown
    assert "Ingen visste at malen var endret." in shown  # the reporter's «Hva gjorde at det kunne skje?»
    likelihood = block(view, "risk_likelihood")["element"]
    assert likelihood["type"] == "static_select"
    assert [o["text"]["text"] for o in likelihood["options"]][::4] == ["1 – Svært lite sannsynlig",
                                                                      "5 – Svært sannsynlig"]
    consequence = [o["text"]["text"] for o in block(view, "risk_consequence")["element"]["options"]]
    assert consequence[0] == "1 – Ubetydelig" and consequence[-1] == "5 – Svært alvorlig"
    causes = [o["text"]["text"] for o in block(view, "cause_types")["element"]["options"]]
    assert causes == ["Rutine mangler", "Rutine ukjent", "Rutine ikke fulgt", "Opplæring", "Kapasitet/arbeidsmengde",
                      "System/teknisk", "Samhandling", "Annet"]

    # «Legg til tiltak» rebuilds the modal: the risk and causes chosen so far stay chosen.
    view = add_action_row(bot, view, {**ONE_ACTION, **RED})
    assert block(view, "risk_likelihood")["element"]["initial_option"]["value"] == "4"
    assert block(view, "risk_consequence")["element"]["initial_option"]["value"] == "4"
    assert [o["value"] for o in block(view, "cause_types")["element"]["initial_options"]] == ["rutine_mangler",
                                                                                              "opplaering"]
    assert submit(bot, view, {**ONE_ACTION, **RED}) is None
    saved = stored(bot, deviation.id)
    assert (saved.risk_likelihood, saved.risk_consequence, saved.cause_types) == (4, 4, ["rutine_mangler",
                                                                                          "opplaering"])
    lines = wait_for_thread(bot, 1)
    now = text_of(card(bot))
    assert ":red_circle: Rød (16) · sannsynlighet: Sannsynlig · konsekvens: Alvorlig" in now
    assert "Årsak:* Rutine mangler, Opplæring" in now and "Risiko ikke vurdert" not in now
    assert risk_button(card(bot))["text"]["text"] == "Endre risiko"
    assert ":red_circle: Rød (16)" in lines[-1] and "Rutine mangler, Opplæring" in lines[-1]
    [assessed] = events(bot, deviation.id, "vurdert_med_tiltak")
    assert assessed.detail["risk"] == {"likelihood": 4, "consequence": 4}
    assert assessed.detail["cause_types"] == ["rutine_mangler", "opplaering"]

    # The leaders' `/avvik status` shows it too; the reporter's does not.
    leader = text_of(bot.client.command(f"status {deviation.reference}", user=LEADER).json())
    assert ":red_circle: Rød (16)" in leader and "Rutine mangler" in leader
    reporter = text_of(bot.client.command(f"status {deviation.reference}", user=STAFF).json())
    assert "Rød (16)" not in reporter and "Rutine mangler" not in reporter

    # And the business plan counts it: the leader's period report for the month it was registered.
    month = stored(bot, deviation.id).created_at.astimezone(OSLO).strftime("%Y-%m")
    bot.client.command(f"rapport {month}", user=LEADER)
    [dm] = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADER
                             and "Risiko (sannsynlighet × konsekvens)" in text_of(c.params))
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1:]
              for b in dm.params["blocks"] for f in b.get("fields") or []}
    assert "Rød: *1* (+1)" in fields["*Risiko (sannsynlighet × konsekvens)*"]
    assert {"Rutine mangler: *1* (+1)", "Opplæring: *1* (+1)"} <= set(fields["*Årsak*"])
    bot.fake.wait_for("files.completeUploadExternal")  # the charts follow the report


def test_the_colour_follows_the_office_thresholds(bot):
    for answers, colour in (({"risk_likelihood": "2", "risk_consequence": "2"}, ":large_green_circle: Grønn (4)"),
                            ({"risk_likelihood": "1", "risk_consequence": "5"}, ":large_yellow_circle: Gul (5)"),
                            ({"risk_likelihood": "3", "risk_consequence": "4"}, ":large_yellow_circle: Gul (12)"),
                            ({"risk_likelihood": "5", "risk_consequence": "3"}, ":red_circle: Rød (15)")):
        deviation = report(bot)
        assert assess(bot, deviation.id, {**NO_ACTION, **answers}) is None
        reference = deviation.reference
        [update] = bot.fake.wait_for("chat.update", 1, where=lambda c, ref=reference: ref in text_of(c.params))
        assert colour in text_of(update.params), (answers, text_of(update.params))


def test_risk_and_cause_are_required_and_forged_values_are_refused(bot):
    deviation = report(bot)
    view = press(bot, ids.ASSESS, deviation.id)
    bare = {k: v for k, v in ONE_ACTION.items() if k not in RED}
    answer = submit(bot, view, bare)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["risk_likelihood"] == "Velg et av alternativene."
    assert answer["errors"]["risk_consequence"] == "Velg et av alternativene."
    assert answer["errors"]["cause_types"] == "Velg minst én årsak."

    forgeries = [
        {"risk_likelihood": {"type": "static_select", "selected_option": {"value": "7"}}},
        {"risk_consequence": {"type": "static_select", "selected_option": {"value": "0"}}},
        {"risk_consequence": {"type": "static_select", "selected_option": {"value": "3; DROP TABLE deviations"}}},
        {"cause_types": {"type": "checkboxes", "selected_options": [{"value": "rutine_mangler"},
                                                                    {"value": "hemmelig_årsak"}]}},
        {"risk_likelihood": {"type": "static_select", "selected_option": {"value": ["4"]}}},
        {"cause_types": {"type": "checkboxes", "selected_options": [{"value": {"id": "annet"}}]}},
    ]
    for forged in forgeries:
        answer = submit_state(bot, view, {**ONE_ACTION, **RED}, forged)
        assert answer["response_action"] == "errors", forged
        [(field, message)] = answer["errors"].items()
        assert (field, message) == (next(iter(forged)), "Velg et av alternativene i listen."), answer
    saved = stored(bot, deviation.id)
    assert (saved.state, saved.risk_likelihood, saved.risk_consequence, saved.cause_types, saved.actions) == (
        "registrert", None, None, None, [])
    assert [kind for kind, *_ in audit(bot, deviation.id)] == ["registrert"]


# --- later --------------------------------------------------------------------------------------

def test_a_leader_changes_the_risk_later_and_the_change_is_audited(bot):
    deviation = report(bot)
    assert assess(bot, deviation.id, {**ONE_ACTION, **RED}) is None
    wait_for_thread(bot, 1)

    view = press(bot, ids.CHANGE_RISK, deviation.id, user=OTHER_LEADER)
    assert view["callback_id"] == ids.RISK_VIEW
    assert block(view, "risk_likelihood")["element"]["initial_option"]["value"] == "4"
    assert [o["value"] for o in block(view, "cause_types")["element"]["initial_options"]] == ["rutine_mangler",
                                                                                              "opplaering"]
    forged = submit_state(bot, view, RED, {"risk_likelihood": {"type": "static_select",
                                                               "selected_option": {"value": "9"}}},
                          user=OTHER_LEADER)
    assert forged["errors"] == {"risk_likelihood": "Velg et av alternativene i listen."}
    assert events(bot, deviation.id, "risiko_endret") == []

    changed = {"risk_likelihood": "2", "risk_consequence": "4", "cause_types": ["kapasitet"]}
    assert submit(bot, view, changed, user=OTHER_LEADER) is None
    saved = stored(bot, deviation.id)
    assert (saved.risk_likelihood, saved.risk_consequence, saved.cause_types) == (2, 4, ["kapasitet"])
    [event] = events(bot, deviation.id, "risiko_endret")
    assert event.actor_id == OTHER_LEADER
    assert event.detail == {"likelihood": {"from": 4, "to": 2}, "consequence": {"from": 4, "to": 4},
                            "cause_types": {"from": ["rutine_mangler", "opplaering"], "to": ["kapasitet"]}}
    lines = wait_for_thread(bot, 2)
    assert "Risiko endret: :red_circle: Rød (16)" in lines[-1] and ":large_yellow_circle: Gul (8)" in lines[-1]
    assert "Årsak endret: Rutine mangler, Opplæring → Kapasitet/arbeidsmengde" in lines[-1]
    now = text_of(card(bot))
    assert ":large_yellow_circle: Gul (8)" in now and "Kapasitet/arbeidsmengde" in now and "Rød (16)" not in now

    # The same values again change nothing and record nothing.
    assert submit(bot, press(bot, ids.CHANGE_RISK, deviation.id), changed) is None
    assert len(events(bot, deviation.id, "risiko_endret")) == 1


def test_only_leaders_change_the_risk_and_never_on_a_closed_case(bot):
    deviation = report(bot)
    assert assess(bot, deviation.id, NO_ACTION) is None
    notice = press(bot, ids.CHANGE_RISK, deviation.id, user=STAFF)
    assert notice["callback_id"] == ids.NOTICE_VIEW and "bare ledere" in text_of(notice)
    assert [actor for kind, actor, *_ in audit(bot, deviation.id) if kind == "ikke_tilgang"] == [STAFF]

    view = press(bot, ids.CHANGE_RISK, deviation.id)
    assert submit(bot, press(bot, ids.CLOSE, deviation.id), {"feedback": "Rettet.", "no_new_lesson": ["ingen"]}) is None
    answer = submit(bot, view, {"risk_likelihood": "5", "risk_consequence": "5", "cause_types": ["annet"]})
    assert "Lukket" in answer["errors"]["risk_likelihood"]
    assert (stored(bot, deviation.id).risk_likelihood, events(bot, deviation.id, "risiko_endret")) == (3, [])
    bot.services.messenger.wait_idle()
    assert risk_button(card(bot)) is None  # a closed case keeps the risk it was closed with
    assert press(bot, ids.CHANGE_RISK, deviation.id)["callback_id"] == ids.NOTICE_VIEW


# --- cases from before risk existed ----------------------------------------------------------------

def test_an_old_case_without_risk_keeps_working_and_shows_ikke_vurdert(bot, db, clock):
    # A case assessed before risk existed: reported and carded as today, moved on with no risk stored.
    old = report(bot, title="Sak fra før risiko").id
    seeding.move(db, old, "tiltak_pagar", oslo(date(2026, 11, 2)), responsible_leader=LEADER)
    seeding.add_action(db, old, "U0OWNER1", date(2026, 12, 20), oslo(date(2026, 11, 2)))
    reference = stored(bot, old).reference
    leader = text_of(bot.client.command(f"status {reference}", user=LEADER).json())
    assert "Risiko ikke vurdert" in leader
    assert "Sak fra før risiko" in text_of(bot.client.command("oversikt", user=LEADER).json())

    view = press(bot, ids.CHANGE_RISK, old)  # «Vurder risiko» beside «Risiko ikke vurdert» on its card
    assert view["callback_id"] == ids.RISK_VIEW and "initial_option" not in block(view, "risk_likelihood")["element"]
    assert submit(bot, view, {"risk_likelihood": "1", "risk_consequence": "2", "cause_types": ["system"]}) is None
    [event] = events(bot, old, "risiko_endret")
    assert event.detail["likelihood"] == {"from": None, "to": 1}
    assert event.detail["cause_types"] == {"from": [], "to": ["system"]}
    bot.fake.wait_for("chat.update", 1, where=lambda c: c.params["channel"] == LEADER_CHANNEL)
    now = card(bot)
    assert ":large_green_circle: Grønn (2)" in text_of(now) and "System/teknisk" in text_of(now)
    assert risk_button(now)["text"]["text"] == "Endre risiko"


# --- ordering -----------------------------------------------------------------------------------

def test_oversikt_lists_each_state_by_risk_then_age(bot, db, clock):
    clock.set(oslo(date(2026, 11, 23)))
    seeding.add_deviation(db, oslo(date(2026, 11, 2)), state="klar_for_lukking", title="Uten risiko")
    green = seeding.add_deviation(db, oslo(date(2026, 11, 3)), state="klar_for_lukking", title="Grønn eldst")
    red_old = seeding.add_deviation(db, oslo(date(2026, 11, 10)), state="klar_for_lukking", title="Rød eldre")
    red_new = seeding.add_deviation(db, oslo(date(2026, 11, 12)), state="klar_for_lukking", title="Rød nyere")
    yellow = seeding.add_deviation(db, oslo(date(2026, 11, 16)), state="klar_for_lukking", title="Gul nyest")
    for deviation_id, (likelihood, consequence) in ((green, (2, 2)), (red_old, (4, 5)), (red_new, (5, 5)),
                                                    (yellow, (3, 3))):
        score(db, deviation_id, likelihood, consequence, ["annet"])
    seeding.add_deviation(db, oslo(date(2026, 11, 4)), title="Ikke vurdert eldst")
    seeding.add_deviation(db, oslo(date(2026, 11, 5)), title="Ikke vurdert nyere")

    text = text_of(bot.client.command("oversikt", user=LEADER).json())
    assert order_of(text, "Rød nyere", "Rød eldre", "Gul nyest", "Grønn eldst", "Uten risiko") == sorted(
        order_of(text, "Rød nyere", "Rød eldre", "Gul nyest", "Grønn eldst", "Uten risiko"))
    assert text.index("Ikke vurdert eldst") < text.index("Ikke vurdert nyere")
    assert ":red_circle: 25 · *AVV-2026-0004*" in text and ":large_green_circle: 4 · *AVV-2026-0002*" in text
    assert "• *AVV-2026-0001* · Uten risiko" in text  # no colour while «ikke vurdert»


def test_the_weekly_summary_and_the_reminders_list_cases_by_risk_then_age(bot, db, clock):
    ready = {}
    for day, title, risk in ((2, "Klar uten risiko", None), (3, "Klar grønn", (1, 3)), (4, "Klar rød A", (5, 4)),
                             (5, "Klar gul", (2, 3)), (6, "Klar rød B", (5, 4))):
        ready[title] = seeding.add_deviation(db, oslo(date(2026, 11, day)), state="klar_for_lukking",
                                             responsible_leader=LEADER, title=title)
        if risk:
            score(db, ready[title], *risk, ["annet"])
    ongoing = seeding.add_deviation(db, oslo(date(2026, 11, 2)), state="tiltak_pagar", responsible_leader=LEADER,
                                    title="Tiltak lav")
    score(db, ongoing, 1, 1, ["annet"])
    seeding.add_action(db, ongoing, "U0OWNER1", date(2026, 11, 20), oslo(date(2026, 11, 2)),
                       description="Lavt tiltak")
    urgent = seeding.add_deviation(db, oslo(date(2026, 11, 9)), state="tiltak_pagar", responsible_leader=LEADER,
                                   title="Tiltak høy")
    score(db, urgent, 5, 5, ["annet"])
    seeding.add_action(db, urgent, "U0OWNER1", date(2026, 11, 20), oslo(date(2026, 11, 9)),
                       description="Høyt tiltak")

    clock.set(oslo(date(2026, 11, 30)))  # a Monday: the summary, and the reminders
    scheduled_nudges(bot.services, "lillehammer-gausdal")
    bot.services.messenger.wait_idle()

    [summary] = [p for p in posted_to(bot.fake, LEADER_CHANNEL) if "Avvik denne uken" in text_of(p)]
    text = text_of(summary)
    expected = ["Klar rød A", "Klar rød B", "Klar gul", "Klar grønn", "Klar uten risiko"]
    assert order_of(text, *expected) == sorted(order_of(text, *expected)), text
    assert text.index("«Høyt tiltak»") < text.index("«Lavt tiltak»")
    assert ":red_circle: 20 · AVV-2026-0003 · Klar rød A" in text

    [reminder] = [p for p in posted_to(bot.fake, LEADER) if "Påminnelser om avvik" in text_of(p)]
    shown = text_of(reminder)
    expected = ["Tiltak høy", "Klar rød A", "Klar rød B", "Klar gul", "Klar grønn", "Tiltak lav", "Klar uten risiko"]
    assert order_of(shown, *expected) == sorted(order_of(shown, *expected)), shown
    with bot.services.db.transaction() as session:
        assert len(session.scalars(select(Deviation)).all()) == 7


def test_the_store_reads_open_cases_in_the_rule_s_order_so_a_cut_keeps_the_most_serious(db):
    """`/avvik oversikt` reads at most 200 open cases: the database orders them as bot.deviations.rules does."""
    made = []
    for day, risk in ((2, None), (3, (1, 2)), (4, (5, 5)), (5, None), (6, (2, 3)), (7, (3, 2)), (8, (5, 5))):
        made.append(seeding.add_deviation(db, oslo(date(2026, 11, day)), state="tiltak_pagar"))
        if risk:
            score(db, made[-1], *risk, ["annet"])
    with db.transaction() as session:
        everything = store.open_deviations(session, seeding.OFFICE)
        assert [d.id for d in everything] == [d.id for d in by_risk(everything)]
        assert [d.id for d in everything] == [made[i] for i in (2, 6, 4, 5, 1, 0, 3)]
        assert [d.id for d in store.open_deviations(session, seeding.OFFICE, limit=2)] == [made[2], made[6]]
