"""Seed 000's process all the way (issue 16): closure that means the work was done, leaders who
judge, reporters who hear back. Through signed HTTP as Slack sends it, against the Web API fake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers import ids
from tests.support.flows import posted_to, text_of
from tests.support.leader_flows import (
    COLLEAGUE,
    LEADER,
    LEADER_CHANNEL,
    NO_ACTION,
    OFFICE_CHANNEL,
    ONE_ACTION,
    OTHER_LEADER,
    OTHER_OWNER,
    OWNER,
    RISK,
    STAFF,
    add_action_row,
    assess,
    audit,
    block,
    block_ids,
    button_value,
    buttons,
    card,
    dms_to,
    press,
    report,
    stored,
    submit,
    wait_for_thread,
)


@pytest.fixture
def office_config(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The example office, or with one line of it changed (indirect parametrize: (old, new))."""
    change = getattr(request, "param", None)
    if change is None:
        return EXAMPLE_OFFICE_CONFIG
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "office.toml"
    path.write_text(text.replace(*change), encoding="utf-8")
    return path


def settled(bot) -> None:
    """Every message the bot has started to send has arrived (before asserting that one did not)."""
    bot.services.messenger.wait_idle()
    bot.fake.settle(quiet=0.3)


def _drop_only_action(bot, deviation_id: int, reason: str, *, user: str = LEADER) -> None:
    drop = press(bot, ids.DROP_ACTION, deviation_id, user=user)
    [choice] = drop["blocks"][1]["element"]["options"]
    assert submit(bot, drop, {"action": choice["value"], "reason": reason}, user=user) is None


# --- 1. dropped actions are not done actions ------------------------------------------------------

def test_dropping_the_only_action_sends_the_case_back_to_assessment_not_to_closure(bot):
    deviation = report(bot)
    assert assess(bot, deviation.id, ONE_ACTION) is None
    wait_for_thread(bot, 1)
    _drop_only_action(bot, deviation.id, "Malen byttes ut sentralt uansett.")

    lines = wait_for_thread(bot, 3)
    assert "Tiltak forkastet" in lines[-2]
    assert "tilbake til vurdering" in lines[-1] and "for lukking" not in lines[-1]
    assert stored(bot, deviation.id).state == "registrert"
    assert "Registrert" in card(bot)["text"] and buttons(card(bot)) == ["Vurder"]
    assert audit(bot, deviation.id)[-1] == ("tilbake_til_vurdering", LEADER, "tiltak_pagar", "registrert")
    notice = press(bot, ids.CLOSE, deviation.id)
    assert notice["callback_id"] == ids.NOTICE_VIEW and "ikke lukkes" in text_of(notice)
    settled(bot)
    assert not [c for c in bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == OTHER_LEADER)
                if "for lukking" in text_of(c.params)]

    # The leaders decide anew: a new action, carried out this time; now the case may close, and the
    # closure modal asks for the result with the done and the dropped action in view.
    second = {**ONE_ACTION, "action_0_description": "Ny sjekkliste for begrunnelse"}
    assert assess(bot, deviation.id, second) is None
    [dm] = [d for d in dms_to(bot, OWNER, 3) if "Ny sjekkliste" in text_of(d)]  # assigned, dropped, assigned
    form = press(bot, ids.ACTION_DONE, button_value(dm, ids.ACTION_DONE), user=OWNER)
    assert submit(bot, form, {"note": "Sjekklisten er tatt i bruk."}, user=OWNER) is None
    wait_for_thread(bot, 6)
    assert stored(bot, deviation.id).state == "klar_for_lukking"
    closure = press(bot, ids.CLOSE, deviation.id)
    shown = text_of(closure)
    assert "Hva ble resultatet av tiltakene?" in shown
    assert "Gå gjennom malen for vedtaksbrev" in shown and "Forkastet" in shown
    assert "Ny sjekkliste for begrunnelse" in shown and "Utført" in shown


def test_the_leader_who_drops_the_last_action_is_not_told_the_case_is_ready(bot):
    deviation = report(bot)
    two = {**ONE_ACTION, "responsible": LEADER, "action_1_term": "lang", "action_1_description": "Opplæring",
           "action_1_owner": OWNER, "action_1_due_on": "2026-12-15"}
    view = press(bot, ids.ASSESS, deviation.id)
    view = add_action_row(bot, view, two)
    assert submit(bot, view, two) is None
    [first] = [d for d in dms_to(bot, OWNER, 2) if "Gå gjennom malen" in text_of(d)]
    form = press(bot, ids.ACTION_DONE, button_value(first, ids.ACTION_DONE), user=OWNER)
    assert submit(bot, form, {"note": "Gjort."}, user=OWNER) is None
    wait_for_thread(bot, 2)
    _drop_only_action(bot, deviation.id, "Dekkes av fylkets opplæring.")
    lines = wait_for_thread(bot, 4)
    assert "klart for lukking" in lines[-1]
    assert stored(bot, deviation.id).state == "klar_for_lukking"
    settled(bot)
    assert bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == LEADER) == []


# --- 4. the leader group's avgjørelse is an office rule --------------------------------------------

def test_a_major_case_asks_for_the_leader_groups_avgjorelse_never_a_vedtak(bot):
    deviation = report(bot, severity="hoy", title="Brev sendt uten begrunnelse")
    assert assess(bot, deviation.id, NO_ACTION) is None
    closure = press(bot, ids.CLOSE, deviation.id)
    assert {"decision_date", "decision_reference"} <= set(block_ids(closure))
    words = text_of(closure).lower()
    assert "avgjørelse" in words and "vedtak" not in words
    answer = submit(bot, closure, {"feedback": "Rutinen er endret.", "no_new_lesson": ["ingen"]})
    assert set(answer["errors"]) == {"decision_date", "decision_reference"}
    assert submit(bot, closure, {"feedback": "Rutinen er endret.", "no_new_lesson": ["ingen"],
                                 "decision_date": "2026-11-20",
                                 "decision_reference": "LG-møte 47/2026"}) is None
    wait_for_thread(bot, 2)
    shown = text_of(card(bot))
    assert "Ledergruppas avgjørelse 20.11.2026 (LG-møte 47/2026)" in shown


@pytest.mark.parametrize("office_config", [("leader_group_decision = true", "leader_group_decision = false")],
                         indirect=True)
def test_an_office_that_turns_the_leader_group_rule_off_closes_a_major_case_without_it(bot):
    deviation = report(bot, severity="hoy")
    assert assess(bot, deviation.id, NO_ACTION) is None
    closure = press(bot, ids.CLOSE, deviation.id)
    assert "decision_date" not in block_ids(closure) and "decision_reference" not in block_ids(closure)
    assert submit(bot, closure, {"feedback": "Rutinen for begrunnelse er endret.", "no_new_lesson": ["ingen"]}) is None
    assert stored(bot, deviation.id).state == "lukket"
    # A «større avvik» still reaches the office at once («informerer om det på kontoret»).
    [post] = [c.params for c in bot.fake.wait_for("chat.postMessage",
                                                  where=lambda c: c.params["channel"] == OFFICE_CHANNEL)]
    assert "Rutinen for begrunnelse er endret." in text_of(post)


# --- 3. leaders decide what a «større avvik» is --------------------------------------------------

def test_the_assessing_leader_sets_the_severity_and_the_reporters_choice_stays_as_meldt_som(bot):
    deviation = report(bot, severity="lav")
    view = press(bot, ids.ASSESS, deviation.id)
    severity = block(view, "severity")
    assert severity["element"]["initial_option"]["value"] == "lav"
    assert "Meldt som: Lav" in text_of({"blocks": [severity]})
    assert submit(bot, view, {**NO_ACTION, "severity": "hoy"}) is None

    line = wait_for_thread(bot, 1)[-1]
    assert "Alvorlighetsgrad endret: Lav → Høy (større avvik)." in line
    assert "Høy (større avvik) (meldt som Lav)" in text_of(card(bot))
    changed = stored(bot, deviation.id)
    assert (changed.severity, changed.reported_severity) == ("hoy", "lav")
    assert audit(bot, deviation.id)[-1] == ("vurdert_uten_tiltak", LEADER, "registrert", "klar_for_lukking")
    # Now a «større avvik»: closure asks for the leader group's avgjørelse.
    closure = press(bot, ids.CLOSE, deviation.id)
    assert {"decision_date", "decision_reference"} <= set(block_ids(closure))


def test_a_case_reported_as_major_that_the_leaders_judge_minor_closes_without_the_leader_group(bot):
    deviation = report(bot, severity="hoy")
    assert assess(bot, deviation.id, {**NO_ACTION, "severity": "lav"}) is None
    wait_for_thread(bot, 1)
    closure = press(bot, ids.CLOSE, deviation.id)
    assert "decision_date" not in block_ids(closure)
    assert submit(bot, closure, {"feedback": "En enkeltstående glipp, rettet samme dag.",
                                 "no_new_lesson": ["ingen"]}) is None
    assert stored(bot, deviation.id).state == "lukket"
    assert "Lav (meldt som Høy (større avvik))" in text_of(card(bot))


# --- 2. cases reported elsewhere are assessed too --------------------------------------------------

def _status(bot, reference: str, user: str = STAFF) -> str:
    response = bot.client.command(f"status {reference}", user=user)
    assert response.status == 200
    return text_of(response.json())


def test_a_case_reported_in_asys_closes_only_after_a_leader_confirms_it_is_followed_up_there(bot):
    deviation = report(bot, category="informasjonssikkerhet")
    assert "Meldt i ASYS; vi venter på referansen derfra." in _status(bot, deviation.reference)

    # A leader adds the reference from the card: the case stays «meldt i annet system».
    reference_form = press(bot, "reported_externally", deviation.id)
    answer = bot.client.submit(reference_form, {"external_reference": "ASYS-2026-17"}, user=LEADER)
    assert answer.status == 200
    line = wait_for_thread(bot, 1)[-1]
    assert "ASYS-2026-17" in line and "for lukking" not in line
    assert stored(bot, deviation.id).state == "videresendt"
    assert buttons(card(bot)) == ["Bekreft oppfølging i ASYS"]
    status = _status(bot, deviation.reference)
    assert "Meldt i ASYS (ref ASYS-2026-17); følges opp der." in status
    assert "Tiltakene er gjennomført" not in status
    notice = press(bot, ids.CLOSE, deviation.id)
    assert notice["callback_id"] == ids.NOTICE_VIEW and "ikke lukkes" in text_of(notice)

    # Someone who is not a leader cannot confirm it.
    refused = press(bot, ids.FOLLOWED_UP, deviation.id, user=STAFF)
    assert refused["callback_id"] == ids.NOTICE_VIEW and "bare ledere" in text_of(refused)

    # A leader confirms, with the reference in view; then the case may close.
    confirm = press(bot, ids.FOLLOWED_UP, deviation.id)
    assert "ASYS" in text_of(confirm) and "ASYS-2026-17" in text_of(confirm)
    assert submit(bot, confirm, {}) is None
    line = wait_for_thread(bot, 2)[-1]
    assert "følges opp i ASYS (ref ASYS-2026-17)" in line
    assert audit(bot, deviation.id)[-1] == ("fulgt_opp_eksternt", LEADER, "videresendt", "klar_for_lukking")
    status = _status(bot, deviation.reference)
    assert "Meldt i ASYS (ref ASYS-2026-17); følges opp der." in status
    assert "Tiltakene er gjennomført" not in status
    assert buttons(card(bot)) == ["Lukk"]
    # A replayed confirmation is refused with a reason, not a stack trace.
    again = submit(bot, confirm, {})
    assert again["response_action"] == "errors"
    closure = press(bot, ids.CLOSE, deviation.id)
    assert submit(bot, closure, {"feedback": "Fulgt opp i ASYS; tilgangene er strammet inn.",
                                 "no_new_lesson": ["ingen"]}) is None
    assert stored(bot, deviation.id).state == "lukket"


# --- 6. experience goes into the business plan --------------------------------------------------------

def test_closure_needs_the_experience_for_the_business_plan_or_ingen_ny_erfaring_and_the_report_counts_it(bot):
    first, second = report(bot), report(bot, title="Brev til feil adresse")
    for deviation in (first, second):
        assert assess(bot, deviation.id, NO_ACTION) is None
    closure = press(bot, ids.CLOSE, first.id)
    assert "Erfaring til virksomhetsplanen" in text_of(closure) and "Ingen ny erfaring" in text_of(closure)
    answer = submit(bot, closure, {"feedback": "Malen er rettet."})
    assert answer["response_action"] == "errors" and "Ingen ny erfaring" in answer["errors"]["lesson"]
    answer = submit(bot, closure, {"feedback": "Malen er rettet.", "lesson": "Sjekkliste for brev.",
                                   "no_new_lesson": ["ingen"]})
    assert "ikke begge" in answer["errors"]["lesson"]
    assert stored(bot, first.id).state == "klar_for_lukking"
    assert submit(bot, closure, {"feedback": "Malen er rettet.", "no_new_lesson": ["ingen"]}) is None
    closed = stored(bot, first.id)
    assert (closed.state, closed.lesson, closed.no_new_lesson) == ("lukket", None, True)
    assert submit(bot, press(bot, ids.CLOSE, second.id), {"feedback": "Adressen er rettet.",
                                                          "lesson": "Sjekk adressen før utsending."}) is None

    assert bot.client.command("rapport 2026-11", user=LEADER).status == 200
    [dm] = [c.params for c in bot.fake.wait_for(
        "chat.postMessage", where=lambda c: c.params["channel"] == LEADER and "Avviksrapport" in text_of(c.params))]
    shown = text_of(dm)
    assert "1 avvik ble lukket med «Ingen ny erfaring»." in shown and "Sjekk adressen før utsending." in shown


# --- 8. the reporter hears back -----------------------------------------------------------------------

def test_the_reporter_hears_the_closure_feedback_and_the_reopening_by_dm_exactly_once(bot):
    deviation = report(bot)
    assert assess(bot, deviation.id, NO_ACTION) is None
    feedback = "Malen for vedtaksbrev er rettet, og alle veiledere har fått beskjed."
    closure = press(bot, ids.CLOSE, deviation.id)
    assert submit(bot, closure, {"feedback": feedback, "lesson": "Sjekkliste for brev i virksomhetsplanen."}) is None
    [closed] = [dm for dm in dms_to(bot, STAFF, 2) if "er lukket" in text_of(dm)
                and deviation.reference in text_of(dm)]  # and the receipt
    text = text_of(closed)
    assert deviation.reference in text and "er lukket" in text
    assert feedback in text and "Sjekkliste for brev i virksomhetsplanen." in text
    assert LEADER not in text  # who closed it is not the point

    reopen = press(bot, ids.REOPEN, deviation.id)
    assert submit(bot, reopen, {"reason": "Samme feil skjedde igjen i dag."}) is None
    [reopened] = [dm for dm in dms_to(bot, STAFF, 3) if "gjenåpnet" in text_of(dm)
                  and deviation.reference in text_of(dm)]
    assert deviation.reference in text_of(reopened)
    # Replayed forms change nothing and send nothing twice.
    assert submit(bot, closure, {"feedback": feedback, "no_new_lesson": ["ingen"]})["response_action"] == "errors"
    settled(bot)
    assert len([c for c in bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == STAFF)
                if deviation.reference in text_of(c.params)]) == 3


def test_an_anonymous_reporter_is_told_nothing_but_a_named_one_is(bot):
    anonymous, named = report(bot, anonymous=["anonymous"]), report(bot, user=COLLEAGUE)
    for deviation in (anonymous, named):
        assert assess(bot, deviation.id, NO_ACTION) is None
        assert submit(bot, press(bot, ids.CLOSE, deviation.id), {"feedback": "Rettet.",
                                                                 "no_new_lesson": ["ingen"]}) is None
    assert [dm for dm in dms_to(bot, COLLEAGUE, 2) if "er lukket" in text_of(dm)]
    settled(bot)
    assert bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == STAFF) == []


# --- 7. a case that needs no action closes in one modal -----------------------------------------------

CLOSE_NOW = {"needs_actions": "lukk", "responsible": LEADER, **RISK,
             "reasons": "En enkeltstående glipp som alt er rettet; rutinen er god nok.",
             "feedback": "Brevet er sendt på nytt med begrunnelse.", "no_new_lesson": ["ingen"]}


def test_ingen_tiltak_lukk_naa_assesses_and_closes_in_one_modal(bot):
    deviation = report(bot)
    view = press(bot, ids.ASSESS, deviation.id)
    assert "Ingen tiltak – lukk nå" in text_of(view)
    answer = submit(bot, view, {k: v for k, v in CLOSE_NOW.items() if k not in ("feedback", "no_new_lesson")})
    assert answer["response_action"] == "errors" and "feedback" in answer["errors"]
    assert stored(bot, deviation.id).state == "registrert"

    assert submit(bot, view, CLOSE_NOW) is None
    lines = wait_for_thread(bot, 2)
    assert "ingen tiltak trengs" in lines[0] and "Lukket" in lines[1]
    closed = stored(bot, deviation.id)
    assert (closed.state, closed.closure_feedback, closed.no_new_lesson) == (
        "lukket", "Brevet er sendt på nytt med begrunnelse.", True)
    assert [kind for kind, *_ in audit(bot, deviation.id)][-2:] == ["vurdert_uten_tiltak", "lukket"]
    assert buttons(card(bot)) == ["Gjenåpne"]
    assert [dm for dm in dms_to(bot, STAFF, 2) if "Brevet er sendt på nytt" in text_of(dm)]  # the reporter hears


def test_a_major_case_is_not_closed_from_the_assessment_without_the_leader_groups_avgjorelse(bot):
    deviation = report(bot, severity="hoy")
    answer = submit(bot, press(bot, ids.ASSESS, deviation.id), CLOSE_NOW)
    assert "avgjørelse" in answer["errors"]["needs_actions"]
    assert stored(bot, deviation.id).state == "registrert"


def test_avvik_hjelp_tells_how_the_leaders_follow_up(bot):
    response = bot.client.command("hjelp", user=STAFF)
    assert response.status == 200
    shown = text_of(response.json())
    assert "går det tilbake til vurdering" in shown and "følges opp der" in shown
    assert "Ingen ny erfaring" in shown and "direktemelding" in shown and "avgjørelse" in shown


# --- 5. actions change after assessment ------------------------------------------------------------------

def test_a_leader_adds_an_action_and_gives_one_a_new_responsible_and_due_date_from_the_card(bot):
    deviation = report(bot)
    assert assess(bot, deviation.id, ONE_ACTION) is None
    wait_for_thread(bot, 1)
    assert buttons(card(bot)) == ["Endre tiltak", "Forkast tiltak", "Legg til tiltak"]

    # Add one: its responsible person gets it with «Utført».
    added = press(bot, ids.ADD_ACTION, deviation.id)
    answer = submit(bot, added, {"action_0_term": "lang"})
    assert answer["response_action"] == "errors" and "action_0_description" in answer["errors"]
    assert submit(bot, added, {"action_0_term": "lang", "action_0_description": "Opplæring i begrunnelse",
                               "action_0_owner": OTHER_OWNER, "action_0_due_on": "2026-12-15"}) is None
    line = wait_for_thread(bot, 2)[-1]
    assert "Tiltak lagt til" in line and "Opplæring i begrunnelse" in line and "15.12.2026" in line
    [assigned] = dms_to(bot, OTHER_OWNER)
    assert "Opplæring i begrunnelse" in text_of(assigned) and buttons(assigned) == ["Utført"]
    assert audit(bot, deviation.id)[-1][:2] == ("tiltak_lagt_til", LEADER)

    # Change the first: a new responsible person and a new due date; both are told.
    change = press(bot, ids.CHANGE_ACTION, deviation.id)
    first = next(o["value"] for o in block(change, "action")["element"]["options"]
                 if "malen for vedtaksbrev" in o["text"]["text"])
    answer = submit(bot, change, {"action": first})
    assert "ny ansvarlig" in answer["errors"]["new_owner"].lower()
    assert submit(bot, change, {"action": first, "new_owner": OTHER_OWNER, "new_due_on": "2026-12-04"}) is None
    line = wait_for_thread(bot, 3)[-1]
    assert "Tiltak endret" in line and f"Navn {OWNER} → <@{OTHER_OWNER}>" in line and "30.11.2026 → 04.12.2026" in line
    [moved] = [d for d in dms_to(bot, OTHER_OWNER, 2) if "Gå gjennom malen for vedtaksbrev" in text_of(d)]
    assert "Gå gjennom malen for vedtaksbrev" in text_of(moved) and "04.12.2026" in text_of(moved)
    [former] = [d for d in dms_to(bot, OWNER, 2) if "ny ansvarlig" in text_of(d)]
    assert "ny ansvarlig" in text_of(former) and "Gå gjennom malen for vedtaksbrev" in text_of(former)
    actions = stored(bot, deviation.id).actions
    assert [(a.owner_id, str(a.due_on)) for a in actions] == [(OTHER_OWNER, "2026-12-04"),
                                                              (OTHER_OWNER, "2026-12-15")]
    assert audit(bot, deviation.id)[-1][:2] == ("tiltak_endret", LEADER)
    # The former responsible person's «Utført» no longer works for them.
    old = press(bot, ids.ACTION_DONE, button_value(dms_to(bot, OWNER)[0], ids.ACTION_DONE), user=OWNER)
    assert old["callback_id"] == ids.NOTICE_VIEW



# --- 9. nobody is pinged about their own action -----------------------------------------------------------

def test_the_thread_pings_only_who_must_act_and_names_the_rest_looked_up_once(bot):
    deviation = report(bot)
    assert "<@" not in text_of(posted_to(bot.fake, LEADER_CHANNEL)[0])  # the reporter is named on the card
    assert f"Navn {STAFF}" in text_of(posted_to(bot.fake, LEADER_CHANNEL)[0])
    assert assess(bot, deviation.id, {**ONE_ACTION, "responsible": LEADER}) is None  # responsible: themselves
    line = wait_for_thread(bot, 1)[-1]
    assert "<@" not in line and f"Navn {LEADER} · Vurdert" in line and f"Ansvarlig leder Navn {LEADER}" in line
    form = press(bot, ids.ACTION_DONE, button_value(dms_to(bot, OWNER)[0], ids.ACTION_DONE), user=OWNER)
    assert submit(bot, form, {"note": "Malen er rettet."}, user=OWNER) is None
    lines = wait_for_thread(bot, 3)
    assert all("<@" not in line for line in lines), lines
    settled(bot)
    looked_up = [c.params["user"] for c in bot.fake.of("users.info")]
    assert len(looked_up) == len(set(looked_up))  # each name asked for once, then kept in memory


# --- 10. one escalation post per run -------------------------------------------------------------------

def test_cases_escalated_in_the_same_run_share_one_post_in_the_leader_channel(bot, clock):
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.reminders.jobs import scheduled_nudges

    first, second = report(bot), report(bot, title="Brev til feil adresse")
    day = date(2026, 11, 24)
    while day <= date(2026, 12, 8):
        clock.set(datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Europe/Oslo")))
        scheduled_nudges(bot.services, "lillehammer-gausdal")
        day += timedelta(days=1)
    settled(bot)
    posts = [p for p in posted_to(bot.fake, LEADER_CHANNEL) if "uten å komme videre" in text_of(p)]
    assert len(posts) == 1
    shown = text_of(posts[0])
    assert first.reference in shown and second.reference in shown and "2 avvik har stått stille" in shown
    assert buttons(posts[0]) == ["Vurder", "Vurder"]


def test_the_leaders_are_reminded_to_confirm_the_follow_up_of_a_case_reported_elsewhere(bot, clock):
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.reminders.jobs import scheduled_nudges

    deviation = report(bot, category="informasjonssikkerhet")
    form = press(bot, "reported_externally", deviation.id)
    assert bot.client.submit(form, {"external_reference": "ASYS-2026-17"}, user=LEADER).status == 200
    wait_for_thread(bot, 1)
    day = date(2026, 11, 24)
    while day <= date(2026, 11, 27):
        clock.set(datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Europe/Oslo")))
        scheduled_nudges(bot.services, "lillehammer-gausdal")
        day += timedelta(days=1)
    settled(bot)
    [reminder] = [p for p in bot.fake.of("chat.postMessage") if p.params["channel"] == LEADER
                  and "bekreftet at avviket følges opp" in text_of(p.params)]
    assert deviation.reference in text_of(reminder.params)
    assert "Bekreft oppfølging i ASYS" in buttons(reminder.params)


# --- 11. «Utsett» on a reminder ------------------------------------------------------------------------------

def test_the_owner_snoozes_an_overdue_reminder_but_the_leaders_escalation_goes_on(bot, clock):
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.reminders.jobs import scheduled_nudges

    def mornings(first: date, last: date) -> None:
        day = first
        while day <= last:
            clock.set(datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Europe/Oslo")))
            scheduled_nudges(bot.services, "lillehammer-gausdal")
            day += timedelta(days=1)
        settled(bot)

    def reminders(user: str) -> list[dict]:
        return [c.params for c in bot.fake.of("chat.postMessage")
                if c.params["channel"] == user and "Påminnelser om avvik" in text_of(c.params)]

    deviation = report(bot)
    assert assess(bot, deviation.id, ONE_ACTION) is None  # due 30.11.2026, responsible OTHER_LEADER
    wait_for_thread(bot, 1)
    mornings(date(2026, 12, 1), date(2026, 12, 1))
    [reminder] = reminders(OWNER)
    assert "Utsett" in buttons(reminder)
    value = button_value(reminder, "reminder_snooze")

    refused = press(bot, "reminder_snooze", value, user=OTHER_OWNER)
    assert refused["callback_id"] == ids.NOTICE_VIEW and "Bare den som fikk påminnelsen" in text_of(refused)
    form = press(bot, "reminder_snooze", value, user=OWNER)
    assert "15.12.2026" in text_of(form)  # ten workdays ahead at most
    for until, words in (("2026-12-16", "høyst 10 virkedager"), ("2026-12-05", "virkedag"),
                         ("2026-12-01", "etter i dag")):
        answer = submit(bot, form, {"until": until, "reason": "Venter på ny mal fra fylket."}, user=OWNER)
        assert words in answer["errors"]["until"], (until, answer)
    assert submit(bot, form, {"until": "2026-12-08", "reason": "Venter på ny mal fra fylket."}, user=OWNER) is None
    line = wait_for_thread(bot, 2)[-1]
    assert "utsatt til 08.12.2026" in line and "Venter på ny mal" in line
    assert "utsatt til 08.12.2026" in text_of(card(bot))
    assert audit(bot, deviation.id)[-1][:2] == ("utsatt", OWNER)

    # Quiet for the owner until the day chosen; the responsible leader still hears of the overdue action.
    mornings(date(2026, 12, 2), date(2026, 12, 7))
    assert len(reminders(OWNER)) == 1
    assert reminders(OTHER_LEADER), "a snooze never silences an overdue action past its escalation"
    mornings(date(2026, 12, 8), date(2026, 12, 8))
    assert len(reminders(OWNER)) == 2
