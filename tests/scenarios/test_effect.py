"""Issue 22, «Har tiltaket virket?»: on a controlled clock, through the jobs the scheduler runs and
signed requests as Slack sends them.

Sixty workdays after a case closed with actions (public holidays not counted), its responsible leader
is asked, once across two scheduler processes; a case closed without actions never is. «Nei» with
«Gjenåpne avviket» reopens the case with the note as its reason. Someone who is not a leader, a case of
another office, an id without a check and a second answer are refused and change nothing; a double
click on «Lagre svar» answers and reopens once; a case reopened from its card meanwhile is not
reopened again; the DM shows the answer at once however slow Slack is with the rest. An unanswered
check is reminded every two workdays and shows in the leaders' weekly summary.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.app import install_senders
from bot.deviations.retention import run_daily
from bot.effect.jobs import scheduled_checks
from bot.reminders.jobs import scheduled_nudges
from bot.scheduler import create_scheduler
from bot.services import build_services
from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers import ids
from store.db import Database
from store.models import Deviation, EffectCheck, Event, LedgerEntry
from tests.conftest import make_settings
from tests.support import seeding
from tests.support.flows import posted_to, text_of

OSLO = ZoneInfo("Europe/Oslo")
OFFICE = "lillehammer-gausdal"
LEADER, OTHER_LEADER, STAFF = "U0LEADER1", "U0LEADER2", "U0STAFF1"
LEADER_CHANNEL = "C0LEADERS"
DM = {"type": "message", "channel_id": "D0LEADER2", "message_ts": "1768377600.000100"}  # where the question is

CLOSED_ON = date(2026, 10, 20)  # a Tuesday
# 60 workdays later: Thursday 14 January 2027. 25 December and 1 January are Fridays (public holidays), so
# counting weekdays alone would make it Tuesday the 12th.
DUE = date(2027, 1, 14)
MARKER = "Har tiltaket virket?"


def oslo(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)


def closed_with_action(db: Database, *, title: str = "Vedtak uten begrunnelse", responsible: str | None = OTHER_LEADER,
                       office_id: str = OFFICE) -> int:
    """A case assessed with one action, the action done with its note, and the case closed on CLOSED_ON."""
    deviation_id = seeding.add_deviation(db, oslo(date(2026, 10, 5)), state="tiltak_pagar",
                                         responsible_leader=responsible, title=title, office_id=office_id)
    action_id = seeding.add_action(db, deviation_id, "U0OWNER1", date(2026, 10, 16), oslo(date(2026, 10, 5)),
                                   description="Ny sjekkliste for begrunnelse i vedtaksbrev")
    seeding.finish_action(db, action_id, oslo(date(2026, 10, 15)))
    seeding.close(db, deviation_id, oslo(CLOSED_ON, 14), feedback="Sjekklisten er tatt i bruk.")
    with db.transaction() as session:  # its card, as registration posted it
        session.get(Deviation, deviation_id).card_channel = LEADER_CHANNEL
        session.get(Deviation, deviation_id).card_ts = f"1760000000.{deviation_id:06d}"
    return deviation_id


def closed_without_action(db: Database) -> int:
    deviation_id = seeding.add_deviation(db, oslo(date(2026, 10, 5)), state="klar_for_lukking",
                                         responsible_leader=OTHER_LEADER, title="Enkeltstående glipp")
    seeding.close(db, deviation_id, oslo(CLOSED_ON, 14), feedback="Ingen tiltak trengs.")
    return deviation_id


def effect_job(bot, clock, day: date) -> None:
    clock.set(oslo(day))
    scheduled_checks(bot.services, OFFICE)
    bot.fake.settle(quiet=0.1)


def run_two_schedulers(bot, clock, slack, day: date) -> None:
    """Two scheduler processes' effect jobs at once, each with its own engine and messenger."""
    clock.set(oslo(day))
    jobs, both = [], []
    for _ in range(2):
        services = build_services(make_settings(slack, bot.services.db.url, EXAMPLE_OFFICE_CONFIG), clock=clock,
                                  db=Database(bot.services.db.url))
        install_senders(services)
        job = create_scheduler(services).get_job(f"effect:{OFFICE}")
        jobs.append(threading.Thread(target=job.func, args=job.args))
        both.append(services)
    for thread in jobs:
        thread.start()
    for thread in jobs:
        thread.join(30)
    for services in both:
        services.messenger.close()
        services.db.dispose()
    bot.fake.settle(quiet=0.1)


def questions_to(bot, recipient: str) -> list[dict]:
    return [p for p in posted_to(bot.fake, recipient) if MARKER in text_of(p) and "Påminnelse" not in text_of(p)]


def reminders_to(bot, recipient: str) -> list[dict]:
    return [p for p in posted_to(bot.fake, recipient) if MARKER in text_of(p) and "Påminnelse" in text_of(p)]


def button(params: dict, answer: str) -> dict:
    return next(e for b in params["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == ids.effect_action(answer))


def sent_value(bot, deviation_id: int, answer: str = "virket", *, nth: int = -1) -> str | None:
    """The value of the answer's button in a question or reminder the bot sent about the case (the newest,
    or the `nth`), as Slack would send it back; None when none was sent."""
    values = [button(c.params, answer)["value"] for c in bot.fake.of("chat.postMessage")
              if MARKER in text_of(c.params) and any(b.get("block_id") == f"effect:{deviation_id}"
                                                     for b in c.params.get("blocks") or [])]
    return values[nth] if values else None


def press(bot, answer: str, value: str | int, *, user: str = OTHER_LEADER) -> dict | None:
    """Press Ja / Delvis / Nei in the DM: the modal the bot opened, or None (refused). A case's id presses
    the button of the newest message sent about it (a forged value is sent as it is)."""
    if isinstance(value, int):
        value = sent_value(bot, value, answer) or str(value)
    before = len(bot.fake.of("views.open"))
    response = bot.client.click(ids.effect_action(answer), value=str(value), user=user, container=DM)
    assert response.status == 200, response.body
    bot.fake.settle(quiet=0.2)
    opened = bot.fake.of("views.open")
    return opened[-1].params["view"] if len(opened) > before else None


def ephemerals(bot, user: str) -> list[str]:
    return [c.params["text"] for c in bot.fake.of("chat.postEphemeral", lambda c: c.params.get("user") == user)]


def check_of(bot, deviation_id: int) -> EffectCheck | None:
    with bot.services.db.transaction() as session:
        return session.scalar(select(EffectCheck).where(EffectCheck.deviation_id == deviation_id))


def state_of(bot, deviation_id: int) -> str:
    with bot.services.db.transaction() as session:
        return session.get(Deviation, deviation_id).state


# --- when, and how often ---------------------------------------------------------------------------

def test_the_responsible_leader_is_asked_on_the_sixtieth_workday_once_across_two_schedulers(bot, db, clock, slack):
    asked = closed_with_action(db, title="Brev uten begrunnelse")
    closed_without_action(db)

    for day in (date(2027, 1, 12), date(2027, 1, 13)):  # 58 and 59 workdays: holidays are not workdays
        run_two_schedulers(bot, clock, slack, day)
    assert questions_to(bot, OTHER_LEADER) == []

    run_two_schedulers(bot, clock, slack, DUE)
    [question] = questions_to(bot, OTHER_LEADER)
    text = text_of(question)
    assert "AVV-2026-0001" in text and "Brev uten begrunnelse" in text and "Lukket 20.10.2026" in text
    assert "*Tiltaket som ble gjennomført:*\n• «Ny sjekkliste for begrunnelse i vedtaksbrev» — Gjort." in text
    assert [button(question, a)["text"]["text"] for a in ("virket", "delvis", "nei")] == ["Ja", "Delvis", "Nei"]
    assert button(question, "nei")["value"].split(":")[0] == str(asked)  # the case, and the round asked

    run_two_schedulers(bot, clock, slack, date(2027, 1, 15))  # the next day, and a restart: nothing again
    assert len(questions_to(bot, OTHER_LEADER)) == 1
    assert not any(MARKER in text_of(p) for user in (LEADER, LEADER_CHANNEL) for p in posted_to(bot.fake, user))
    with db.transaction() as session:
        checks = session.scalars(select(EffectCheck)).all()
        rows = session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.what == "effect_check"))
    assert [(c.deviation_id, c.leader_id, c.due_on) for c in checks] == [(asked, OTHER_LEADER, DUE)]  # not the other
    assert rows == 1


def test_a_case_without_a_responsible_leader_is_asked_in_the_leader_channel(bot, db, clock):
    closed_with_action(db, responsible=None)
    effect_job(bot, clock, DUE)
    assert len(questions_to(bot, LEADER_CHANNEL)) == 1


def test_an_office_can_turn_the_question_off(bot, db, clock, slack, tmp_path):
    config = tmp_path / "office.toml"
    config.write_text(EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8").replace(
        "effect_check_after_workdays = 60", "effect_check_after_workdays = 0"), encoding="utf-8")
    closed_with_action(db)
    services = build_services(make_settings(slack, db.url, config), clock=clock, db=db)
    install_senders(services)
    clock.set(oslo(DUE))
    scheduled_checks(services, OFFICE)
    services.messenger.close()
    assert check_of(bot, 1) is None and questions_to(bot, OTHER_LEADER) == []


# --- answering ---------------------------------------------------------------------------------------

def test_nei_reopens_the_case_with_the_note_as_its_reason(bot, db, clock, caplog):
    caplog.set_level(logging.INFO)
    case = closed_with_action(db)
    effect_job(bot, clock, DUE)
    clock.set(oslo(DUE, 11))

    view = press(bot, "nei", case)
    assert view["callback_id"] == ids.effect_view("nei")
    assert "Ditt svar: *Nei*" in text_of(view)
    reopen = next(b for b in view["blocks"] if b.get("block_id") == ids.Effect.REOPEN)
    assert reopen["element"]["options"][0]["text"]["text"] == "Gjenåpne avviket"

    answer = bot.client.submit(view, {ids.Effect.REOPEN: [ids.Effect.REOPEN_CHOSEN]}, user=OTHER_LEADER)
    assert answer.json()["errors"] == {ids.Effect.NOTE: "Skriv hvorfor avviket gjenåpnes."}  # the note is the reason
    assert state_of(bot, case) == "lukket" and check_of(bot, case).answer is None

    note = "Sjekklisten brukes ikke på kveldsvakter; samme feil igjen i desember."
    answer = bot.client.submit(view, {ids.Effect.NOTE: note, ids.Effect.REOPEN: [ids.Effect.REOPEN_CHOSEN]},
                               user=OTHER_LEADER)
    assert answer.status == 200 and answer.body in ("", "{}"), answer.body
    bot.fake.settle(quiet=0.2)

    check = check_of(bot, case)
    assert (check.answer, check.note, check.answered_by, check.reopened) == ("nei", note, OTHER_LEADER, True)
    assert state_of(bot, case) == "registrert"
    with db.transaction() as session:
        events = session.scalars(select(Event).where(Event.deviation_id == case).order_by(Event.id)).all()
    assert [(e.kind, e.actor_id) for e in events[-2:]] == [("effekt_vurdert", OTHER_LEADER),
                                                            ("gjenapnet", OTHER_LEADER)]
    assert events[-1].detail["reason"] == note
    # The DM the leader pressed «Nei» in now says what was answered, without its buttons.
    [update] = bot.fake.of("chat.update", lambda c: c.params["channel"] == DM["channel_id"])
    assert update.params["ts"] == DM["message_ts"]
    shown = text_of(update.params)
    assert "Svar: *Nei*" in shown and "Avviket er gjenåpnet" in shown
    assert not any(b["type"] == "actions" for b in update.params["blocks"])
    # The card's thread tells it; the reporter hears the case was reopened.
    thread = [text_of(c.params) for c in bot.fake.of("chat.postMessage", lambda c: "thread_ts" in c.params)]
    assert any("Har tiltaket virket? Svar: Nei" in line for line in thread)
    assert any("Gjenåpnet" in line and "kveldsvakter" in line for line in thread)

    # Answered twice: refused privately, nothing changes.
    assert press(bot, "virket", case) is None
    assert ephemerals(bot, OTHER_LEADER)[-1].startswith("«Har tiltaket virket?» er allerede besvart for dette avviket.")
    assert check_of(bot, case).answer == "nei"
    assert "kveldsvakter" not in caplog.text  # the note is words a person wrote: never logged


def test_a_double_click_on_send_answers_once_and_reopens_once(bot, db, clock):
    """Two submissions of the same modal at once (a double click on «Lagre svar», or Slack's retry):
    one is saved; the other is told it is already answered. One answer, one reopening, one message
    to the reporter."""
    case = closed_with_action(db)
    effect_job(bot, clock, DUE)
    clock.set(oslo(DUE, 11))
    view = press(bot, "nei", case)
    answers = {ids.Effect.NOTE: "Samme feil igjen i desember.", ids.Effect.REOPEN: [ids.Effect.REOPEN_CHOSEN]}
    responses: list = []
    clicks = [threading.Thread(target=lambda: responses.append(bot.client.submit(
        view, answers, user=OTHER_LEADER, view_id="V0EFFECT1"))) for _ in range(2)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join(30)
    bot.fake.settle(quiet=0.3)

    bodies = sorted(r.body for r in responses)
    assert bodies[0] in ("", "{}") and "allerede besvart" in json.loads(bodies[1])["errors"][ids.Effect.NOTE]
    with db.transaction() as session:
        kinds = [e.kind for e in session.scalars(select(Event).where(Event.deviation_id == case))]
        told = session.scalar(select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.what == "reporter_reopened"))
    assert (kinds.count("effekt_vurdert"), kinds.count("gjenapnet"), told) == (1, 1, 1)
    assert len(bot.fake.of("chat.update", lambda c: c.params["channel"] == DM["channel_id"])) == 1


def test_the_dm_shows_the_answer_at_once_while_slack_is_slow_with_the_thread(bot, db, clock):
    """Slack holds the posts (the card's thread line, the reporter's message): the DM the leader
    answered in already shows the answer; the posts follow once Slack answers."""
    case = closed_with_action(db)
    effect_job(bot, clock, DUE)
    view = press(bot, "nei", case)
    bot.fake.hold("chat.postMessage")
    answer = bot.client.submit(view, {ids.Effect.NOTE: "Samme feil igjen i desember.",
                                      ids.Effect.REOPEN: [ids.Effect.REOPEN_CHOSEN]}, user=OTHER_LEADER)
    assert answer.status == 200 and answer.body in ("", "{}")
    bot.fake.wait_held("chat.postMessage")
    [update] = bot.fake.wait_for("chat.update", where=lambda c: c.params["channel"] == DM["channel_id"])
    assert "Svar: *Nei*" in text_of(update.params)
    bot.fake.release("chat.postMessage", drop=False)
    bot.services.messenger.wait_idle()
    bot.fake.settle(quiet=0.2)
    assert any("Har tiltaket virket? Svar: Nei" in text_of(c.params)
               for c in bot.fake.of("chat.postMessage", lambda c: "thread_ts" in c.params))
    assert len(posted_to(bot.fake, "U0STAFF1")) == 1  # the reporter hears it was reopened


def test_ja_is_stored_without_reopening(bot, db, clock):
    case = closed_with_action(db)
    effect_job(bot, clock, DUE)
    view = press(bot, "virket", case, user=LEADER)  # any leader of the office may answer
    assert all(b.get("block_id") != ids.Effect.REOPEN for b in view["blocks"])  # «Ja» offers no reopening
    assert bot.client.submit(view, {}, user=LEADER).status == 200
    check = check_of(bot, case)
    assert (check.answer, check.note, check.answered_by, check.reopened) == ("virket", None, LEADER, False)
    assert state_of(bot, case) == "lukket"


def test_a_forged_answer_is_refused_and_changes_nothing(bot, db, clock):
    case = closed_with_action(db)
    elsewhere = closed_with_action(db, office_id="nav-annet")
    without_check = closed_without_action(db)
    effect_job(bot, clock, DUE)
    with db.transaction() as session:  # the other office's case has its own check
        session.add(EffectCheck(deviation_id=elsewhere, office_id="nav-annet", due_on=DUE, leader_id=OTHER_LEADER,
                                created_at=oslo(DUE)))

    assert press(bot, "nei", case, user=STAFF) is None  # not a leader
    assert ephemerals(bot, STAFF) == ["Dette kan bare ledere gjøre. Spør en leder om du mener du skal ha tilgang."]
    for forged in (elsewhere, without_check, 999999, "1; DROP TABLE"):
        assert press(bot, "nei", forged) is None
    not_found = "Fant ikke spørsmålet «Har tiltaket virket?» for dette avviket på kontoret ditt."
    assert ephemerals(bot, OTHER_LEADER) == [not_found] * 4
    with db.reading() as session:
        refused = session.scalars(select(Event.actor_id).where(Event.kind == "ikke_tilgang")).all()
    assert refused == [STAFF]  # the refused attempt is in the audit log

    # A submission naming another office's case is refused; «Ja» cannot reopen, whatever the form says.
    view = press(bot, "virket", case)
    forged = {**view, "private_metadata": f'{{"case":{elsewhere}}}'}
    assert bot.client.submit(forged, {}, user=OTHER_LEADER).json()["errors"] == {
        ids.Effect.NOTE: not_found}
    tampered = {**view, "blocks": [*view["blocks"], {
        "type": "input", "block_id": ids.Effect.REOPEN, "label": {"type": "plain_text", "text": "x"},
        "element": {"type": "checkboxes", "action_id": ids.VALUE, "options": [
            {"text": {"type": "plain_text", "text": "x"}, "value": ids.Effect.REOPEN_CHOSEN}]}}]}
    answer = bot.client.submit(tampered, {ids.Effect.NOTE: "Virket ikke likevel", ids.Effect.REOPEN: [
        ids.Effect.REOPEN_CHOSEN]}, user=OTHER_LEADER)
    assert answer.json()["errors"] == {
        ids.Effect.NOTE: "Avviket kan bare gjenåpnes når svaret er Delvis eller Nei."}
    for deviation_id in (case, elsewhere):
        assert check_of(bot, deviation_id).answer is None
    assert state_of(bot, case) == "lukket" and state_of(bot, elsewhere) == "lukket"


def test_a_case_reopened_from_its_card_meanwhile_is_answered_without_reopening_it_again(bot, db, clock):
    """The question went out; a leader reopened the case from its card before anyone answered. «Nei»
    no longer offers «Gjenåpne avviket» but says the case is reopened; a modal opened before that, with
    the box ticked, is told plainly (not «status: Registrert»); the answer itself is still saved."""
    case = closed_with_action(db)
    effect_job(bot, clock, DUE)
    clock.set(oslo(DUE, 10))
    stale = press(bot, "nei", case)  # opened while the case was closed: offers reopening
    assert any(b.get("block_id") == ids.Effect.REOPEN for b in stale["blocks"])

    before = len(bot.fake.of("views.open"))
    assert bot.client.click(ids.REOPEN, value=str(case), user=LEADER).status == 200  # the card's «Gjenåpne»
    reopen_view = bot.fake.wait_for("views.open", before + 1)[-1].params["view"]
    assert reopen_view["callback_id"] == "reopen"
    assert bot.client.submit(reopen_view, {"reason": "Samme feil igjen i dag."}, user=LEADER).body in ("", "{}")
    assert state_of(bot, case) == "registrert"

    view = press(bot, "nei", case)
    assert all(b.get("block_id") != ids.Effect.REOPEN for b in view["blocks"])
    assert "Avviket er allerede gjenåpnet og følges opp på nytt." in text_of(view)

    note = "Sjekklisten brukes ikke på kveldsvakter."
    answer = bot.client.submit(stale, {ids.Effect.NOTE: note, ids.Effect.REOPEN: [ids.Effect.REOPEN_CHOSEN]},
                               user=OTHER_LEADER)
    assert answer.json()["errors"] == {
        ids.Effect.NOTE: "Avviket er allerede gjenåpnet. Fjern krysset for «Gjenåpne avviket» og lagre svaret."}
    assert check_of(bot, case).answer is None

    assert bot.client.submit(view, {ids.Effect.NOTE: note}, user=OTHER_LEADER).body in ("", "{}")
    check = check_of(bot, case)
    assert (check.answer, check.reopened, state_of(bot, case)) == ("nei", False, "registrert")
    with db.transaction() as session:
        reopened = session.scalars(select(Event).where(Event.deviation_id == case, Event.kind == "gjenapnet")).all()
    assert [e.actor_id for e in reopened] == [LEADER]  # once, from the card


# --- reminders and the weekly summary ------------------------------------------------------------------

def test_an_unanswered_check_is_reminded_and_shows_in_the_weekly_summary(bot, db, clock):
    case = closed_with_action(db, title="Brev uten begrunnelse")
    effect_job(bot, clock, DUE)  # Thursday: asked
    effect_job(bot, clock, date(2027, 1, 15))
    assert reminders_to(bot, OTHER_LEADER) == []

    effect_job(bot, clock, date(2027, 1, 18))  # Monday, two workdays on: the first reminder
    effect_job(bot, clock, date(2027, 1, 18))
    [reminder] = reminders_to(bot, OTHER_LEADER)
    assert "Påminnelse: spurt 14.01.2027, ikke besvart ennå." in text_of(reminder)
    # the same case and round as the question's own buttons
    assert button(reminder, "delvis")["value"] == sent_value(bot, case, "delvis", nth=0)

    scheduled_nudges(bot.services, OFFICE)  # Monday's weekly summary in the leader channel
    bot.fake.settle(quiet=0.1)
    [summary] = [p for p in posted_to(bot.fake, LEADER_CHANNEL) if "Avvik denne uken" in text_of(p)]
    assert "*Har tiltaket virket? 1 avvik venter på svar*" in text_of(summary)
    assert "AVV-2026-0001* · Brev uten begrunnelse — spurt 14.01.2027 (<@U0LEADER2>)" in text_of(summary)

    effect_job(bot, clock, date(2027, 1, 19))
    assert len(reminders_to(bot, OTHER_LEADER)) == 1
    effect_job(bot, clock, date(2027, 1, 20))
    assert len(reminders_to(bot, OTHER_LEADER)) == 2

    view = press(bot, "delvis", case)
    assert bot.client.submit(view, {ids.Effect.NOTE: "Virker på dagtid, ikke på kveldsvakter."},
                             user=OTHER_LEADER).status == 200
    assert (check_of(bot, case).answer, state_of(bot, case)) == ("delvis", "lukket")  # not reopened: not ticked
    for day in (date(2027, 1, 22), date(2027, 1, 25)):
        effect_job(bot, clock, day)
    assert len(reminders_to(bot, OTHER_LEADER)) == 2  # answered: no more reminders
    clock.set(oslo(date(2027, 1, 25)))
    scheduled_nudges(bot.services, OFFICE)
    bot.fake.settle(quiet=0.1)
    summaries = [p for p in posted_to(bot.fake, LEADER_CHANNEL) if "Avvik denne uken" in text_of(p)]
    assert len(summaries) == 2 and "venter på svar" not in text_of(summaries[-1])


def test_the_note_is_erased_with_the_case_s_other_words_and_the_answer_kept(bot, db, clock):
    case = closed_with_action(db)
    effect_job(bot, clock, DUE)
    view = press(bot, "delvis", case)
    bot.client.submit(view, {ids.Effect.NOTE: "Virker på dagtid, ikke på kveldsvakter."}, user=OTHER_LEADER)
    clock.set(oslo(date(2028, 10, 23)))  # 730 days and more after the closure
    run_daily(bot.services)  # the scheduler's nightly job
    check = check_of(bot, case)
    assert (check.answer, check.note, check.answered_by) == ("delvis", None, OTHER_LEADER)


def test_a_note_written_after_retention_erased_the_case_s_words_is_not_kept(bot, db, clock):
    """Nobody answered for two years; retention erased the case's words. An answer given now is kept,
    its note is not: nothing would ever erase it."""
    case = closed_with_action(db)
    effect_job(bot, clock, DUE)
    view = press(bot, "delvis", case)
    clock.set(oslo(date(2028, 10, 23)))
    run_daily(bot.services)
    assert bot.client.submit(view, {ids.Effect.NOTE: "Virker på dagtid, ikke på kveldsvakter."},
                             user=OTHER_LEADER).body in ("", "{}")
    check = check_of(bot, case)
    assert (check.answer, check.note, check.answered_by) == ("delvis", None, OTHER_LEADER)
