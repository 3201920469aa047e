"""«Har tiltaket virket?» again after a case is reopened and closed with new actions (issue 22).

Seed 000: handling deviations is to «lære av hendelser [...] og at forbedringer vedvarer». A «Nei» reopens
the case; once it is assessed again, its new action done and the case closed, the responsible leader is
asked again, 60 workdays after the new closure, once across two schedulers, about the new action; the
period report counts the case's latest answer, and the audit log keeps both.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from bot.reminders.jobs import scheduled_nudges
from handlers import ids
from store.models import Event, LedgerEntry
from tests.scenarios.test_effect import (
    DUE,
    LEADER_CHANNEL,
    OTHER_LEADER,
    check_of,
    closed_with_action,
    effect_job,
    ephemerals,
    oslo,
    press,
    questions_to,
    run_two_schedulers,
    sent_value,
    state_of,
)
from tests.support import leader_flows as flows
from tests.support.flows import posted_to, text_of

OWNER = "U0OWNER1"
REASSESSED = {**flows.ONE_ACTION, "action_0_description": "Kveldsvaktene bruker sjekklisten fra i dag",
              "action_0_due_on": "2027-02-15"}
CLOSED_AGAIN = date(2027, 1, 21)  # a Thursday
# 60 workdays after 21 January 2027: Tuesday 20 April. Skjærtorsdag, langfredag and 2. påskedag (25, 26 and
# 29 March) are not workdays, so counting weekdays alone would make it Thursday the 15th.
DUE_AGAIN = date(2027, 4, 20)
REPLACED = ("Avviket er gjenåpnet og lukket igjen siden dette spørsmålet ble sendt, og «Har tiltaket virket?» er "
            "stilt på nytt i en nyere melding. Svaret ble ikke lagret. Svar i den nyeste meldingen, hvis det ikke "
            "allerede er besvart der.")


def reopened_by_nei(bot, db, clock) -> int:
    """A case closed with an action, asked on DUE, and reopened by «Nei» with its note as the reason."""
    case = closed_with_action(db)
    effect_job(bot, clock, DUE)
    clock.set(oslo(DUE, 11))
    view = press(bot, "nei", case)
    note = "Sjekklisten brukes ikke på kveldsvakter."
    assert bot.client.submit(view, {ids.Effect.NOTE: note, ids.Effect.REOPEN: [ids.Effect.REOPEN_CHOSEN]},
                             user=OTHER_LEADER).status == 200
    assert state_of(bot, case) == "registrert"
    return case


def closed_again_with_a_new_action(bot, clock, case: int) -> None:
    """Assessed again with one new action, the action done in its owner's DM, and the case closed."""
    clock.set(oslo(DUE, 13))
    assert flows.assess(bot, case, REASSESSED) is None
    [dm] = flows.dms_to(bot, OWNER)
    clock.set(oslo(date(2027, 1, 20), 10))
    done = flows.press(bot, ids.ACTION_DONE, flows.button_value(dm, ids.ACTION_DONE), user=OWNER)
    assert flows.submit(bot, done, {"note": "Gått gjennom på kveldsmøtet."}, user=OWNER) is None
    assert state_of(bot, case) == "klar_for_lukking"
    clock.set(oslo(CLOSED_AGAIN, 14))
    closure = flows.press(bot, ids.CLOSE, case, user=OTHER_LEADER)
    assert flows.submit(bot, closure, {"feedback": "Kveldsvaktene har tatt sjekklisten i bruk.",
                                       "no_new_lesson": ["ingen"]}, user=OTHER_LEADER) is None
    assert state_of(bot, case) == "lukket"


def test_a_case_reopened_by_nei_and_closed_again_is_asked_again_once_about_its_new_action(bot, db, clock, slack):
    case = reopened_by_nei(bot, db, clock)
    closed_again_with_a_new_action(bot, clock, case)

    run_two_schedulers(bot, clock, slack, date(2027, 1, 22))  # the first round was answered: nothing now
    run_two_schedulers(bot, clock, slack, date(2027, 4, 19))  # 59 workdays on: not yet
    assert len(questions_to(bot, OTHER_LEADER)) == 1

    run_two_schedulers(bot, clock, slack, DUE_AGAIN)
    run_two_schedulers(bot, clock, slack, date(2027, 4, 21))  # the next day, and a restart: nothing again
    first, again = questions_to(bot, OTHER_LEADER)
    text = text_of(again)
    assert "AVV-2026-0001" in text and "Lukket 21.01.2027" in text
    assert "«Kveldsvaktene bruker sjekklisten fra i dag» — Gått gjennom på kveldsmøtet." in text
    assert "Ny sjekkliste for begrunnelse i vedtaksbrev" not in text  # the first round's action was asked about
    assert "Ny sjekkliste for begrunnelse i vedtaksbrev" in text_of(first)
    check = check_of(bot, case)
    assert (check.due_on, check.leader_id, check.answer, check.note, check.reopened) == (
        DUE_AGAIN, OTHER_LEADER, None, None, False)
    with db.transaction() as session:
        asked = session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.what == "effect_check"))
    assert asked == 2

    # The unanswered round shows in Monday's weekly summary, asked on its new day.
    clock.set(oslo(date(2027, 4, 26)))
    scheduled_nudges(bot.services, "lillehammer-gausdal")
    bot.fake.settle(quiet=0.1)
    [summary] = [p for p in posted_to(bot.fake, LEADER_CHANNEL) if "Avvik denne uken" in text_of(p)]
    assert "AVV-2026-0001* · Vedtak uten begrunnelse — spurt 20.04.2027 (<@U0LEADER2>)" in text_of(summary)

    # «Ja» this time: the check holds the latest answer, the audit log both.
    clock.set(oslo(date(2027, 4, 27), 10))
    view = press(bot, "virket", case)
    assert bot.client.submit(view, {}, user=OTHER_LEADER).status == 200
    assert (check_of(bot, case).answer, state_of(bot, case)) == ("virket", "lukket")
    with db.transaction() as session:
        answers = session.scalars(select(Event.detail).where(Event.deviation_id == case, Event.kind == "effekt_vurdert")
                                  .order_by(Event.id)).all()
    assert [a["answer"] for a in answers] == ["nei", "virket"]

    # The period report counts the case once, by its latest answer: «Virket», not also the «Nei» of January.
    clock.set(oslo(date(2027, 4, 28)))
    bot.client.command("rapport 2027H1", user="U0LEADER1")
    [dm] = [c.params for c in bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0LEADER1")]
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1:] for b in dm["blocks"] for f in b.get("fields") or []}
    shown = fields["*Har tiltaket virket?*"]
    assert [line.split(" (")[0] for line in shown] == ["Virket: *1*", "Virket delvis: *0*", "Virket ikke: *0*",
                                                       "Ikke besvart: *0*"]
    bot.fake.wait_for("files.completeUploadExternal")  # the report's files, before the fake Slack stops


def test_a_case_closed_again_without_actions_is_not_asked_again(bot, db, clock):
    case = reopened_by_nei(bot, db, clock)
    clock.set(oslo(DUE, 13))
    assert flows.assess(bot, case, {**flows.NO_ACTION, "responsible": OTHER_LEADER}) is None
    clock.set(oslo(CLOSED_AGAIN, 14))
    closure = flows.press(bot, ids.CLOSE, case, user=OTHER_LEADER)
    assert flows.submit(bot, closure, {"feedback": "Ingen nye tiltak trengs.", "no_new_lesson": ["ingen"]},
                        user=OTHER_LEADER) is None
    assert state_of(bot, case) == "lukket"

    effect_job(bot, clock, DUE_AGAIN)
    assert len(questions_to(bot, OTHER_LEADER)) == 1  # the first round only: nothing new was done to ask about
    assert check_of(bot, case).answer == "nei"  # the first round's answer stands


def test_an_unanswered_question_is_not_reminded_while_the_case_is_reopened_and_closed_again(bot, db, clock):
    """Reopened from its card before anyone answered, then closed again with a new action: the old question
    is neither reminded nor listed as waiting; the new closure gets its own question."""
    case = closed_with_action(db)
    effect_job(bot, clock, DUE)
    clock.set(oslo(DUE, 11))
    reopen = flows.press(bot, ids.REOPEN, case)
    assert flows.submit(bot, reopen, {"reason": "Samme feil igjen i dag."}) is None
    closed_again_with_a_new_action(bot, clock, case)

    for day in (date(2027, 1, 22), date(2027, 1, 25)):  # the old round's second and third reminder days
        effect_job(bot, clock, day)
    assert [p for p in posted_to(bot.fake, OTHER_LEADER) if "Påminnelse" in text_of(p)] == []
    scheduled_nudges(bot.services, "lillehammer-gausdal")  # Monday's weekly summary
    bot.fake.settle(quiet=0.1)
    [summary] = [p for p in posted_to(bot.fake, LEADER_CHANNEL) if "Avvik denne uken" in text_of(p)]
    assert "effekt-sjekk" not in text_of(summary)

    effect_job(bot, clock, DUE_AGAIN)
    assert len(questions_to(bot, OTHER_LEADER)) == 2
    assert check_of(bot, case).due_on == DUE_AGAIN


def test_a_button_of_an_earlier_round_does_not_answer_the_new_round(bot, db, clock):
    """The January question (answered «Nei») is still in the leader's DM when April's is asked: a click on
    January's «Ja» is told the question is replaced, and April's round stays unanswered until its own
    button is used."""
    case = reopened_by_nei(bot, db, clock)
    closed_again_with_a_new_action(bot, clock, case)
    effect_job(bot, clock, DUE_AGAIN)
    january, april = sent_value(bot, case, nth=0), sent_value(bot, case, nth=-1)

    clock.set(oslo(DUE_AGAIN, 11))
    assert press(bot, "virket", january) is None
    assert ephemerals(bot, OTHER_LEADER) == [REPLACED]
    check = check_of(bot, case)
    assert (check.due_on, check.answer, check.answered_by) == (DUE_AGAIN, None, None)
    with db.transaction() as session:
        answers = session.scalars(select(Event.detail).where(Event.deviation_id == case, Event.kind == "effekt_vurdert")
                                  ).all()
    assert [a["answer"] for a in answers] == ["nei"]  # January's only

    view = press(bot, "virket", april)
    assert bot.client.submit(view, {}, user=OTHER_LEADER).status == 200
    assert check_of(bot, case).answer == "virket"


def test_a_modal_of_an_earlier_round_submitted_after_a_new_round_began_changes_nothing(bot, db, clock):
    """«Delvis» pressed in January opens the modal; the case is reopened from its card, closed again with a
    new action and asked again in April. The January modal, sent then, is refused on its form: it does not
    answer April's question."""
    case = closed_with_action(db)
    effect_job(bot, clock, DUE)
    clock.set(oslo(DUE, 10))
    stale = press(bot, "delvis", case)
    assert stale is not None
    reopen = flows.press(bot, ids.REOPEN, case)
    assert flows.submit(bot, reopen, {"reason": "Samme feil igjen i dag."}) is None
    closed_again_with_a_new_action(bot, clock, case)
    effect_job(bot, clock, DUE_AGAIN)
    assert len(questions_to(bot, OTHER_LEADER)) == 2

    clock.set(oslo(DUE_AGAIN, 11))
    answer = bot.client.submit(stale, {ids.Effect.NOTE: "Virket i januar."}, user=OTHER_LEADER)
    assert answer.json()["errors"] == {ids.Effect.NOTE: REPLACED}
    check = check_of(bot, case)
    assert (check.due_on, check.answer, check.note) == (DUE_AGAIN, None, None)
    assert state_of(bot, case) == "lukket"
