"""Leaders assess, assign actions and close (seed 000, «Lukking av avvik»), through signed HTTP as
Slack sends it: the card in the leader channel, its thread, the owners' DMs and the audit log."""

from __future__ import annotations

from handlers import ids
from handlers.payloads import unseal
from tests.support.flows import posted_to, text_of
from tests.support.leader_flows import (
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
    ledger_size,
    press,
    report,
    stored,
    submit,
    typed,
    wait_for_thread,
)


def test_a_leader_walks_a_case_through_every_state(bot):
    deviation = report(bot)
    assert buttons(posted_to(bot.fake, LEADER_CHANNEL)[0]) == ["Vurder"]

    # «Vurder»: two actions, the second added inside the modal without losing the first.
    view = press(bot, ids.ASSESS, deviation.id)
    assert view["callback_id"] == "assessment"
    assert "action_0_description" in block_ids(view) and "action_1_description" not in block_ids(view)
    first = {"needs_actions": "ja", "responsible": OTHER_LEADER, "action_0_term": "kort",
             "action_0_description": "Gå gjennom malen for vedtaksbrev", "action_0_owner": OWNER,
             "action_0_due_on": "2026-11-30", **RISK}
    view = add_action_row(bot, view, first)
    assert block(view, "action_0_description")["element"]["initial_value"] == "Gå gjennom malen for vedtaksbrev"
    assert block(view, "action_0_owner")["element"]["initial_user"] == OWNER
    assert block(view, "action_0_due_on")["element"]["initial_date"] == "2026-11-30"
    assert block(view, "action_0_term")["element"]["initial_option"]["value"] == "kort"
    assert block(view, "responsible")["element"]["initial_user"] == OTHER_LEADER
    assert "action_1_description" in block_ids(view)
    answers = {**first, "action_1_term": "lang", "action_1_description": "Opplæring i begrunnelsesplikten",
               "action_1_owner": OTHER_OWNER, "action_1_due_on": "2027-01-15"}
    assert submit(bot, view, answers) is None

    lines = wait_for_thread(bot, 1)
    # Who did it is named without a ping; the responsible leader, who must act, is mentioned (issue 16).
    assert "2 korrigerende tiltak" in lines[-1] and f"Navn {LEADER}" in lines[-1] and f"<@{OTHER_LEADER}>" in lines[-1]
    now = card(bot)
    assert "Tiltak pågår" in now["text"]
    assert "Gå gjennom malen for vedtaksbrev" in text_of(now) and f"<@{OTHER_LEADER}>" in text_of(now)
    assert buttons(now) == ["Endre tiltak", "Forkast tiltak", "Legg til tiltak"]
    [owner_dm] = dms_to(bot, OWNER)
    [other_dm] = dms_to(bot, OTHER_OWNER)
    assert "Gå gjennom malen for vedtaksbrev" in text_of(owner_dm) and buttons(owner_dm) == ["Utført"]
    assert "Opplæring i begrunnelsesplikten" in text_of(other_dm)
    assert audit(bot, deviation.id)[-1] == ("vurdert_med_tiltak", LEADER, "registrert", "tiltak_pagar")

    # The owner marks the first action done in their DM.
    done = press(bot, ids.ACTION_DONE, button_value(owner_dm, ids.ACTION_DONE), user=OWNER,
                 container={"type": "message", "channel_id": "D0OWNER1", "message_ts": "1700000000.000900"})
    assert done["callback_id"] == "action_completion"
    assert submit(bot, done, {"note": "Malen har nå et eget felt for begrunnelse."}, user=OWNER) is None
    lines = wait_for_thread(bot, 2)
    assert "Tiltak utført" in lines[-1] and f"Navn {OWNER}" in lines[-1] and "<@" not in lines[-1]
    dm_update = bot.fake.wait_for("chat.update", where=lambda c: c.params["channel"] == "D0OWNER1")[0].params
    assert "utført" in text_of(dm_update) and buttons(dm_update) == []
    assert "Tiltak pågår" in card(bot)["text"]
    assert audit(bot, deviation.id)[-1] == ("tiltak_utfort", OWNER, None, None)

    # A leader drops the second with a reason: the last one, so the case is ready and the
    # responsible leader is told.
    drop = press(bot, ids.DROP_ACTION, deviation.id)
    assert drop["callback_id"] == "drop_action"
    [choice] = block(drop, "action")["element"]["options"]
    assert "Opplæring" in choice["text"]["text"]
    assert submit(bot, drop, {"action": choice["value"], "reason": "Dekkes av fylkets opplæringspakke."}) is None
    lines = wait_for_thread(bot, 4)
    assert "Tiltak forkastet" in lines[-2] and "fylkets opplæringspakke" in lines[-2]
    assert "avviket er klart for lukking" in lines[-1]
    [ready] = dms_to(bot, OTHER_LEADER)
    assert "er klart for lukking" in text_of(ready) and buttons(ready) == ["Lukk"]
    assert "Klar for lukking" in card(bot)["text"] and buttons(card(bot)) == ["Lukk"]
    assert audit(bot, deviation.id)[-2:] == [("tiltak_forkastet", LEADER, None, None),
                                              ("tiltak_fullfort", LEADER, "tiltak_pagar", "klar_for_lukking")]
    # Its owner hears it was dropped, and why; «Utført» in their first DM now says so.
    dropped = dms_to(bot, OTHER_OWNER, 2)[-1]
    assert "forkastet" in text_of(dropped) and "Opplæring i begrunnelsesplikten" in text_of(dropped)
    assert "fylkets opplæringspakke" in text_of(dropped) and buttons(dropped) == []
    late = press(bot, ids.ACTION_DONE, button_value(other_dm, ids.ACTION_DONE), user=OTHER_OWNER)
    assert "forkastet" in text_of(late).lower()

    # «Lukk» from the DM: feedback to the office and a lesson for the business plan.
    closure = press(bot, ids.CLOSE, button_value(ready, ids.CLOSE), user=OTHER_LEADER)
    assert closure["callback_id"] == "closure"
    assert "decision_date" not in block_ids(closure)  # not a major deviation
    assert submit(bot, closure, {"feedback": "Malen for vedtaksbrev er rettet, og alle har fått beskjed.",
                                 "lesson": "Sjekklister for vedtaksbrev i virksomhetsplanen."},
                  user=OTHER_LEADER) is None
    lines = wait_for_thread(bot, 5)
    assert "Lukket" in lines[-1] and f"Navn {OTHER_LEADER}" in lines[-1] and "<@" not in lines[-1]
    assert "Lukket" in card(bot)["text"] and buttons(card(bot)) == ["Gjenåpne"]
    assert "Malen for vedtaksbrev er rettet" in text_of(card(bot))
    assert audit(bot, deviation.id)[-1] == ("lukket", OTHER_LEADER, "klar_for_lukking", "lukket")
    closed = stored(bot, deviation.id)
    assert closed.closed_at is not None and closed.lesson.startswith("Sjekklister")
    assert posted_to(bot.fake, OFFICE_CHANNEL) == []  # a middels case waits for the digest

    # «Gjenåpne» with a reason: back to assessment.
    reopen = press(bot, ids.REOPEN, deviation.id)
    assert reopen["callback_id"] == "reopen"
    assert submit(bot, reopen, {"reason": "Samme feil skjedde igjen i dag."}) is None
    lines = wait_for_thread(bot, 6)
    assert "Gjenåpnet" in lines[-1] and "Samme feil skjedde igjen" in lines[-1]
    assert "Registrert" in card(bot)["text"] and buttons(card(bot)) == ["Vurder"]
    assert stored(bot, deviation.id).closed_at is None

    # Assessed again, this time without actions: straight to ready, and closed.
    assert assess(bot, deviation.id, NO_ACTION) is None
    wait_for_thread(bot, 7)
    assert buttons(card(bot)) == ["Lukk"]
    closure = press(bot, ids.CLOSE, deviation.id)
    assert submit(bot, closure, {"feedback": "Feilen skyldtes en gammel mal som nå er slettet.",
                                 "no_new_lesson": ["ingen"]}) is None
    wait_for_thread(bot, 8)
    assert [(kind, to) for kind, _, _, to in audit(bot, deviation.id)] == [
        ("registrert", "registrert"), ("vurdert_med_tiltak", "tiltak_pagar"), ("tiltak_utfort", None),
        ("tiltak_forkastet", None), ("tiltak_fullfort", "klar_for_lukking"), ("lukket", "lukket"),
        ("gjenapnet", "registrert"), ("vurdert_uten_tiltak", "klar_for_lukking"), ("lukket", "lukket"),
    ]
    assert {c.params["thread_ts"] for c in bot.fake.of("chat.postMessage", lambda c: "thread_ts" in c.params)} == {
        stored(bot, deviation.id).card_ts}


def test_a_forwarded_case_closes_once_its_external_reference_is_confirmed(bot, clock):
    from bot.deviations.rules import Command
    from bot.deviations.workflow import transition

    deviation = report(bot, category="informasjonssikkerhet")
    assert stored(bot, deviation.id).state == "videresendt"
    assert buttons(posted_to(bot.fake, LEADER_CHANNEL)[0]) == ["Legg inn referanse fra ASYS"]  # no «Lukk» yet
    view = press(bot, ids.CLOSE, deviation.id)
    assert view["callback_id"] == ids.NOTICE_VIEW and "ikke lukkes" in text_of(view)

    # The reference button's own flow is tested in test_routing.py; here it is applied directly.
    office = bot.services.offices.office[0]
    moved = transition(bot.services.db, clock, office, deviation.id, Command.CONFIRM_EXTERNAL, actor_id=STAFF,
                       change=lambda d: setattr(d, "external_reference", "ASYS-2026-17"))
    bot.services.messenger.deliver(moved.ledger_ids)
    assert "ASYS-2026-17" in wait_for_thread(bot, 1)[-1]
    assert buttons(card(bot)) == ["Bekreft oppfølging i ASYS"]  # a leader confirms the follow-up first
    confirm = press(bot, ids.FOLLOWED_UP, deviation.id)
    assert submit(bot, confirm, {}) is None
    wait_for_thread(bot, 2)
    assert buttons(card(bot)) == ["Lukk"]
    closure = press(bot, ids.CLOSE, deviation.id)
    assert submit(bot, closure, {"feedback": "Meldt i ASYS og fulgt opp der.", "no_new_lesson": ["ingen"]}) is None
    wait_for_thread(bot, 3)
    assert stored(bot, deviation.id).state == "lukket"


# --- who may ------------------------------------------------------------------------------------

def test_a_non_leaders_crafted_vurder_and_lukk_clicks_are_refused_politely_and_audited(bot):
    deviation = report(bot)
    ledger_before = ledger_size(bot)
    for action_id in (ids.ASSESS, ids.CLOSE, ids.REOPEN, ids.DROP_ACTION):
        view = press(bot, action_id, deviation.id, user=STAFF)
        assert view["callback_id"] == ids.NOTICE_VIEW
        assert "bare ledere" in text_of(view)
    assert stored(bot, deviation.id).state == "registrert"
    assert ledger_size(bot) == ledger_before
    refusals = [(kind, actor) for kind, actor, _, _ in audit(bot, deviation.id) if kind == "ikke_tilgang"]
    assert refusals == [("ikke_tilgang", STAFF)] * 4


def test_a_non_leaders_legg_til_tiltak_inside_the_form_is_refused_over_it_and_audited(bot):
    deviation = report(bot)
    assessment = press(bot, ids.ASSESS, deviation.id)
    response = bot.client.click(ids.ADD_ACTION_ROW, value=str(deviation.id), user=STAFF,
                                view=typed(assessment, {}), container={"type": "view"})
    assert response.status == 200 and response.body == ""
    notice = bot.fake.wait_for("views.push")[0].params["view"]  # on top: the form stays underneath
    assert notice["callback_id"] == ids.NOTICE_VIEW and "bare ledere" in text_of(notice)
    assert bot.fake.of("views.update") == []
    assert audit(bot, deviation.id)[-1][:2] == ("ikke_tilgang", STAFF)


def test_a_button_whose_value_is_not_a_plain_number_names_no_case(bot):
    deviation = report(bot)
    for value in (f"{deviation.id}\u00b2", "\u0661", "\uff11", " 1", "-1", "0", "9" * 30):
        view = press(bot, ids.ASSESS, value)
        assert view["callback_id"] == ids.NOTICE_VIEW and "Fant ikke noe avvik" in text_of(view), value
    assert stored(bot, deviation.id).state == "registrert"


def test_a_form_whose_metadata_is_nested_past_any_view_of_ours_gets_an_answer_not_a_5xx(bot):
    deviation = report(bot)
    for callback_id in (ids.CLOSURE_VIEW, ids.COMPLETION_VIEW, ids.REGISTRATION):
        forged = {"type": "modal", "callback_id": callback_id, "private_metadata": "[" * 2900, "blocks": []}
        response = bot.client.submit(forged, {}, user=LEADER)
        assert response.status == 200, (callback_id, response.status)
    assert stored(bot, deviation.id).state == "registrert"


def test_a_non_leaders_crafted_vurder_and_lukk_submissions_change_nothing(bot):
    deviation = report(bot)
    assessment = press(bot, ids.ASSESS, deviation.id)
    answer = submit(bot, assessment, ONE_ACTION, user=STAFF)
    assert answer["response_action"] == "errors"
    assert "bare ledere" in answer["errors"]["needs_actions"]
    assert stored(bot, deviation.id).state == "registrert" and stored(bot, deviation.id).actions == []

    assert assess(bot, deviation.id, NO_ACTION) is None
    closure = press(bot, ids.CLOSE, deviation.id)
    ledger_before = ledger_size(bot)
    answer = submit(bot, closure, {"feedback": "Vi lukker denne selv."}, user=STAFF)
    assert answer["response_action"] == "errors" and "bare ledere" in answer["errors"]["feedback"]
    after = stored(bot, deviation.id)
    assert after.state == "klar_for_lukking" and after.closure_feedback is None
    assert ledger_size(bot) == ledger_before
    assert [k for k, actor, _, _ in audit(bot, deviation.id) if actor == STAFF][-2:] == ["ikke_tilgang"] * 2


def test_only_the_owner_or_a_leader_marks_an_action_done(bot):
    deviation = report(bot)
    assert assess(bot, deviation.id, ONE_ACTION) is None
    [dm] = dms_to(bot, OWNER)
    action_id = button_value(dm, ids.ACTION_DONE)
    view = press(bot, ids.ACTION_DONE, action_id, user=STAFF)
    assert view["callback_id"] == ids.NOTICE_VIEW and "den som er ansvarlig for tiltaket" in text_of(view)
    assert audit(bot, deviation.id)[-1][:2] == ("ikke_tilgang", STAFF)

    # A completion form replayed by someone else is refused too.
    form = press(bot, ids.ACTION_DONE, action_id, user=OWNER)
    answer = submit(bot, form, {"note": "Ferdig."}, user=STAFF)
    assert answer["response_action"] == "errors" and "den som er ansvarlig for tiltaket" in answer["errors"]["note"]
    assert [a.state for a in stored(bot, deviation.id).actions] == ["apen"]

    assert submit(bot, form, {"note": "Malen er rettet."}, user=OWNER) is None
    again = submit(bot, form, {"note": "Malen er rettet."}, user=OWNER)  # a double submit
    assert again["response_action"] == "errors" and "allerede" in again["errors"]["note"]
    assert [kind for kind, *_ in audit(bot, deviation.id)].count("tiltak_utfort") == 1


# --- closure rules ------------------------------------------------------------------------------

def test_a_case_with_an_open_action_cannot_be_closed_by_any_route(bot):
    deviation = report(bot)
    assert assess(bot, deviation.id, NO_ACTION) is None
    stale_closure = press(bot, ids.CLOSE, deviation.id)  # opened while the case could close
    assert submit(bot, stale_closure, {"feedback": "Lukket første gang.", "no_new_lesson": ["ingen"]}) is None
    reopen = press(bot, ids.REOPEN, deviation.id)
    assert submit(bot, reopen, {"reason": "Det trengs likevel et tiltak."}) is None
    assert assess(bot, deviation.id, ONE_ACTION) is None
    wait_for_thread(bot, 4)
    assert stored(bot, deviation.id).state == "tiltak_pagar"

    # The button is not offered …
    assert "Lukk" not in buttons(card(bot))
    # … a crafted click is refused with the reason …
    view = press(bot, ids.CLOSE, deviation.id)
    assert view["callback_id"] == ids.NOTICE_VIEW
    assert "kan ikke lukkes" in text_of(view) and "Tiltak pågår" in text_of(view)
    # … and the old closure form, replayed, is refused on the locked case.
    ledger_before = ledger_size(bot)
    answer = submit(bot, stale_closure, {"feedback": "Lukker likevel.", "no_new_lesson": ["ingen"]})
    assert answer["response_action"] == "errors"
    assert "kan ikke lukkes" in answer["errors"]["feedback"]
    after = stored(bot, deviation.id)
    assert after.state == "tiltak_pagar" and after.closure_feedback == "Lukket første gang."
    assert [a.state for a in after.actions][-1] == "apen"
    assert ledger_size(bot) == ledger_before
    assert [kind for kind, *_ in audit(bot, deviation.id)].count("lukket") == 1


def test_a_major_case_cannot_close_without_the_leader_groups_decision_and_its_feedback_reaches_the_office_at_once(
        bot):
    deviation = report(bot, severity="hoy")
    assert assess(bot, deviation.id, {**NO_ACTION, "responsible": OTHER_LEADER}) is None
    [ready] = dms_to(bot, OTHER_LEADER)  # assessed by someone else: the responsible leader is told
    assert deviation.reference in text_of(ready) and buttons(ready) == ["Lukk"]
    closure = press(bot, ids.CLOSE, deviation.id, user=OTHER_LEADER)
    assert {"decision_date", "decision_reference"} <= set(block_ids(closure))
    assert "ledergruppa" in text_of(closure).lower()

    feedback = "Rutinen for begrunnelse er endret, og alle veiledere har fått opplæring."
    answer = submit(bot, closure, {"feedback": feedback, "no_new_lesson": ["ingen"]}, user=OTHER_LEADER)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"decision_date", "decision_reference"}
    assert stored(bot, deviation.id).state == "klar_for_lukking"
    answer = submit(bot, closure, {"feedback": feedback, "decision_date": "2026-11-20", "no_new_lesson": ["ingen"]},
                    user=OTHER_LEADER)
    assert set(answer["errors"]) == {"decision_reference"}
    assert stored(bot, deviation.id).state == "klar_for_lukking"

    assert submit(bot, closure, {"feedback": feedback, "lesson": "Begrunnelse som tema i virksomhetsplanen.",
                                 "decision_date": "2026-11-20", "decision_reference": "LG-møte 47/2026"},
                  user=OTHER_LEADER) is None
    [post] = [c.params for c in bot.fake.wait_for("chat.postMessage",
                                                  where=lambda c: c.params["channel"] == OFFICE_CHANNEL)]
    text = text_of(post)
    assert feedback in text and deviation.reference in text and "Begrunnelse som tema" in text
    assert "<@" not in text and STAFF not in text and LEADER not in text and OTHER_LEADER not in text
    closed = stored(bot, deviation.id)
    assert (closed.state, str(closed.decision_date), closed.decision_reference) == (
        "lukket", "2026-11-20", "LG-møte 47/2026")
    wait_for_thread(bot, 2)
    assert "LG-møte 47/2026" in text_of(card(bot))


# --- the assessment form ------------------------------------------------------------------------

def test_the_assessment_form_says_what_is_missing_and_keeps_what_was_typed(bot):
    deviation = report(bot)
    view = press(bot, ids.ASSESS, deviation.id)
    deviations = [
        ({"needs_actions": "nei", "responsible": LEADER}, {"reasons": "Skriv hvorfor det ikke trengs tiltak."}),
        ({"needs_actions": "ja", "responsible": LEADER}, {"action_0_description": "Legg inn minst ett tiltak"}),
        ({**ONE_ACTION, "action_0_due_on": "2026-11-01"}, {"action_0_due_on": "tilbake i tid"}),
        ({**ONE_ACTION, "action_0_owner": None}, {"action_0_owner": "må fylles ut"}),
        ({**ONE_ACTION, "action_0_description": "Ring 15108695088 og beklag"}, {"action_0_description":
                                                                               "fødselsnummer"}),
        ({**ONE_ACTION, "responsible": STAFF}, {"responsible": "Velg en av lederne"}),
        ({**NO_ACTION, "reasons": "Gjelder 151086 95088"}, {"reasons": "fødselsnummer"}),
    ]
    for answers, expected in deviations:
        answer = submit(bot, view, {k: v for k, v in answers.items() if v is not None})
        assert answer["response_action"] == "errors", answers
        for field, words in expected.items():
            assert words in answer["errors"][field], (field, answer["errors"])
    assert stored(bot, deviation.id).state == "registrert" and stored(bot, deviation.id).actions == []
    assert [kind for kind, *_ in audit(bot, deviation.id)] == ["registrert"]


def test_an_added_row_left_empty_is_skipped(bot):
    deviation = report(bot)
    view = add_action_row(bot, press(bot, ids.ASSESS, deviation.id), ONE_ACTION)
    assert unseal(view["private_metadata"])["rows"] == [0, 1]
    assert submit(bot, view, ONE_ACTION) is None
    assert [a.owner_id for a in stored(bot, deviation.id).actions] == [OWNER]


def test_a_replayed_assessment_gets_a_clear_message_not_a_stack_trace(bot):
    deviation = report(bot)
    view = press(bot, ids.ASSESS, deviation.id)
    assert submit(bot, view, ONE_ACTION) is None
    answer = submit(bot, view, ONE_ACTION, user=OTHER_LEADER)
    assert answer["errors"]["needs_actions"] == "Avviket kan ikke endres slik nå (status: Tiltak pågår)."
    assert len(stored(bot, deviation.id).actions) == 1
    # The card's «Vurder» pressed late: the notice says why.
    view = press(bot, ids.ASSESS, deviation.id, user=OTHER_LEADER)
    assert view["callback_id"] == ids.NOTICE_VIEW and "Tiltak pågår" in text_of(view)


def test_reopening_needs_a_reason(bot):
    deviation = report(bot)
    assert assess(bot, deviation.id, NO_ACTION) is None
    assert submit(bot, press(bot, ids.CLOSE, deviation.id), {"feedback": "Ingen tiltak trengtes.",
                                                             "no_new_lesson": ["ingen"]}) is None
    view = press(bot, ids.REOPEN, deviation.id)
    answer = submit(bot, view, {"reason": "  "})
    assert answer["response_action"] == "errors" and "reason" in answer["errors"]
    assert stored(bot, deviation.id).state == "lukket"


def test_the_thread_never_names_the_reporter_of_an_anonymous_case(bot):
    deviation = report(bot, anonymous=["anonymous"])
    assert assess(bot, deviation.id, ONE_ACTION) is None
    [dm] = dms_to(bot, OWNER)
    form = press(bot, ids.ACTION_DONE, button_value(dm, ids.ACTION_DONE), user=OWNER)
    assert submit(bot, form, {"note": "Gjort."}, user=OWNER) is None
    lines = wait_for_thread(bot, 3)
    everything = "\n".join([*lines, text_of(card(bot)), text_of(dm)])
    assert STAFF not in everything
    assert all(actor != STAFF for _, actor, _, _ in audit(bot, deviation.id))
    assert "Anonym" in text_of(card(bot))


def test_the_leaders_words_exist_for_every_state_and_the_forms_fields_are_the_modals_blocks():
    from bot.deviations.rules import ActionState, State, Term
    from bot.i18n import has
    from bot.leaders import forms as leader_forms

    assert all(has(f"status.next.{s.value}") for s in State)
    assert all(has(f"action_state.{s.value}") and has(f"card.mark.{s.value}") for s in ActionState)
    assert all(has(f"action.now_{s.value}") for s in ActionState if s is not ActionState.OPEN)
    assert all(has(f"term.{term.value}") for term in Term)
    assert all(has(f"assess.choice.{choice}") for choice in (leader_forms.YES, leader_forms.NO))
    pairs = [(ids.Leader.NEEDS_ACTIONS, leader_forms.NEEDS_ACTIONS), (ids.Leader.REASONS, leader_forms.REASONS),
             (ids.Leader.RESPONSIBLE, leader_forms.RESPONSIBLE), (ids.Leader.FEEDBACK, leader_forms.FEEDBACK),
             (ids.Leader.LESSON, leader_forms.LESSON), (ids.Leader.DECISION_DATE, leader_forms.DECISION_DATE),
             (ids.Leader.DECISION_REFERENCE, leader_forms.DECISION_REFERENCE)]
    pairs += [(ids.action_block(3, name), leader_forms.action_field(3, name)) for name in leader_forms.ACTION_FIELDS]
    assert all(block_id == field for block_id, field in pairs)


def test_a_lukk_submission_is_refused_while_an_action_is_still_open(bot, db, clock):
    """Seed 000: «ikke lukk et avvik før det er vurdert om det skal iverksettes tiltak og tiltaket
    er gjennomført». The leader opened «Lukk» on a case ready to close; before they submit, the
    case has gained an action nobody has carried out. The submission closes nothing."""
    from datetime import date

    from tests.support import seeding

    deviation = report(bot)
    assert assess(bot, deviation.id, NO_ACTION) is None
    closure = press(bot, ids.CLOSE, deviation.id)
    assert closure["callback_id"] == ids.CLOSURE_VIEW
    seeding.add_action(db, deviation.id, OWNER, date(2026, 12, 4), clock.now())
    before = ledger_size(bot)

    answer = submit(bot, closure, {"feedback": "Rutinen er endret, takk for meldingen."})

    assert answer is not None and "utført eller forkastet" in str(answer)
    assert stored(bot, deviation.id).state == "klar_for_lukking"
    assert "lukket" not in [kind for kind, *_ in audit(bot, deviation.id)]
    assert ledger_size(bot) == before  # no card update, no feedback to the office
    assert not any("Rutinen er endret" in text_of(p) for p in posted_to(bot.fake, OFFICE_CHANNEL))
