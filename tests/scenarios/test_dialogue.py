"""Issue 20: an anonymous reporter keeps a case code and, with it, follows the case, answers the
leaders' questions and adds information, while the bot never learns who they are. Through signed
HTTP requests against the real server and the Slack fake, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from typing import Any

from sqlalchemy import select

from bot.deviations.retention import run_daily
from bot.dialogue import codes
from handlers import ids
from store.models import Base, Deviation, DialogueCode, DialogueMessage
from tests.scenarios.test_scheduler import morning, summaries
from tests.support.flows import ANSWERS, choose_category, open_form, text_of
from tests.support.leader_flows import LEADER, LEADER_CHANNEL, dms_to, press, stored, submit, wait_for_thread

REPORTER = "U0SECRET9"
QUESTION = "Hvilken enhet i NAV gjaldt det, og når på dagen skjedde det?"
ANSWER = "Det gjaldt kontaktsenteret, rundt klokka ti."
REFERENCE = "SAMSPILL-2026-481"
FEEDBACK = "Samspillet har fulgt opp med kontaktsenteret; rutinen for overføring er rettet."
WRONG = "Koden åpner ikke noe avvik"
TOO_MANY = "For mange forsøk"


def report_anonymously(bot: Any, category: str = "nav_samhandling", view_id: str = "VANON0001") -> tuple[int, str]:
    """The reporter reports anonymously; returns the case's id and the code the receipt showed, once."""
    view = open_form(bot, REPORTER)
    updated = choose_category(bot, view, category, user=REPORTER, view_id=view_id)
    response = bot.client.submit(updated["view"], {**ANSWERS, "category": category, "anonymous": ["anonymous"]},
                                 user=REPORTER, view_id=view_id)
    assert response.status == 200, response.body
    receipt = text_of(response.json()["view"])
    assert "Ta vare på koden" in receipt and "Sjekk igjen om noen dager" in receipt
    code = re.search(r"```([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})```", receipt).group(1)
    bot.services.messenger.wait_idle()
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADER_CHANNEL)
    with bot.services.db.transaction() as session:
        return session.scalars(select(Deviation.id).order_by(Deviation.id.desc())).first(), code


def by_command(bot: Any, code: str, user: str = REPORTER) -> dict[str, Any]:
    """`/avvik kode …`: the modal the bot opened."""
    before = len(bot.fake.of("views.open"))
    assert bot.client.command(f"kode {code}", user=user).status == 200
    return bot.fake.wait_for("views.open", before + 1)[-1].params["view"]


def by_home(bot: Any, code: str, user: str = REPORTER) -> dict[str, Any]:
    """App Home's «Følg opp anonymt avvik»'s modal, submitted with `code`: the bot's answer."""
    response = bot.client.submit(_code_view(bot), {ids.DIALOGUE_CODE_FIELD: code}, user=user, view_id="VCODE0001")
    assert response.status == 200, response.body
    return response.json()


def _code_view(bot: Any) -> dict[str, Any]:
    from handlers.dialogue.blocks import code_view

    return code_view(bot.services.offices.office[0]).to_dict()


def closed_by_leaders(bot: Any, deviation_id: int) -> None:
    closure = press(bot, ids.CLOSE, deviation_id)
    assert submit(bot, closure, {"feedback": FEEDBACK}) is None
    bot.services.messenger.wait_idle()


def inputs(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b["type"] == "input"]


# --- the whole dialogue ---------------------------------------------------------------------------

def test_an_anonymous_reporter_follows_answers_and_adds_the_reference_with_the_code_and_leaves_no_trace(bot, caplog):
    caplog.set_level(logging.DEBUG)
    deviation_id, code = report_anonymously(bot)

    # With the code the reporter sees the case waiting for the other system's reference.
    view = by_command(bot, code)
    assert view["callback_id"] == ids.DIALOGUE_VIEW
    shown = text_of(view)
    assert "Meldt i annet system" in shown and "ikke stilt deg noen spørsmål" in shown
    assert inputs(view) == [ids.DIALOGUE_ANSWER_FIELD, ids.EXTERNAL_REFERENCE_FIELD]

    # The leaders ask: the card has «Spør melderen»; the thread says a question was asked.
    question = press(bot, ids.DIALOGUE_ASK, deviation_id)
    assert question["callback_id"] == ids.DIALOGUE_QUESTION_VIEW
    assert submit(bot, question, {ids.DIALOGUE_QUESTION_FIELD: QUESTION}) is None
    assert f"Spørsmål til melderen: «{QUESTION}»" in wait_for_thread(bot, 1)[-1]
    overview = bot.client.command("oversikt", user=LEADER).json()
    assert "venter på svar fra melderen" in text_of(overview)

    # The reporter (any case-code holder: written with spaces and in lower case) answers and adds the reference.
    view = by_command(bot, code.replace("-", " ").lower())
    assert QUESTION in text_of(view) and "Lederne venter på svaret ditt" in text_of(view)
    response = bot.client.submit(view, {ids.DIALOGUE_ANSWER_FIELD: ANSWER, ids.EXTERNAL_REFERENCE_FIELD: REFERENCE},
                                 user=REPORTER, view_id="VDIALOG01")
    assert response.status == 200
    assert "Takk, det er sendt til lederne" in text_of(response.json()["view"])
    bot.services.messenger.wait_idle()
    thread = wait_for_thread(bot, 3)
    assert any(f"*Melderen* svarte: «{ANSWER}»" in line for line in thread)
    assert any(REFERENCE in line for line in thread)
    [dm] = dms_to(bot, LEADER)  # the leader who asked (no one is responsible yet)
    assert ANSWER in text_of(dm)
    case = stored(bot, deviation_id)
    assert (case.external_reference, case.state) == (REFERENCE, "klar_for_lukking")

    # Closed, the code shows the leaders' feedback and the dialogue, and takes no more answers.
    closed_by_leaders(bot, deviation_id)
    view = by_command(bot, code)
    assert "Lukket" in text_of(view) and FEEDBACK in text_of(view) and ANSWER in text_of(view)
    assert inputs(view) == [] and "submit" not in view

    # Zero trace: no table, log line or Slack call holds the reporter's id, and the code is nowhere in clear text.
    bot.fake.settle()
    dump = _dump_all_tables(bot)
    calls = json.dumps([[c.method, c.params] for c in bot.fake.calls], ensure_ascii=False)
    plain_code = code.replace("-", "")
    for trace in (REPORTER, code, plain_code, code.lower()):
        assert trace not in dump, trace
        assert trace not in caplog.text, trace
        assert trace not in calls, trace
    with bot.services.db.transaction() as session:
        [stored_code] = session.scalars(select(DialogueCode)).all()
        messages = session.scalars(select(DialogueMessage).order_by(DialogueMessage.id)).all()
    assert stored_code.secret_hash.startswith("scrypt$") and len(stored_code.lookup) == codes.LOOKUP_CHARS
    assert [(m.author, m.leader_id) for m in messages] == [("leder", LEADER), ("melder", None)]


def test_answers_and_questions_refuse_a_national_identity_number(bot):
    deviation_id, code = report_anonymously(bot)
    question = press(bot, ids.DIALOGUE_ASK, deviation_id)
    answer = submit(bot, question, {ids.DIALOGUE_QUESTION_FIELD: "Gjelder det bruker 15108695088?"})
    assert answer["response_action"] == "errors" and "fødselsnummer" in answer["errors"][ids.DIALOGUE_QUESTION_FIELD]

    view = by_command(bot, code)
    response = bot.client.submit(view, {ids.DIALOGUE_ANSWER_FIELD: "Brukeren har fnr 151086 95088."}, user=REPORTER)
    errors = response.json()["errors"]
    assert "fødselsnummer" in errors[ids.DIALOGUE_ANSWER_FIELD]
    empty = bot.client.submit(view, {ids.DIALOGUE_ANSWER_FIELD: ""}, user=REPORTER).json()
    assert "Skriv et svar eller en referanse" in empty["errors"][ids.DIALOGUE_ANSWER_FIELD]
    with bot.services.db.transaction() as session:
        assert session.scalars(select(DialogueMessage)).all() == []


def test_a_named_reporters_case_has_no_ask_button_and_a_forged_dialogue_view_opens_nothing(bot):
    from tests.support.flows import register
    from tests.support.leader_flows import buttons

    register(bot, view_id="VNAMED01")
    card = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADER_CHANNEL)[0].params
    assert "Spør melderen" not in buttons(card)

    _, code = report_anonymously(bot, view_id="VANON0002")
    view = by_command(bot, code)
    meta = json.loads(view["private_metadata"])
    forged = {**view, "private_metadata": json.dumps({**meta, "case": meta["case"] - 1})}
    response = bot.client.submit(forged, {ids.DIALOGUE_ANSWER_FIELD: "Her er mer informasjon."}, user="U0NOSY01")
    assert "åpent for lenge" in response.json()["errors"][ids.DIALOGUE_ANSWER_FIELD]
    with bot.services.db.transaction() as session:
        assert session.scalars(select(DialogueMessage)).all() == []


# --- brute force ----------------------------------------------------------------------------------

def _near_miss(bot: Any, real: str) -> str:
    """A wrong code sharing the real code's lookup prefix: only the slow hash tells them apart."""
    key = bot.services.dialogue_key()
    wanted = codes.lookup(key, real.replace("-", ""))
    while True:
        candidate = codes.new_code()
        if candidate != real.replace("-", "") and codes.lookup(key, candidate) == wanted:
            return candidate


def test_a_thousand_wrong_codes_from_one_user_are_throttled_and_reveal_nothing(bot, clock):
    _, code = report_anonymously(bot)
    guesses = [_near_miss(bot, code), "K7QM-2XRD-H9TF-3WPA", "ikke en kode", *(codes.new_code() for _ in range(997))]
    answers = [by_home(bot, guess, user="U0GUESS01") for guess in guesses]
    texts = [a["errors"][ids.DIALOGUE_CODE_FIELD] for a in answers]
    assert all(a["response_action"] == "errors" for a in answers)
    assert texts[:5] == [texts[0]] * 5 and WRONG in texts[0]  # a near miss reads like any other wrong code
    assert all(TOO_MANY in text for text in texts[5:])
    assert TOO_MANY in by_home(bot, code, user="U0GUESS01")["errors"][ids.DIALOGUE_CODE_FIELD]  # even the right one
    assert TOO_MANY in text_of(by_command(bot, code, user="U0GUESS01"))

    assert by_home(bot, code, user=REPORTER)["response_action"] == "update"  # others are not held up
    clock.advance(minutes=10)
    assert by_home(bot, code, user="U0GUESS01")["response_action"] == "update"


def test_a_thousand_wrong_codes_from_many_users_hit_the_office_ceiling_and_reveal_nothing(bot, clock):
    _, code = report_anonymously(bot)
    answers = [by_home(bot, codes.new_code(), user=f"U0MANY{n:04d}") for n in range(1000)]
    texts = [a["errors"][ids.DIALOGUE_CODE_FIELD] for a in answers]
    assert sum(WRONG in text for text in texts) == 100
    assert all(TOO_MANY in text for text in texts[100:])
    assert TOO_MANY in by_home(bot, code, user="U0FRESH01")["errors"][ids.DIALOGUE_CODE_FIELD]
    clock.advance(minutes=10)
    assert by_home(bot, code, user="U0FRESH01")["response_action"] == "update"


# --- what waits on the reporter -------------------------------------------------------------------

def test_a_case_waiting_for_its_anonymous_reporter_is_shown_to_the_leaders_not_nudged(bot, clock):
    deviation_id, _ = report_anonymously(bot)
    assert "venter på referanse fra melderen" in text_of(bot.client.command("oversikt", user=LEADER).json())
    morning(bot, clock, date(2026, 11, 30))  # a Monday: the leaders' weekly summary
    [summary] = summaries(bot.fake)
    assert "Venter på en anonym melder (1)" in text_of(summary)
    assert stored(bot, deviation_id).reference in text_of(summary)
    assert bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == REPORTER) == []


# --- retention ------------------------------------------------------------------------------------

def test_retention_erases_the_dialogue_and_the_code_then_opens_only_the_state(bot, clock):
    deviation_id, code = report_anonymously(bot)
    question = press(bot, ids.DIALOGUE_ASK, deviation_id)
    assert submit(bot, question, {ids.DIALOGUE_QUESTION_FIELD: QUESTION}) is None
    view = by_command(bot, code)
    bot.client.submit(view, {ids.DIALOGUE_ANSWER_FIELD: ANSWER, ids.EXTERNAL_REFERENCE_FIELD: REFERENCE},
                      user=REPORTER)
    closed_by_leaders(bot, deviation_id)

    clock.advance(days=731)
    run_daily(bot.services)
    with bot.services.db.transaction() as session:
        assert [m.text for m in session.scalars(select(DialogueMessage))] == [None, None]
    view = by_command(bot, code)
    shown = text_of(view)
    assert "Lukket" in shown and "slettet" in shown
    assert QUESTION not in shown and ANSWER not in shown and FEEDBACK not in shown
    assert inputs(view) == []


def _dump_all_tables(bot: Any) -> str:
    lines = []
    with bot.services.db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                lines.append(repr(tuple(row)))
    return "\n".join(lines)


# --- App Home and help ----------------------------------------------------------------------------

def test_app_home_asks_for_the_code_and_the_help_says_what_is_not_stored_and_what_slack_sees(bot):
    _, code = report_anonymously(bot)
    assert bot.client.event({"type": "app_home_opened", "user": REPORTER, "tab": "home"}).status == 200
    home = bot.fake.wait_for("views.publish")[-1].params["view"]
    [button] = [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == ids.DIALOGUE_OPEN]
    assert button["text"]["text"] == "Følg opp anonymt avvik"
    assert "Dette lagrer boten ikke" in text_of(home) and "Dette kan Slack se" in text_of(home)

    before = len(bot.fake.of("views.open"))
    assert bot.client.click(ids.DIALOGUE_OPEN, user=REPORTER, container={"type": "view"}).status == 200
    asking = bot.fake.wait_for("views.open", before + 1)[-1].params["view"]
    assert asking["callback_id"] == ids.DIALOGUE_CODE_VIEW
    opened = bot.client.submit(asking, {ids.DIALOGUE_CODE_FIELD: code}, user=REPORTER).json()
    assert opened["response_action"] == "update" and opened["view"]["callback_id"] == ids.DIALOGUE_VIEW
    assert by_command(bot, "")["callback_id"] == ids.DIALOGUE_CODE_VIEW  # `/avvik kode` alone asks for it too

    help_text = text_of(bot.client.command("hjelp", user=REPORTER).json())
    assert "/avvik kode" in help_text and "bare en hash" in help_text and "Slack behandler alt du skriver" in help_text
