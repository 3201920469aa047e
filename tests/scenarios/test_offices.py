"""Two NAV offices in one Slack workspace (issue 24): the office of a report is found by the channel,
by the reporter's staff user group, or chosen in the form («Kontor», remembered unless anonymous);
references never collide; each office's leaders, reminders and digests see only their own cases; a
forged click or submission across offices changes nothing."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.i18n import t
from bot.reminders.digest import scheduled_digest
from bot.reminders.jobs import scheduled_nudges
from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers import ids
from handlers.payloads import unseal
from store.models import Deviation, Event, OfficeChoice
from tests.support import seeding
from tests.support.flows import ANSWERS, posted_to, text_of
from tests.support.leader_flows import ONE_ACTION, press, submit
from tests.support.slack_client import TEAM, fill

OSLO = ZoneInfo("Europe/Oslo")
LHG, HAM, GJO = "lillehammer-gausdal", "hamar", "gjovik"
LHG_LEADERS, LHG_OFFICE, LHG_STAFF = "C0LEADERS", "C0OFFICE", "C0LHGSTAFF"
HAM_LEADERS, HAM_OFFICE, HAM_STAFF = "C0HAMLEAD", "C0HAMOFF", "C0HAMSTAFF"
LHG_LEADER, HAM_LEADER = "U0LEADER1", "U0HAMLEAD1"
BOTH = "U0BOTHLEAD"  # leads both offices of the workspace
LHG_GROUP, HAM_GROUP = "S0LHGSTAFF", "S0HAMSTAFF"
ASYS_HOW = "Logg inn via applikasjonen Porten, Asys ligger nederst til høyre."  # the example config's
HAM_ASYS_HOW = "Hamar: Asys ligger under «Mine apper» på intranettet."


@pytest.fixture
def office_config(tmp_path: Path) -> Path:
    """Lillehammer–Gausdal and Hamar in our workspace, each with its channels, staff group and reference
    prefix; Gjøvik in another workspace."""
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")

    def office(office_id: str, team: str, prefix: str, staff: str, group: str, leaders: str, office_channel: str,
               leader_ids: str) -> str:
        body = text[text.index("\n[[office]]"):]
        name = {LHG: "NAV Lillehammer–Gausdal", HAM: "NAV Hamar", GJO: "NAV Gjøvik"}[office_id]
        return (body.replace('id = "lillehammer-gausdal"', f'id = "{office_id}"')
                .replace('name = "NAV Lillehammer–Gausdal"', f'name = "{name}"')
                .replace('# team_id = "T0123456789"', f'team_id = "{team}"\nchannels = ["{staff}"]\n'
                                                      f'staff_usergroup = "{group}"\nreference_prefix = "{prefix}"')
                .replace('leader_channel = "C0LEADERS"', f'leader_channel = "{leaders}"')
                .replace('office_channel = "C0OFFICE"', f'office_channel = "{office_channel}"')
                .replace('leaders = ["U0LEADER1", "U0LEADER2"]', f"leaders = {leader_ids}")
                .replace(ASYS_HOW, HAM_ASYS_HOW if office_id == HAM else ASYS_HOW))  # Hamar's own instructions

    path = tmp_path / "offices.toml"
    path.write_text("\n".join([
        office(LHG, TEAM, "LHG", LHG_STAFF, LHG_GROUP, LHG_LEADERS, LHG_OFFICE,
               f'["U0LEADER1", "U0LEADER2", "{BOTH}"]'),
        office(HAM, TEAM, "HAM", HAM_STAFF, HAM_GROUP, HAM_LEADERS, HAM_OFFICE, f'["{HAM_LEADER}", "{BOTH}"]'),
        office(GJO, "T0OTHER", "GJO", "C0GJOSTAFF", "S0GJOSTAFF", "C0GJOLEAD", "C0GJOOFF", '["U0GJOLEAD"]'),
    ]), encoding="utf-8")
    return path


def open_form(bot: Any, *, user: str = "U0STAFF1", channel: str = "C0GENERAL") -> dict[str, Any]:
    before = len(bot.fake.of("views.open"))
    assert bot.client.command("", user=user, channel=channel).status == 200
    return bot.fake.wait_for("views.open", before + 1)[-1].params["view"]


def send(bot: Any, view: dict[str, Any], *, user: str = "U0STAFF1", view_id: str, **answers: Any) -> dict[str, Any]:
    response = bot.client.submit(view, {**ANSWERS, **answers}, user=user, view_id=view_id)
    assert response.status == 200, response.body
    bot.services.messenger.wait_idle()
    return response.json()


def report(bot: Any, *, user: str = "U0STAFF1", channel: str = "C0GENERAL", view_id: str,
           **answers: Any) -> Deviation:
    send(bot, open_form(bot, user=user, channel=channel), user=user, view_id=view_id, **answers)
    return latest(bot)


def latest(bot: Any) -> Deviation:
    with bot.services.db.transaction() as session:
        return session.scalars(select(Deviation).order_by(Deviation.id.desc()).limit(1)).one()


def count(bot: Any, model: type) -> int:
    with bot.services.db.reading() as session:
        return len(list(session.scalars(select(model))))


def choice_of(bot: Any, user: str) -> str | None:
    with bot.services.db.reading() as session:
        row = session.get(OfficeChoice, (TEAM, user))
        return row.office_id if row else None


def office_select(view: dict[str, Any]) -> dict[str, Any] | None:
    return next((b for b in view["blocks"] if b.get("block_id") == ids.Field.OFFICE), None)


def cards_in(bot: Any, channel: str) -> list[str]:
    return [text_of(p) for p in posted_to(bot.fake, channel) if "thread_ts" not in p]


# --- which office -----------------------------------------------------------------------------------

def test_a_report_from_an_offices_channel_belongs_to_that_office_without_asking(bot):
    view = open_form(bot, channel=HAM_STAFF)
    assert office_select(view) is None
    assert unseal(view["private_metadata"])["office"] == HAM

    send(bot, view, view_id="VHAM1")
    deviation = latest(bot)
    assert (deviation.office_id, deviation.reference) == (HAM, "AVV-HAM-2026-0001")
    bot.fake.wait_for("chat.postMessage", 1, where=lambda c: c.params["channel"] == HAM_LEADERS)
    assert any("AVV-HAM-2026-0001" in card for card in cards_in(bot, HAM_LEADERS))
    assert cards_in(bot, LHG_LEADERS) == []


def test_the_message_shortcut_in_an_offices_channel_reports_to_that_office(bot):
    before = len(bot.fake.of("views.open"))
    shortcut = bot.client.message_shortcut(ids.MESSAGE_SHORTCUT, "Brevet manglet begrunnelse", channel=LHG_STAFF)
    assert shortcut.status == 200
    view = bot.fake.wait_for("views.open", before + 1)[-1].params["view"]
    assert office_select(view) is None
    send(bot, view, view_id="VLHG1")
    assert (latest(bot).office_id, latest(bot).reference) == (LHG, "AVV-LHG-2026-0001")


def test_a_member_of_an_offices_staff_group_reports_to_it_from_anywhere(bot):
    bot.fake.usergroups[HAM_GROUP] = ["U0STAFF1"]
    view = open_form(bot)  # in a channel of no office
    assert office_select(view) is None
    send(bot, view, view_id="VGRP1")
    assert latest(bot).office_id == HAM
    # The workspace's staff groups were read in one call, not one per office, before the form opened.
    assert len(bot.fake.of("usergroups.list")) == 1 and bot.fake.of("usergroups.users.list") == []

    before = len(bot.fake.of("views.open"))
    bot.client.shortcut(ids.GLOBAL_SHORTCUT)  # the global shortcut has no channel at all
    shortcut_view = bot.fake.wait_for("views.open", before + 1)[-1].params["view"]
    assert office_select(shortcut_view) is None
    assert unseal(shortcut_view["private_metadata"])["office"] == HAM


def test_a_person_no_channel_or_group_places_chooses_the_office_and_it_is_remembered(bot):
    view = open_form(bot, user="U0STAFF9")
    select_block = office_select(view)
    assert select_block is not None and view["blocks"][0] is select_block  # at the top of the form
    assert select_block["label"]["text"] == "Kontor"
    # Nothing remembered: no office is chosen for them (a guess would send the case to leaders they never picked).
    assert "initial_option" not in select_block["element"]
    # The offices of this workspace only: not Gjøvik's, which is in another.
    names = [o["text"]["text"] for o in select_block["element"]["options"]]
    assert names == ["NAV Lillehammer–Gausdal", "NAV Hamar"]

    send(bot, view, user="U0STAFF9", view_id="VCHOOSE1", office=HAM)
    assert (latest(bot).office_id, latest(bot).reference) == (HAM, "AVV-HAM-2026-0001")
    assert choice_of(bot, "U0STAFF9") == HAM

    again = open_form(bot, user="U0STAFF9")
    assert office_select(again)["element"]["initial_option"]["value"] == HAM


def test_an_anonymous_report_leaves_no_remembered_choice(bot):
    view = open_form(bot, user="U0STAFF8")
    send(bot, view, user="U0STAFF8", view_id="VANON1", office=HAM, anonymous=["anonymous"])
    assert latest(bot).office_id == HAM and latest(bot).reporter_id is None
    assert choice_of(bot, "U0STAFF8") is None
    assert count(bot, OfficeChoice) == 0

    # A person who chose before: an anonymous report elsewhere does not move their choice either.
    send(bot, open_form(bot, user="U0STAFF7"), user="U0STAFF7", view_id="VNAMED", office=LHG)
    send(bot, open_form(bot, user="U0STAFF7"), user="U0STAFF7", view_id="VANON2", office=HAM,
         anonymous=["anonymous"])
    assert latest(bot).office_id == HAM
    assert choice_of(bot, "U0STAFF7") == LHG


def test_choosing_a_category_keeps_the_office_select_and_shows_the_chosen_offices_route(bot):
    from tests.support.flows import choose_category

    view = open_form(bot, user="U0STAFF9")
    updated = choose_category(bot, view, "informasjonssikkerhet", user="U0STAFF9", typed={"office": HAM})
    assert office_select(updated["view"])["element"]["initial_option"]["value"] == HAM
    assert "ASYS" in text_of(updated["view"])


def test_choosing_a_category_before_an_office_keeps_the_office_unchosen(bot):
    from tests.support.flows import choose_category

    view = open_form(bot, user="U0STAFF9")
    updated = choose_category(bot, view, "lokal_rutine", user="U0STAFF9")["view"]
    assert "initial_option" not in office_select(updated)["element"]
    assert "office" not in unseal(updated["private_metadata"])  # no office slipped in behind the select


def test_a_category_chosen_before_the_office_shows_no_offices_route_until_the_office_is_chosen(bot):
    """Nothing placed the person, so «Kontor» is unchosen: the category's hint names no office's system or
    instructions (not Lillehammer–Gausdal's, the fallback); choosing Hamar then shows Hamar's."""
    from tests.support.flows import choose_category

    view = open_form(bot, user="U0STAFF9")
    updated = choose_category(bot, view, "informasjonssikkerhet", user="U0STAFF9")["view"]
    text = text_of(updated)
    assert "Velg kontor øverst i skjemaet, så står det her hvor avviket skal meldes og hvorfor." in text
    assert ASYS_HOW not in text and HAM_ASYS_HOW not in text and "Dette meldes i" not in text
    assert "Lagres ikke hos oss" not in text  # the fields' hints name no system either

    [select] = [b for b in updated["blocks"] if b.get("block_id") == ids.Field.OFFICE]
    assert select["dispatch_action"] is True
    hamar = next(o for o in select["element"]["options"] if o["value"] == HAM)
    before = len(bot.fake.of("views.update"))
    state = fill(updated, {ids.Field.CATEGORY: "informasjonssikkerhet", ids.Field.OFFICE: HAM})
    assert bot.client.click(ids.VALUE, user="U0STAFF9", container={"type": "view", "view_id": "VREG0001"},
                            view={**updated, "id": "VREG0001", "hash": "1700000000.hash2", "state": {"values": state}},
                            extra={"type": "static_select", "block_id": ids.Field.OFFICE, "selected_option": hamar}
                            ).status == 200
    rebuilt = bot.fake.wait_for("views.update", before + 1)[-1].params["view"]
    assert HAM_ASYS_HOW in text_of(rebuilt) and ASYS_HOW not in text_of(rebuilt)
    assert "Velg kontor øverst" not in text_of(rebuilt)
    assert office_select(rebuilt)["element"]["initial_option"]["value"] == HAM


def test_references_of_two_offices_never_collide(bot):
    first = report(bot, channel=LHG_STAFF, view_id="VREF1")
    second = report(bot, channel=HAM_STAFF, view_id="VREF2")
    third = report(bot, channel=LHG_STAFF, view_id="VREF3")
    assert [first.reference, second.reference, third.reference] == [
        "AVV-LHG-2026-0001", "AVV-HAM-2026-0001", "AVV-LHG-2026-0002"]


# --- each office's leaders see and act on their own cases only -------------------------------------

def test_a_leader_of_one_office_cannot_open_another_offices_case_by_a_forged_button(bot):
    theirs = report(bot, channel=HAM_STAFF, view_id="VF1")
    events = count(bot, Event)

    notice = press(bot, ids.ASSESS, theirs.id, user=LHG_LEADER,
                   container={"type": "message", "channel_id": LHG_LEADERS, "message_ts": "1.1"})
    assert notice["callback_id"] == ids.NOTICE_VIEW
    assert "Dette kan bare ledere gjøre." in text_of(notice)
    with bot.services.db.reading() as session:
        refused = session.scalars(select(Event).where(Event.deviation_id == theirs.id,
                                                      Event.kind == "ikke_tilgang")).all()
        assert [(e.office_id, e.actor_id) for e in refused] == [(HAM, LHG_LEADER)]
    assert count(bot, Event) == events + 1  # the refusal, and nothing else
    assert latest(bot).state == "registrert"

    form = press(bot, ids.ASSESS, theirs.id, user=HAM_LEADER)  # their own leader may
    assert form["callback_id"] == ids.ASSESSMENT_VIEW


def test_a_leader_of_one_office_cannot_submit_another_offices_form(bot):
    theirs = report(bot, channel=HAM_STAFF, view_id="VF2")
    form = press(bot, ids.ASSESS, theirs.id, user=HAM_LEADER)  # the form Hamar's leader opened …
    answers = {**ONE_ACTION, "responsible": HAM_LEADER}
    refused = submit(bot, form, answers, user=LHG_LEADER)  # … sent by Lillehammer's
    assert refused and refused["response_action"] == "errors"
    assert latest(bot).state == "registrert" and latest(bot).responsible_leader is None

    assert submit(bot, form, answers, user=HAM_LEADER) is None
    assert latest(bot).state == "tiltak_pagar"


def test_each_offices_overview_lists_its_own_cases(bot):
    report(bot, channel=LHG_STAFF, view_id="VO1", title="Lillehammers sak om vedtak")
    report(bot, channel=HAM_STAFF, view_id="VO2", title="Hamars sak om brev")

    ham = bot.client.command("oversikt", user=HAM_LEADER).json()
    lhg = bot.client.command("oversikt", user=LHG_LEADER).json()
    assert "AVV-HAM-2026-0001" in json.dumps(ham) and "AVV-LHG" not in json.dumps(ham)
    assert "AVV-LHG-2026-0001" in json.dumps(lhg) and "AVV-HAM" not in json.dumps(lhg)


def test_status_by_reference_finds_the_office_from_its_prefix(bot):
    theirs = report(bot, channel=HAM_STAFF, view_id="VS1")
    answer = bot.client.command(f"status {theirs.reference}", user="U0STAFF1").json()
    assert theirs.reference in json.dumps(answer, ensure_ascii=False)


# --- forged submissions --------------------------------------------------------------------------------

def _with_office(view: dict[str, Any], office_id: str) -> dict[str, Any]:
    state = fill(view, ANSWERS)
    state[ids.Field.OFFICE] = {ids.VALUE: {"type": "static_select", "selected_option": {
        "value": office_id, "text": {"type": "plain_text", "text": office_id}}}}
    return state


@pytest.mark.parametrize("forged", [GJO, "finnes-ikke"])
def test_a_submission_naming_an_office_not_offered_is_refused_with_nothing_stored(bot, forged):
    view = open_form(bot, user="U0STAFF9")
    payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0STAFF9"}, "api_app_id": "A0AVVIK",
               "view": {**view, "id": "VFORGED", "hash": "1.a", "state": {"values": _with_office(view, forged)}}}
    answer = bot.client.interaction(payload).json()
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {ids.Field.OFFICE: "Velg et av kontorene i lista."}
    assert count(bot, Deviation) == 0 and count(bot, OfficeChoice) == 0


def test_a_submission_without_an_office_in_a_workspace_of_several_is_refused(bot):
    view = open_form(bot, user="U0STAFF9")
    bare = {**view, "blocks": [b for b in view["blocks"] if b.get("block_id") != ids.Field.OFFICE]}
    answer = bot.client.submit(bare, ANSWERS, user="U0STAFF9", view_id="VBARE").json()
    assert answer["response_action"] == "errors" and ids.Field.TITLE in answer["errors"]
    assert count(bot, Deviation) == 0


# --- reminders and digests, per office -------------------------------------------------------------------

def oslo(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)


def test_reminders_go_to_each_offices_own_leaders_about_its_own_cases(bot, db, clock):
    monday = date(2026, 11, 23)
    seeding.add_deviation(db, oslo(monday, 8), office_id=LHG, title="Lillehammers sak")
    seeding.add_deviation(db, oslo(monday, 8), office_id=HAM, title="Hamars sak")
    clock.set(oslo(date(2026, 11, 25), 9))
    for office in (LHG, HAM):
        scheduled_nudges(bot.services, office)
    bot.services.messenger.wait_idle()

    def reminders(user: str) -> str:
        return "\n".join(text_of(p) for p in posted_to(bot.fake, user) if "Påminnelser om avvik" in text_of(p))

    assert "Hamars sak" in reminders(HAM_LEADER) and "Lillehammers sak" not in reminders(HAM_LEADER)
    for leader in ("U0LEADER1", "U0LEADER2"):
        assert "Lillehammers sak" in reminders(leader) and "Hamars sak" not in reminders(leader)


def test_each_offices_digest_tells_its_own_closures_in_its_own_channel(bot, db, clock):
    monday = date(2026, 11, 23)
    lhg = seeding.add_deviation(db, oslo(monday, 8), office_id=LHG, title="Lillehammers sak")
    ham = seeding.add_deviation(db, oslo(monday, 8), office_id=HAM, title="Hamars sak")
    seeding.close(db, lhg, oslo(monday, 10), feedback="Lillehammer laget en sjekkliste.")
    seeding.close(db, ham, oslo(monday, 11), feedback="Hamar endret brevmalen.")
    clock.set(oslo(date(2026, 11, 27), 13))  # Friday, the digest hour
    for office in (LHG, HAM):
        scheduled_digest(bot.services, office)
    bot.services.messenger.wait_idle()

    lhg_digest = "\n".join(text_of(p) for p in posted_to(bot.fake, LHG_OFFICE))
    ham_digest = "\n".join(text_of(p) for p in posted_to(bot.fake, HAM_OFFICE))
    assert "Lillehammer laget en sjekkliste." in lhg_digest and "Hamar endret" not in lhg_digest
    assert "Hamar endret brevmalen." in ham_digest and "Lillehammer laget" not in ham_digest


def test_app_home_of_a_leader_shows_the_overview_of_their_office_only(bot):
    report(bot, channel=HAM_STAFF, view_id="VH1")
    report(bot, channel=LHG_STAFF, view_id="VH2")
    before = len(bot.fake.of("views.publish"))
    bot.client.event({"type": "app_home_opened", "user": HAM_LEADER, "tab": "home", "channel": "D0HOME"})
    home = json.dumps(bot.fake.wait_for("views.publish", before + 1)[-1].params["view"], ensure_ascii=False)
    assert "AVV-HAM-2026-0001" in home and "AVV-LHG" not in home



# --- quality rounds and the anonymous reporter's code, per office --------------------------------------

def test_each_offices_leader_opens_their_own_offices_quality_round(bot):
    from store.models import QualityRound

    assert bot.client.command("ny", command="/kvalitet", user=HAM_LEADER).status == 200
    with bot.services.db.reading() as session:
        assert [r.office_id for r in session.scalars(select(QualityRound))] == [HAM]
    # Lillehammer has no round yet: its leader's `/kvalitet status` does not show Hamar's.
    status = bot.client.command("status", command="/kvalitet", user=LHG_LEADER).body
    assert "Det finnes ingen kvalitetsmåling ennå." in status
    assert bot.client.command("ny", command="/kvalitet", user=LHG_LEADER).status == 200
    with bot.services.db.reading() as session:
        assert sorted(r.office_id for r in session.scalars(select(QualityRound))) == [HAM, LHG]


def test_an_anonymous_reporter_follows_their_case_by_code_whatever_office_the_command_lands_in(bot):
    import re

    view = open_form(bot, user="U0STAFF5", channel=HAM_STAFF)
    receipt = text_of(send(bot, view, user="U0STAFF5", view_id="VCODE1", anonymous=["anonymous"])["view"])
    code = re.search(r"```([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})```", receipt).group(1)
    assert latest(bot).office_id == HAM

    bot.fake.usergroups[LHG_GROUP] = ["U0STAFF5"]  # the command is taken for Lillehammer–Gausdal
    before = len(bot.fake.of("views.open"))
    assert bot.client.command(f"kode {code}", user="U0STAFF5").status == 200
    case = bot.fake.wait_for("views.open", before + 1)[-1].params["view"]
    assert case["callback_id"] == ids.DIALOGUE_VIEW
    assert "AVV-HAM-2026-0001" in text_of(case)


# --- review: a leader of both offices, and the second office's own buttons --------------------------------

DM = {"type": "message", "channel_id": "D0LEADERDM", "message_ts": "1768377600.000100"}


def test_a_leader_of_both_offices_acts_on_each_offices_case_as_that_office(bot):
    lhg = report(bot, channel=LHG_STAFF, view_id="VB1")
    ham = report(bot, channel=HAM_STAFF, view_id="VB2")
    for case in (lhg, ham):
        form = press(bot, ids.ASSESS, case.id, user=BOTH, container=DM)
        assert form["callback_id"] == ids.ASSESSMENT_VIEW
        assert submit(bot, form, {**ONE_ACTION, "responsible": BOTH}, user=BOTH) is None
    with bot.services.db.reading() as session:
        rows = session.scalars(select(Deviation).order_by(Deviation.id)).all()
        assert [(d.office_id, d.state) for d in rows] == [(LHG, "tiltak_pagar"), (HAM, "tiltak_pagar")]
        assessed = session.scalars(select(Event).where(Event.actor_id == BOTH)).all()
        assert {(e.deviation_id, e.office_id) for e in assessed} == {(lhg.id, LHG), (ham.id, HAM)}


def test_the_second_offices_leader_changes_the_risk_of_its_case_and_the_first_offices_cannot(bot):
    ham = report(bot, channel=HAM_STAFF, view_id="VR1")
    assert submit(bot, press(bot, ids.ASSESS, ham.id, user=HAM_LEADER), {**ONE_ACTION, "responsible": HAM_LEADER},
                  user=HAM_LEADER) is None
    refused = press(bot, ids.CHANGE_RISK, ham.id, user=LHG_LEADER, container=DM)
    assert refused["callback_id"] == ids.NOTICE_VIEW
    view = press(bot, ids.CHANGE_RISK, ham.id, user=HAM_LEADER, container=DM)
    assert view["callback_id"] == ids.RISK_VIEW
    changed = {"risk_likelihood": "2", "risk_consequence": "4", "cause_types": ["kapasitet"]}
    assert submit(bot, view, changed, user=LHG_LEADER)["response_action"] == "errors"  # sent by the other's leader
    assert submit(bot, view, changed, user=HAM_LEADER) is None
    assert (latest(bot).risk_likelihood, latest(bot).risk_consequence) == (2, 4)


def test_the_effect_check_of_the_second_offices_case_is_answered_by_its_leader_only(bot, db, clock):
    ham = seeding.add_deviation(db, oslo(date(2026, 10, 5), 9), state="tiltak_pagar", office_id=HAM,
                                responsible_leader=HAM_LEADER)
    action = seeding.add_action(db, ham, "U0OWNER1", date(2026, 10, 16), oslo(date(2026, 10, 5), 9))
    seeding.finish_action(db, action, oslo(date(2026, 10, 15), 9))
    seeding.close(db, ham, oslo(date(2026, 10, 20), 14), feedback="Rettet.")
    seeding.add_effect_check(db, ham, date(2027, 1, 14), leader=HAM_LEADER)
    clock.set(oslo(date(2027, 1, 14), 9))
    from bot.effect.rules import round_of
    from handlers.effect.blocks import button_value
    from store.models import EffectCheck
    with bot.services.db.reading() as session:  # the button as the question's DM carries it: the case and its round
        value = button_value(ham, round_of(session.scalar(select(EffectCheck.created_at)
                                                          .where(EffectCheck.deviation_id == ham))))

    def click(user: str) -> dict | None:
        before = len(bot.fake.of("views.open"))
        assert bot.client.click(ids.effect_action("virket"), value=value, user=user, container=DM).status == 200
        bot.fake.settle(quiet=0.2)
        opened = bot.fake.of("views.open")
        return opened[-1].params["view"] if len(opened) > before else None

    assert click(LHG_LEADER) is None
    view = click(HAM_LEADER)
    assert view is not None
    assert bot.client.submit(view, {}, user=LHG_LEADER).json()["response_action"] == "errors"
    assert bot.client.submit(view, {}, user=HAM_LEADER).status == 200
    with bot.services.db.reading() as session:
        check = session.scalar(select(EffectCheck).where(EffectCheck.deviation_id == ham))
        assert (check.answer, check.answered_by) == ("virket", HAM_LEADER)



def test_a_refused_report_is_audited_under_the_office_found_for_the_person_never_a_guessed_one(bot):
    """`/avvik rapport fylke` (and `rapport`) from someone who leads nothing is refused. In a DM, with no
    channel, staff group or earlier choice placing them, no office is theirs: the refusal is not written
    to the first office's audit log. A member of Hamar's staff group is refused under Hamar."""
    def refusals() -> list[tuple[str, str, str]]:
        bot.fake.settle(quiet=0.2)  # recorded after the answer
        with bot.services.db.reading() as session:
            return sorted((e.office_id, e.actor_id, e.detail["attempted"])
                          for e in session.scalars(select(Event).where(Event.kind == "nektet")))

    bot.fake.usergroups[HAM_GROUP] = ["U0HAMSTAFF"]
    for words in ("rapport fylke 2026H1", "rapport 2026H1"):
        assert bot.client.command(words, user="U0NOBODY", channel="D0NOBODY").status == 200
    assert refusals() == []  # not Lillehammer–Gausdal's, the workspace's first office

    answer = bot.client.command("rapport fylke 2026H1", user="U0HAMSTAFF", channel="D0HAMSTAFF")
    assert answer.body == t("report.county.refused")
    assert refusals() == [(HAM, "U0HAMSTAFF", "fylkesrapport")]


def test_a_leaders_command_in_another_offices_channel_is_for_the_office_they_lead(bot):
    report(bot, channel=LHG_STAFF, view_id="VOC1")
    report(bot, channel=HAM_STAFF, view_id="VOC2")
    events = count(bot, Event)

    # Hamar's leader in Lillehammer's staff channel: Hamar's overview, not a refusal written to the audit log.
    ham = json.dumps(bot.client.command("oversikt", user=HAM_LEADER, channel=LHG_STAFF).json(), ensure_ascii=False)
    assert "AVV-HAM-2026-0001" in ham and "AVV-LHG" not in ham
    assert count(bot, Event) == events

    # A leader of both: the channel says which of their offices.
    in_ham = json.dumps(bot.client.command("oversikt", user=BOTH, channel=HAM_LEADERS).json(), ensure_ascii=False)
    in_lhg = json.dumps(bot.client.command("oversikt", user=BOTH, channel=LHG_STAFF).json(), ensure_ascii=False)
    assert "AVV-HAM-2026-0001" in in_ham and "AVV-LHG" not in in_ham
    assert "AVV-LHG-2026-0001" in in_lhg and "AVV-HAM" not in in_lhg
    # … and the overview says whose it is: in a DM, a leader of both gets the first office's, named.
    in_dm = bot.client.command("oversikt", user=BOTH, channel="D0BOTH").json()
    assert in_dm["blocks"][0]["text"]["text"] == "Åpne avvik – NAV Lillehammer–Gausdal"


def test_app_home_of_a_leader_of_both_offices_shows_each_offices_overview_within_its_100_blocks(bot, db, clock):
    for n in range(45):
        seeding.add_deviation(db, oslo(date(2026, 11, 2), 8), office_id=LHG, title=f"Lillehammers sak {n}")
        seeding.add_deviation(db, oslo(date(2026, 11, 2), 8), office_id=HAM, title=f"Hamars sak {n}")
    before = len(bot.fake.of("views.publish"))
    bot.client.event({"type": "app_home_opened", "user": BOTH, "tab": "home", "channel": "D0HOME"})
    view = bot.fake.wait_for("views.publish", before + 1)[-1].params["view"]
    assert len(view["blocks"]) <= 100
    home = text_of(view)
    assert "NAV Lillehammer–Gausdal" in home and "NAV Hamar" in home
    # Each office's cases shown one by one, up to its share, then how many more: none left out unsaid.
    shown = {office: sum(1 for b in view["blocks"] if b.get("block_id", "").startswith("card:")
                         and title in json.dumps(b, ensure_ascii=False))
             for office, title in ((LHG, "Lillehammers sak"), (HAM, "Hamars sak"))}
    assert shown == {LHG: 20, HAM: 20}
    assert home.count("… og 25 til") == 2
    assert view["blocks"][-1]["text"]["text"] == t("dialogue.help", "nb")  # the help at the bottom is not cut off


def test_a_person_in_two_offices_staff_groups_chooses_the_office_in_the_form(bot):
    bot.fake.usergroups[LHG_GROUP] = ["U0STAFF1"]
    bot.fake.usergroups[HAM_GROUP] = ["U0STAFF1"]
    view = open_form(bot)
    assert office_select(view) is not None  # not filed under whichever office the config names first
    send(bot, view, view_id="VBOTH1", office=HAM)
    assert latest(bot).office_id == HAM


def test_when_slack_cannot_list_the_user_groups_no_group_is_asked_one_by_one_before_the_ack(bot):
    bot.fake.fail("usergroups.list", times=1)
    view = open_form(bot, user="U0STAFF9")
    assert office_select(view) is not None  # no staff group known: the form asks
    assert bot.fake.of("usergroups.users.list") == []


class TestSlackSlowToNameTheLeaders:
    """Hamar's leaders are a user group too: finding the office, and the help, ask Slack who leads."""

    @pytest.fixture
    def office_config(self, office_config: Path) -> Path:
        text = office_config.read_text(encoding="utf-8")
        office_config.write_text(text.replace('reference_prefix = "HAM"',
                                              'reference_prefix = "HAM"\nleader_usergroup = "S0HAMLEAD"'),
                                 encoding="utf-8")
        return office_config

    def test_help_is_acked_while_slack_hangs_and_a_leader_of_the_group_then_gets_the_leaders_help(self, bot):
        bot.fake.usergroups["S0HAMLEAD"] = ["U0HAMGROUP"]
        methods = ("usergroups.list", "usergroups.users.list")
        for method in methods:
            bot.fake.hold(method)
        bot.client.timeout = 3.0  # Slack gives up on the answer after 3 seconds
        try:
            answer = bot.client.command("hjelp", user="U0HAMGROUP", channel=HAM_STAFF,
                                        response_url=bot.fake.response_url())
            assert answer.status == 200
            assert bot.fake.of("response_url") == []  # Slack has not said who leads yet
        finally:
            for method in methods:
                bot.fake.release(method, drop=False)
        [later] = bot.fake.wait_for("response_url")
        assert "*For ledere*" in text_of(later.params)
        assert len(bot.fake.of("usergroups.list")) == 1  # every group the request needed, in one call
