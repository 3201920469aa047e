"""Kvalitetssystemet (seed 002): a half-yearly round from opening to measures, through Slack."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.forms import FieldErrors
from bot.office import QualityRounds
from bot.quality import service as quality_service
from bot.quality.jobs import scheduled_rounds
from bot.quality.rules import (
    Area,
    Scope,
    Scored,
    Season,
    Trend,
    nearest_round,
    normalize_tags,
    parse_review,
    season_running,
    summarize,
    window,
    window_opened_on,
)
from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers import ids
from handlers.leaders.blocks import action_dm_blocks
from handlers.quality.blocks import measure_dm_blocks
from store import quality as store
from store.models import Action, Event
from tests.support.flows import posted_to, text_of
from tests.support.leader_flows import report, stored
from tests.support.slack_client import TEAM

REVIEWERS = ["U0REV1", "U0REV2", "U0REV3"]
LEADER, LEADER_CHANNEL, OFFICE_CHANNEL = "U0LEADER1", "C0LEADERS", "C0OFFICE"
CONFIG = QualityRounds()  # the default windows: March–April and September–October


@pytest.fixture
def office_config(tmp_path: Path) -> Path:
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8").replace(
        "reviewers = []", f"reviewers = {REVIEWERS!r}".replace("'", '"'))
    path = tmp_path / "office.toml"
    path.write_text(text, encoding="utf-8")
    return path


def oslo(year: int, month: int, day: int, hour: int = 6) -> datetime:
    return datetime(year, month, day, hour - 1 if month in (1, 2, 3, 11, 12) else hour - 2, 30, tzinfo=UTC)


def answers(scores: dict[Area, str], tags: dict[Area, str] | None = None, case: str = "") -> dict[str, str]:
    out = {"case_number": case} if case else {}
    for area, score in scores.items():
        out[f"{area.value}.score"] = score
        out[f"{area.value}.well"] = "Tett kontakt og planlagte møter med agenda."
        out[f"{area.value}.less_well"] = "Hyppig bytte av veileder."
        if tags and area in tags:
            out[f"{area.value}.tags"] = tags[area]
    return out


def review(bot, user: str, scores: dict[Area, str], tags: dict[Area, str] | None = None, **kwargs) -> dict:
    before = len(bot.fake.of("views.open"))
    assert bot.client.command("", command="/kvalitet", user=user).status == 200
    view = bot.fake.wait_for("views.open", before + 1)[-1].params["view"]
    response = bot.client.submit(view, answers(scores, tags, **kwargs), user=user, view_id=f"V{user}{before}")
    assert response.status == 200
    return response.json()


# --- rules -----------------------------------------------------------------------------------

def test_seasons_follow_seed_002():
    assert window(CONFIG, Season.SPRING, 2027) == (date(2027, 3, 1), date(2027, 4, 30))
    assert window(CONFIG, Season.AUTUMN, 2027) == (date(2027, 9, 1), date(2027, 10, 31))
    assert season_running(CONFIG, date(2027, 3, 15)) is Season.SPRING
    assert season_running(CONFIG, date(2027, 10, 31)) is Season.AUTUMN
    assert season_running(CONFIG, date(2027, 6, 1)) is None


@pytest.mark.parametrize(("today", "named", "expected"), [
    (date(2027, 2, 10), None, (Season.SPRING, 2027)),   # early: spring is three weeks away
    (date(2026, 12, 10), None, (Season.AUTUMN, 2026)),  # late: autumn ended six weeks ago
    (date(2027, 1, 20), None, (Season.SPRING, 2027)),
    (date(2027, 1, 20), Season.AUTUMN, (Season.AUTUMN, 2026)),
    (date(2026, 11, 30), Season.SPRING, (Season.SPRING, 2027)),
    (date(2027, 9, 15), None, (Season.AUTUMN, 2027)),
])
def test_a_round_opened_by_hand_is_the_nearest_window(today, named, expected):
    assert nearest_round(CONFIG, today, named) == expected


def test_a_round_opened_late_runs_as_long_but_ends_before_the_next_season():
    assert window_opened_on(CONFIG, Season.SPRING, 2027, date(2027, 2, 10)) == (date(2027, 3, 1), date(2027, 4, 30))
    assert window_opened_on(CONFIG, Season.AUTUMN, 2026, date(2026, 11, 30)) == (date(2026, 11, 30),
                                                                                 date(2027, 1, 29))
    assert window_opened_on(CONFIG, Season.SPRING, 2026, date(2026, 8, 15)) == (date(2026, 8, 15), date(2026, 8, 31))


def test_the_overall_assessment_counts_scores_themes_and_trend():
    current = [Scored(Area.MAPPING, 4, ("tett kontakt",)), Scored(Area.MAPPING, 3, ("tett kontakt", "agenda")),
               Scored(Area.MAPPING, None, ("agenda",)), Scored(Area.PROGRESS, 1, ())]
    previous = [Scored(Area.MAPPING, 2), Scored(Area.MAPPING, 3)]
    mapping, *_, progress = summarize(current, previous)
    assert mapping.distribution == {1: 0, 2: 0, 3: 1, 4: 1, None: 1}
    assert mapping.mean == 3.5
    assert mapping.themes == [("agenda", 2), ("tett kontakt", 2)]
    assert (mapping.previous_mean, mapping.trend) == (2.5, Trend.POSITIVE)
    assert progress.trend is None  # nothing to compare with


def test_tags_are_normalised():
    tags = normalize_tags(" Tett kontakt, saksmengde;tett KONTAKT\n#agenda ")
    assert tags == ["tett kontakt", "saksmengde", "agenda"]


def test_a_national_id_in_a_review_is_refused():
    values = {f"{a.value}.score": "3" for a in Area} | {"arbeidsretting.less_well": "Bruker 15108695088 fikk ..."}
    with pytest.raises(FieldErrors) as refused:
        parse_review(values)
    assert refused.value.errors == {"arbeidsretting.less_well": "error.quality.national_id"}


# --- a full round through Slack --------------------------------------------------------------

def test_a_full_round_from_the_scheduler_to_a_measure(bot, clock):
    clock.set(oslo(2027, 3, 1))
    run = scheduled_rounds(bot.services)
    assert len(run.opened) == 1
    for reviewer in REVIEWERS:
        invite = bot.fake.wait_for("chat.postMessage", where=lambda c, r=reviewer: c.params["channel"] == r)[0]
        assert "Kvalitetsmåling vår 2027" in text_of(invite.params)
    assert "AAP-mottakere, 30 år eller eldre" in text_of(posted_to(bot.fake, LEADER_CHANNEL)[0])
    assert scheduled_rounds(bot.services).opened == []  # the next day's pass opens nothing new

    clock.set(oslo(2027, 3, 10, 10))
    four, three, two, na = "4", "3", "2", "ikke_relevant"
    review(bot, "U0REV1", {Area.MAPPING: four, Area.WORK_ORIENTATION: three, Area.PARTICIPATION: four,
                           Area.PROGRESS: two}, {Area.MAPPING: "tett kontakt, agenda"})
    review(bot, "U0REV2", {Area.MAPPING: three, Area.WORK_ORIENTATION: three, Area.PARTICIPATION: four,
                           Area.PROGRESS: na}, {Area.MAPPING: "Tett kontakt"})
    saved = review(bot, "U0REV3", {Area.MAPPING: four, Area.WORK_ORIENTATION: two, Area.PARTICIPATION: three,
                                   Area.PROGRESS: two}, case="2027-114")
    assert "1 av 5" in text_of(saved["view"])

    stranger = bot.client.command("", command="/kvalitet", user="U0STAFF1")
    assert "ikke satt opp som deltaker" in stranger.body

    clock.set(oslo(2027, 5, 3))
    assert len(scheduled_rounds(bot.services).closed) == 1
    assessment = bot.fake.wait_for("chat.postMessage", 2, where=lambda c: c.params["channel"] == LEADER_CHANNEL)[-1]
    text = text_of(assessment.params)
    assert "Helhetsvurdering: Kvalitetsmåling vår 2027" in text
    assert "3 gjennomgåtte saker" in text
    # Mapping: two 4s and one 3; progress: two 2s and one not relevant.
    assert ("*Kartlegging og oppfølgingsvedtak (§ 14 a)* · snitt 3,7\n"
            "4 – Svært god: 2 · 3 – God: 1 · 2 – Delvis god: 0") in text
    assert "*Fremdrift* · snitt 2,0\n4 – Svært god: 0 · 3 – God: 0 · 2 – Delvis god: 2 · 1 – Svak: 0 · " \
           "Ikke relevant: 1" in text
    assert "tett kontakt (2)" in text
    office_post = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == OFFICE_CHANNEL)[0]
    assert "snitt 3,7" in text_of(office_post.params)
    assert "Svært god: 2" not in text_of(office_post.params)  # the office gets the short version

    assert bot.client.command("tiltak", command="/kvalitet", user=LEADER).status == 200
    view = bot.fake.wait_for("views.open", 4)[-1].params["view"]
    response = bot.client.submit(view, {"description": "Planlagte møter med tydelig agenda", "area": "fremdrift",
                                        "scope": "fylke", "owner": "U0REV2", "due_on": "2027-06-15"},
                                 user=LEADER, view_id="VMEASURE")
    assert response.status == 200 and response.body == ""
    dm = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0REV2"
                           and "tiltak" in (c.params.get("text") or ""))[0]
    assert "Fylket" in text_of(dm.params) and "15.06.2027" in text_of(dm.params)
    with bot.services.db.transaction() as session:
        [measure] = store.measures(session, run.opened[0])
        assert (measure.scope, measure.area, measure.owner_id, measure.state) == ("fylke", "fremdrift", "U0REV2",
                                                                                 "apen")

    # issue 9, item 6: the leader's period report carries the round and its measure
    clock.set(oslo(2027, 5, 3, 11))
    assert bot.client.command("rapport 2027H1", user=LEADER).status == 200
    report = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADER
                               and "Avviksrapport" in (c.params.get("text") or ""))[0]
    text = text_of(report.params)
    assert "*Kvalitetsmåling vår 2027*\nAAP-mottakere, 30 år eller eldre · 01.03.2027–30.04.2027 · avsluttet · " \
           "3 av 15 gjennomgåtte saker" in text
    assert "• *Fremdrift*: snitt 2,0\n      4 – Svært god: 0 · 3 – God: 0 · 2 – Delvis god: 2 · 1 – Svak: 0 · " \
           "Ikke relevant: 1" in text
    assert "Fremdrift · Fylket (tiltak i fylkets regi) · frist 15.06.2027 · Åpent: Planlagte møter med tydelig " \
           "agenda · ansvarlig <@U0REV2>" in text
    assert "2027-114" not in text and "Hyppig bytte av veileder" not in text  # no case number, no review text


def test_only_leaders_open_close_and_create_measures(bot, clock):
    clock.set(oslo(2027, 3, 2))
    for sub in ("ny", "lukk", "tiltak"):
        response = bot.client.command(sub, command="/kvalitet", user="U0STAFF1")
        assert "bare ledere" in response.body
    with bot.services.db.transaction() as session:
        assert store.latest(session, "lillehammer-gausdal") is None


def test_a_leader_opens_a_round_by_hand_with_named_reviewers(bot, clock):
    clock.set(oslo(2027, 9, 2))
    response = bot.client.command("ny host <@U0REV9|kari> <@U0REV8>", command="/kvalitet", user=LEADER)
    assert "Kvalitetsmåling høst 2027" in response.body
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0REV9")
    again = bot.client.command("ny host", command="/kvalitet", user=LEADER)
    assert "allerede åpen" in again.body
    with bot.services.db.transaction() as session:
        rnd = store.latest(session, "lillehammer-gausdal")
        assert (rnd.target_group, rnd.reviewers, rnd.opened_by) == ("unge_under_30", ["U0REV8", "U0REV9"], LEADER)


def test_kvalitet_status_shows_reviewers_and_counts_to_leaders_and_each_reviewer_only_their_own(bot, clock):
    clock.set(oslo(2027, 9, 2))
    bot.client.command("ny host <@U0REV9|kari> <@U0REV8>", command="/kvalitet", user=LEADER)

    leader = bot.client.command("status", command="/kvalitet", user=LEADER).body
    assert "<@U0REV9>: 0 av 5" in leader and "<@U0REV8>: 0 av 5" in leader

    reviewer = bot.client.command("status", command="/kvalitet", user="U0REV8").body
    assert "Kvalitetsmåling høst 2027" in reviewer
    assert "<@U0REV8>: 0 av" in reviewer and "U0REV9" not in reviewer

    staff = bot.client.command("status", command="/kvalitet", user="U0STAFF1").body
    assert "Kvalitetsmåling høst 2027" in staff
    assert "U0REV8" not in staff and "U0REV9" not in staff and " av " not in staff


def test_a_round_opened_after_its_window_runs_from_that_day_and_is_not_closed_at_once(bot, clock):
    clock.set(oslo(2026, 11, 30, 9))  # the autumn window (September–October) has passed
    response = bot.client.command("ny", command="/kvalitet", user=LEADER)
    assert "Kvalitetsmåling høst 2026, 30.11.2026–29.01.2027" in response.body
    clock.set(oslo(2026, 12, 1))
    scheduled_rounds(bot.services)
    with bot.services.db.transaction() as session:
        rnd = store.latest(session, "lillehammer-gausdal")
        assert (rnd.state, rnd.opens_on, rnd.closes_on) == ("apen", date(2026, 11, 30), date(2027, 1, 29))
    assert "1 av 5" in text_of(review(bot, "U0REV1", dict.fromkeys(Area, "3"))["view"])

    clock.set(oslo(2027, 1, 30))
    scheduled_rounds(bot.services)
    again = bot.client.command("ny høst", command="/kvalitet", user=LEADER)
    assert "allerede gjennomført og ble avsluttet 30.01.2027" in again.body
    with bot.services.db.transaction() as session:
        assert [r.state for r in store.open_rounds(session, "lillehammer-gausdal")] == []


def test_reviewers_behind_target_are_reminded_once_a_week_near_the_end(bot, clock):
    clock.set(oslo(2027, 3, 1))
    scheduled_rounds(bot.services)
    clock.set(oslo(2027, 3, 5, 10))
    review(bot, "U0REV1", dict.fromkeys(Area, "3"))
    bot.fake.settle()
    bot.fake.reset()

    clock.set(oslo(2027, 4, 26))  # Monday, four days before the round closes
    scheduled_rounds(bot.services)
    reminded = {c.params["channel"] for c in bot.fake.wait_for("chat.postMessage", 3)}
    assert reminded == set(REVIEWERS)
    assert "vurdert 1 av 5" in text_of(posted_to(bot.fake, "U0REV1")[0])
    clock.set(oslo(2027, 4, 27))
    scheduled_rounds(bot.services)
    bot.fake.settle()
    assert len(bot.fake.of("chat.postMessage")) == 3  # same week: no second reminder


def test_rounds_are_compared_only_with_the_same_target_group(bot, clock):
    services, office = bot.services, bot.services.offices.office[0]

    def run_round(season: Season, year: int, score: int) -> int:
        clock.set(oslo(year, 3 if season is Season.SPRING else 9, 2))
        opened = quality_service.open_round(services.db, clock, office, season, year, opened_by=LEADER,
                                            reviewers=["U0REV1"])
        form = parse_review({f"{a.value}.score": str(score) for a in Area})
        quality_service.submit_review(services.db, clock, office, opened.round_id, "U0REV1", form,
                                      view_id=f"V{season}{year}", is_leader=False)
        quality_service.close_round(services.db, clock, office, opened.round_id, closed_by=LEADER)
        return opened.round_id

    run_round(Season.SPRING, 2025, 2)
    run_round(Season.AUTUMN, 2025, 4)
    spring = run_round(Season.SPRING, 2026, 3)
    autumn = run_round(Season.AUTUMN, 2026, 3)
    with services.db.transaction() as session:
        spring_result = quality_service.assessment(session, spring)
        autumn_result = quality_service.assessment(session, autumn)
    assert (spring_result.previous.season, spring_result.previous.year) == ("var", 2025)
    assert {(s.previous_mean, s.trend) for s in spring_result.summaries} == {(2.0, Trend.POSITIVE)}
    assert (autumn_result.previous.season, autumn_result.previous.year) == ("host", 2025)
    assert {(s.previous_mean, s.trend) for s in autumn_result.summaries} == {(4.0, Trend.NEGATIVE)}


def test_a_measure_is_reminded_when_overdue_and_marked_done_by_its_owner(bot, clock):
    services, office = bot.services, bot.services.offices.office[0]
    clock.set(oslo(2027, 3, 2))
    opened = quality_service.open_round(services.db, clock, office, Season.SPRING, 2027, opened_by=LEADER,
                                        reviewers=REVIEWERS)
    form = quality_service.MeasureForm("Porteføljesamtaler med fokus på struktur", Area.PROGRESS, Scope.OFFICE,
                                       "U0REV2", date(2027, 3, 19))
    measure_id, ledger_ids = quality_service.create_measure(services.db, clock, office, opened.round_id, form,
                                                            created_by=LEADER)
    services.messenger.deliver(ledger_ids)
    assigned = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0REV2"
                                 and "ansvarlig for et tiltak" in c.params["text"])[0]
    [done_button] = [e for b in assigned.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert (done_button["action_id"], done_button["value"]) == ("action_done", str(measure_id))

    clock.set(oslo(2027, 3, 22))  # Monday after the due date
    scheduled_rounds(services)
    overdue = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0REV2"
                                and "Fristen for tiltaket" in c.params["text"])
    assert len(overdue) == 1
    clock.set(oslo(2027, 3, 23))
    scheduled_rounds(services)  # the same week: no second reminder
    bot.fake.settle()
    assert len(bot.fake.of("chat.postMessage", lambda c: "Fristen for tiltaket" in c.params["text"])) == 1

    assert bot.client.click("action_done", value=str(measure_id), user="U0STAFF1").status == 200
    notice = bot.fake.wait_for("views.open", where=lambda c: c.params["view"]["callback_id"] == "leader_notice")
    assert "Bare den som er ansvarlig for tiltaket, eller en leder," in text_of(notice[0].params["view"])
    bot.client.click("action_done", value=str(measure_id), user="U0REV2",
                     container={"type": "message", "channel_id": "U0REV2", "message_ts": "1700000000.000001"})
    completion = bot.fake.wait_for("views.open", where=lambda c: c.params["view"]["callback_id"]
                                   == "action_completion")[0].params["view"]
    assert "Kvalitetsmåling vår 2027" in text_of(completion)
    answer = bot.client.submit(completion, {"note": "Innført fra uke 12."}, user="U0REV2", view_id="VDONE1")
    assert answer.status == 200
    with services.db.transaction() as session:
        [measure] = store.measures(session, opened.round_id)
        assert (measure.state, measure.completion_note) == ("utfort", "Innført fra uke 12.")

    clock.set(oslo(2027, 3, 29))
    scheduled_rounds(services)  # done: no more reminders
    bot.fake.settle()
    assert len(bot.fake.of("chat.postMessage", lambda c: "Fristen for tiltaket" in c.params["text"])) == 1


# --- a measure's «Utført»: quality's own, on the button its owner already has --------------------

def _measure(bot, clock, owner: str = "U0REV2") -> tuple[int, int]:
    services, office = bot.services, bot.services.offices.office[0]
    clock.set(oslo(2027, 3, 2))
    opened = quality_service.open_round(services.db, clock, office, Season.SPRING, 2027, opened_by=LEADER,
                                        reviewers=REVIEWERS)
    form = quality_service.MeasureForm("Porteføljesamtaler med fokus på struktur", Area.PROGRESS, Scope.OFFICE,
                                       owner, date(2027, 3, 19))
    measure_id, _ = quality_service.create_measure(services.db, clock, office, opened.round_id, form, created_by=LEADER)
    return opened.round_id, measure_id


def _events_of_action(bot, action_id: int) -> list[tuple[str, str | None, dict]]:
    with bot.services.db.transaction() as session:
        events = session.scalars(select(Event).where(Event.action_id == action_id).order_by(Event.id)).all()
        return [(e.kind, e.actor_id, e.detail) for e in events]


def test_a_measures_utfort_from_a_dm_sent_before_measures_had_their_own_listeners_still_completes_it(bot, clock):
    round_id, measure_id = _measure(bot, clock)
    # Exactly what the button in an owner's older DM sends: the shared action id, the action's id as value.
    dm = {"type": "message", "channel_id": "D0REV2", "message_ts": "1700000000.000002"}
    response = bot.client.click("action_done", value=str(measure_id), user="U0REV2", container=dm,
                                extra={"block_id": f"action:{measure_id}"})
    assert response.status == 200 and response.body == ""
    completion = bot.fake.wait_for("views.open")[0].params["view"]
    assert completion["callback_id"] == "action_completion"
    assert "Kvalitetsmåling vår 2027" in text_of(completion) and "Fremdrift" in text_of(completion)

    answer = bot.client.submit(completion, {"note": "Innført fra uke 12."}, user="U0REV2", view_id="VDONE2")
    assert answer.status == 200 and answer.body == ""
    with bot.services.db.transaction() as session:
        [measure] = store.measures(session, round_id)
        assert (measure.state, measure.completion_note) == ("utfort", "Innført fra uke 12.")
    assert _events_of_action(bot, measure_id)[-1] == ("tiltak_utfort", "U0REV2",
                                                      {"action": measure_id, "round_id": round_id})
    # The DM it was pressed in now says so, and has no button left to press.
    [update] = bot.fake.wait_for("chat.update", where=lambda c: c.params["channel"] == "D0REV2")
    assert update.params["ts"] == "1700000000.000002"
    assert "registrert som utført" in text_of(update.params)
    assert not [b for b in update.params["blocks"] if b["type"] == "actions"]


def test_only_a_measures_owner_or_a_leader_marks_it_done_and_others_are_audited(bot, clock):
    round_id, measure_id = _measure(bot, clock)
    assert bot.client.click("action_done", value=str(measure_id), user="U0REV2").status == 200
    completion = bot.fake.wait_for("views.open")[0].params["view"]

    answer = bot.client.submit(completion, {"note": "Jeg tar den."}, user="U0STAFF1", view_id="VFORGED")
    assert answer.status == 200
    assert "Bare den som er ansvarlig for tiltaket, eller en leder," in answer.json()["errors"]["note"]
    with bot.services.db.transaction() as session:
        assert [m.state for m in store.measures(session, round_id)] == ["apen"]
    with bot.services.db.transaction() as session:
        refusals = session.scalars(select(Event).where(Event.kind == "ikke_tilgang")).all()
        assert [(e.actor_id, e.detail) for e in refusals] == [("U0STAFF1", {"attempt": "utfort"})]

    assert bot.client.submit(completion, {"note": "Fulgt opp."}, user=LEADER, view_id="VLEAD").body == ""
    again = bot.client.submit(completion, {"note": "Fulgt opp."}, user=LEADER, view_id="VLEAD")
    assert "allerede" in again.json()["errors"]["note"]  # a double submit finishes it once
    assert [k for k, *_ in _events_of_action(bot, measure_id)].count("tiltak_utfort") == 1


def test_a_measure_is_not_a_cases_action_to_drop(bot, clock):
    deviation = report(bot)
    round_id, measure_id = _measure(bot, clock)
    # A drop form for the case, forged to name the measure.
    forged = {"type": "modal", "callback_id": ids.DROP_VIEW, "private_metadata": json.dumps({"case": deviation.id}),
              "blocks": [{"type": "input", "block_id": "action", "element": {
                              "type": "static_select", "action_id": "value",
                              "options": [{"text": {"type": "plain_text", "text": "x"}, "value": str(measure_id)}]}},
                         {"type": "input", "block_id": "reason",
                          "element": {"type": "plain_text_input", "action_id": "value"}}]}
    answer = bot.client.submit(forged, {"action": str(measure_id), "reason": "Trengs ikke lenger."}, user=LEADER)
    assert answer.status == 200
    assert answer.json()["errors"] == {"action": "Fant ikke tiltaket."}
    with bot.services.db.transaction() as session:
        assert [m.state for m in store.measures(session, round_id)] == ["apen"]
    assert stored(bot, deviation.id).state == "registrert"


def test_a_measures_dm_is_what_its_owner_was_sent_before_measures_had_blocks_of_their_own(bot, clock):
    _, measure_id = _measure(bot, clock)
    office = bot.services.offices.office[0]
    with bot.services.db.transaction() as session:
        action = session.get(Action, measure_id)
        parent = quality_service.MeasureParent(*quality_service.measure_parent(session, office, action))
    blocks = [b.to_dict() for b in measure_dm_blocks(office, parent, action)]
    assert blocks == [b.to_dict() for b in action_dm_blocks(office, parent, action)]
    assert blocks[-1]["elements"][0]["action_id"] == ids.ACTION_DONE


# --- an English office (issue 19) ------------------------------------------------------------------

class TestAnEnglishOffice:
    @pytest.fixture
    def office_config(self, tmp_path: Path) -> Path:
        text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8").replace(
            "reviewers = []", f"reviewers = {REVIEWERS!r}".replace("'", '"')).replace('locale = "nb"', 'locale = "en"')
        path = tmp_path / "office.toml"
        path.write_text(text, encoding="utf-8")
        return path

    def test_a_review_form_that_lost_its_round_is_refused_in_english(self, bot, clock):
        clock.set(oslo(2027, 3, 1))
        scheduled_rounds(bot.services)
        assert bot.client.command("", command="/kvalitet", user="U0REV1").status == 200
        view = bot.fake.wait_for("views.open")[-1].params["view"]
        tampered = {**view, "private_metadata": "{}"}
        answer = bot.client.submit(tampered, answers(dict.fromkeys(Area, "3")), user="U0REV1").json()
        assert answer["response_action"] == "errors"
        assert list(answer["errors"].values()) == ["Something went wrong on our side. Please try again shortly."]

    def test_a_review_form_slack_would_not_send_is_refused_in_english(self, bot):
        payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0REV1"}, "api_app_id": "A0AVVIK",
                   "view": {"id": "VBROKEN1", "type": "modal", "callback_id": ids.QUALITY_REVIEW, "team_id": TEAM,
                            "state": {"values": {"kartlegging.score": "not a block"}}}}
        answer = bot.client.interaction(payload).json()
        assert list(answer["errors"].values()) == ["Something went wrong on our side. Please try again shortly."]

    def test_dates_in_quality_messages_follow_the_office_s_language(self, bot, clock):
        clock.set(oslo(2027, 3, 1))
        scheduled_rounds(bot.services)
        invite = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0REV1")[0]
        assert "by 2027-04-30" in text_of(invite.params)


def test_quality_messages_write_bokmal_dates(bot, clock):
    """Issue 19: «30.04.2026» in every quality message of a Bokmål office, the 1–4 scale named as the
    office's own."""
    clock.set(oslo(2027, 3, 1))
    scheduled_rounds(bot.services)
    invite = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0REV1")[0]
    assert "Du skal vurdere 5 saker i *Kvalitetsmåling vår 2027*" in text_of(invite.params)
    assert "innen 30.04.2027" in text_of(invite.params)
    opened = text_of(posted_to(bot.fake, LEADER_CHANNEL)[0])
    assert "01.03.2027–30.04.2027" in opened and "2027-04-30" not in opened
    status = bot.client.command("status", command="/kvalitet", user=LEADER).body
    assert "01.03.2027–30.04.2027" in status
    assert bot.client.command("", command="/kvalitet", user="U0REV1").status == 200
    view = bot.fake.wait_for("views.open")[-1].params["view"]
    assert "kontorets egen skala 1–4" in text_of(view)
