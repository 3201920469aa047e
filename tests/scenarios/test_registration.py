"""A person reports a deviation with /avvik: through signed HTTP, as Slack sends it."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import select

from store.models import Deviation, Event, LedgerEntry
from tests.support.flows import ANSWERS, card_posted, open_form, posted_to, register, text_of, wait_until

LEADER_CHANNEL = "C0LEADERS"


def _deviations(bot):
    with bot.services.db.transaction() as session:
        return list(session.scalars(select(Deviation).order_by(Deviation.id)))


def test_avvik_opens_the_registration_modal_with_help(bot):
    view = open_form(bot)
    assert view["callback_id"] == "registration"
    blocks = {b.get("block_id") for b in view["blocks"]}
    assert {"kind", "category", "title", "what_happened", "occurred_on", "immediate_action",
            "suggested_action", "severity", "citizen_rights", "anonymous"} <= blocks
    text = text_of(view)
    assert "brudd på lov og forskrift" in text
    assert "Beskriv hva som skjedde, ikke hvem som gjorde det." in text


def test_submitting_stores_the_case_sends_a_receipt_and_tells_the_leaders(bot):
    answer = register(bot)

    assert answer["response_action"] == "update"
    assert "AVV-2026-0001" in text_of(answer["view"])
    [deviation] = _deviations(bot)
    assert (deviation.reference, deviation.state, deviation.reporter_id) == ("AVV-2026-0001", "registrert", "U0STAFF1")
    assert deviation.what_happened.startswith("Et vedtak ble sendt ut")

    receipt = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "U0STAFF1")[0]
    assert "AVV-2026-0001" in text_of(receipt.params)
    assert "Lederne vurderer avviket" in text_of(receipt.params)

    card = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADER_CHANNEL)[0]
    assert "AVV-2026-0001" in text_of(card.params)
    assert "Navn U0STAFF1" in text_of(card.params) and "<@U0STAFF1>" not in text_of(card.params)  # named, not pinged
    # issue 19: the card writes the day as the office reads it, and says «Alvorlighetsgrad»
    assert "*Dato*\n20.11.2026" in text_of(card.params) and "2026-11-20" not in text_of(card.params)
    assert "*Alvorlighetsgrad*" in text_of(card.params)
    with bot.services.db.transaction() as session:
        events = list(session.scalars(select(Event)))
        assert [(e.kind, e.actor_id, e.to_state) for e in events] == [("registrert", "U0STAFF1", "registrert")]
    # The card's timestamp is stored once Slack has answered the post (the fake records the call before).
    wait_until(lambda: card_posted(bot, deviation.id))


def test_references_count_up_per_year(bot, clock):
    register(bot, view_id="V1")
    register(bot, view_id="V2")
    assert [c.reference for c in _deviations(bot)] == ["AVV-2026-0001", "AVV-2026-0002"]


def test_a_retried_submission_creates_one_case_and_one_receipt(bot):
    view = open_form(bot)
    first = bot.client.submit(view, ANSWERS, view_id="VSAME")
    second = bot.client.submit(view, ANSWERS, view_id="VSAME", headers={"X-Slack-Retry-Num": "1"})
    assert first.status == second.status == 200
    assert "AVV-2026-0001" in text_of(second.json()["view"])
    assert len(_deviations(bot)) == 1
    bot.fake.settle()
    assert len(posted_to(bot.fake, "U0STAFF1")) == 1
    assert len(posted_to(bot.fake, LEADER_CHANNEL)) == 1


@pytest.mark.parametrize("number", ["15108695088", "151086 95088", "55108610092"])
@pytest.mark.parametrize("field", ["title", "what_happened", "immediate_action", "suggested_action"])
def test_a_national_identity_number_is_refused_with_a_field_error(bot, field, number):
    answer = register(bot, **{field: f"Gjelder bruker {number} i saken"})
    assert answer["response_action"] == "errors"
    assert "fødselsnummer" in answer["errors"][field]
    assert _deviations(bot) == []


@pytest.mark.parametrize("number", ["170388 470 07", "17.03.88 47007", "170388\t47007", "170388  47007",
                                    "170388\u200b47007", "17038847104"])
def test_a_national_identity_number_written_another_way_is_refused(bot, number):
    answer = register(bot, what_happened=f"Gjelder bruker {number} i saken")
    assert answer["response_action"] == "errors"
    assert "fødselsnummer" in answer["errors"]["what_happened"]
    assert _deviations(bot) == []


def test_text_that_would_read_backwards_is_posted_as_it_is_stored(bot):
    """A bidi override (U+202E) makes «gnirøF» read as something else: it never reaches Slack."""
    tricky = "Brev til feil \u202emottaker\u202c og \u2067adresse\u2069"
    answer = register(bot, title=tricky, what_happened=tricky, suggested_action=tricky)
    assert answer["response_action"] == "update"
    bot.fake.settle()
    shown = json.dumps([answer, *(c.params for c in bot.fake.calls)], ensure_ascii=False)
    assert not any(ch in shown for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "Brev til feil mottaker og adresse" in text_of(posted_to(bot.fake, LEADER_CHANNEL)[0])


def test_eleven_digits_that_are_not_an_identity_number_pass(bot):
    answer = register(bot, what_happened="Saksnummer 12345678901 ble journalført feil.")
    assert answer["response_action"] == "update"
    assert len(_deviations(bot)) == 1


def test_missing_and_wrong_fields_get_field_errors_and_nothing_is_stored(bot):
    answer = register(bot, title="", occurred_on="2031-01-01", what_happened="")
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) >= {"title", "occurred_on"}
    assert "fram i tid" in answer["errors"]["occurred_on"]
    assert _deviations(bot) == []


def test_an_anonymous_report_leaves_no_trace_of_the_reporter(bot, caplog):
    caplog.set_level(logging.DEBUG)
    reporter = "U0SECRET9"
    answer = register(bot, user=reporter, anonymous=["anonymous"], view_id="VANON")
    assert answer["response_action"] == "update"
    assert "anonymt" in text_of(answer["view"])
    card = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADER_CHANNEL)[0]
    assert "Anonym" in text_of(card.params)
    bot.fake.settle()

    assert posted_to(bot.fake, reporter) == []
    dump = _dump_all_tables(bot)
    assert reporter not in dump
    assert "VANON" not in dump
    assert reporter not in caplog.text
    assert reporter not in text_of(card.params)
    # Issue 20: the receipt shows the case code once; it is in no table and no log line (the whole
    # dialogue's zero-trace test is in test_dialogue.py).
    code = re.search(r"```([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})```", text_of(answer["view"])).group(1)
    for shown in (code, code.replace("-", "")):
        assert shown not in dump and shown not in caplog.text


def test_an_unsigned_or_stale_request_is_refused_and_changes_nothing(bot):
    assert bot.client.command("", signed=False).status == 401
    assert bot.client.command("", timestamp=1_600_000_000).status == 401
    view = {"callback_id": "registration", "blocks": []}
    assert bot.client.submit(view, {}, signed=False).status == 401
    assert bot.fake.of("views.open") == []
    assert _deviations(bot) == []


@pytest.mark.parametrize("timestamp", [None, "", "abc", "1e9", "-300", "17000000000000000000000", "½", " 1"])
def test_a_missing_or_garbled_timestamp_is_refused_as_unsigned(bot, timestamp):
    body = "command=%2Favvik&user_id=U0STAFF1&team_id=T0001&trigger_id=1.2.x&text="
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Signature": "v0=" + "0" * 64}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    response = bot.client.request("POST", "/slack/events", body.encode(), headers)
    assert response.status == 401
    assert bot.fake.of("views.open") == []


def test_a_body_over_a_megabyte_is_refused_unread(bot):
    view = open_form(bot)
    huge = bot.client.submit(view, {**ANSWERS, "what_happened": "Æ" * 400_000}, view_id="VHUGE")
    assert huge.status == 413
    assert _deviations(bot) == []
    assert register(bot, view_id="VSMALL")["response_action"] == "update"  # and the next one is served


def test_healthz_checks_the_database(bot):
    response = bot.client.get("/healthz")
    assert response.status == 200
    assert response.json() == {"ok": True, "database": True, "slack": {"failed_messages": 0, "last_error": None}}
    assert bot.client.get("/readyz").json() == {"ok": True, "database": True, "migrations": True}


def test_a_receipt_that_slack_refuses_is_kept_and_sent_on_the_next_run(bot, clock):
    bot.fake.fail("chat.postMessage", times=2, error="fatal_error")
    register(bot)
    bot.fake.settle()
    with bot.services.db.transaction() as session:
        pending = list(session.scalars(select(LedgerEntry).where(LedgerEntry.status == "pending")))
    assert len(pending) == 2
    assert len(_deviations(bot)) == 1

    clock.advance(minutes=5)
    report = bot.services.messenger.deliver()
    assert len(report.sent) == 2
    assert len(posted_to(bot.fake, "U0STAFF1")) == 1


def test_the_message_shortcut_prefills_what_happened(bot):
    response = bot.client.message_shortcut("meld_avvik_fra_melding", "Skjermbildet viste feil ytelse")
    assert response.status == 200
    view = bot.fake.wait_for("views.open")[0].params["view"]
    [block] = [b for b in view["blocks"] if b.get("block_id") == "what_happened"]
    assert block["element"]["initial_value"] == "Skjermbildet viste feil ytelse"


def test_unknown_subcommand_gets_help(bot):
    response = bot.client.command("tull")
    assert response.status == 200
    assert "/avvik mine" in text_of(response.json())


def _dump_all_tables(bot) -> str:
    from store.models import Base

    lines = []
    with bot.services.db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                lines.append(repr(tuple(row)))
    return "\n".join(lines)
