"""Every kind of message has a sender before the bot starts: a kind left without one stops the
start instead of leaving its messages unsent forever. A kind this version does not know (a
newer replica's) is left pending, and the rest goes out. A new case's card and receipt render one
read of the case, and each is still checked to be this process's claim just before it is sent."""

from __future__ import annotations

import ast
import logging
import threading
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from bot.app import create_app, install_senders
from bot.messenger import MessageKind, Messenger, MissingSenders
from bot.services import build_services
from store import deviations, ledger
from store.models import Deviation, LedgerEntry
from tests.conftest import make_settings
from tests.support.flows import ANSWERS, open_form, register

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def services(slack, db, clock, office_config):
    services = build_services(make_settings(slack, db.url, office_config), clock=clock, db=db)
    yield services
    services.messenger.close()


def test_the_installed_bot_has_a_sender_for_every_kind(services):
    install_senders(services)
    assert set(services.messenger.routes) == set(MessageKind)


def test_a_kind_without_a_sender_stops_the_app_from_starting(services, monkeypatch):
    monkeypatch.setattr("handlers.registration.senders.register", lambda messenger: None)
    with pytest.raises(MissingSenders) as refused:
        create_app(services)
    assert refused.value.kinds == [MessageKind.RECEIPT]
    assert "receipt" in str(refused.value)


def test_a_kind_without_a_sender_stops_a_cli_job_from_starting(services, monkeypatch):
    # `avvik-bot deliver` once ran with no senders and sent nothing, quietly.
    monkeypatch.setattr("handlers.quality.senders.register", lambda messenger: None)
    with pytest.raises(MissingSenders) as refused:
        install_senders(services)
    assert set(refused.value.kinds) == {kind for kind in MessageKind if kind.value.startswith(("quality", "measure"))}


def test_a_messenger_nobody_equipped_sends_nothing_and_says_so(services):
    bare = Messenger(services.db, services.client, services.clock, services.offices)
    with pytest.raises(MissingSenders) as refused:
        bare.deliver()
    assert set(refused.value.kinds) == set(MessageKind)


def test_a_kind_cannot_have_two_senders(services):
    install_senders(services)
    with pytest.raises(ValueError, match="receipt"):
        services.messenger.register(MessageKind.RECEIPT, lambda delivery, row: None, lambda session, entry: None)


def test_a_kind_this_version_does_not_know_stays_pending_and_the_rest_goes_out(bot, clock, caplog):
    """A newer replica may enter a kind this one has no sender for: it is left for that replica."""
    register(bot)
    bot.services.messenger.wait_idle()  # the registration's own messages are sent in the background
    office = bot.services.offices.office[0]
    with bot.services.db.transaction() as session:
        unknown = session.execute(insert(LedgerEntry).values(
            office_id=office.id, what="from_a_newer_version", target="deviation:1", recipient="C0LEADERS",
            period="", status="pending", attempts=0, not_before=clock.now(), created_at=clock.now(),
        ).returning(LedgerEntry.id)).scalar_one()

    with caplog.at_level(logging.WARNING, logger="bot.messenger"):
        report = bot.services.messenger.deliver()
    assert (report.sent, report.failed) == ([], [unknown])
    assert any("from_a_newer_version" in r.getMessage() and "unknown_kind" in r.getMessage()
               for r in caplog.records)
    with bot.services.db.reading() as session:
        row = session.get(LedgerEntry, unknown)
        assert (row.status, row.last_error, row.attempts) == ("pending", "unknown_kind", 1)
        others = session.scalars(select(LedgerEntry.status).where(LedgerEntry.id != unknown)).all()
    assert others and set(others) == {"sent"}


def _reads_in_the_ledger_threads(monkeypatch) -> list[int]:
    """The cases the messenger reads (the registration's own reads are in the listener's thread)."""
    reads: list[int] = []
    by_id = deviations.by_id

    def counted(session, deviation_id, **kwargs):
        if threading.current_thread().name.startswith("ledger"):
            reads.append(deviation_id)
        return by_id(session, deviation_id, **kwargs)

    monkeypatch.setattr(deviations, "by_id", counted)
    return reads


def test_a_new_cases_card_and_receipt_render_one_read_of_the_case(bot, monkeypatch):
    reads = _reads_in_the_ledger_threads(monkeypatch)
    register(bot, user="U0STAFF7")
    bot.services.messenger.wait_idle()
    posts = [c.params for c in bot.fake.of("chat.postMessage") if c.params.get("metadata")]
    assert sorted(p["metadata"]["event_payload"]["what"] for p in posts) == ["leader_card", "receipt"]
    assert len(reads) == 1
    with bot.services.db.reading() as session:
        assert set(session.scalars(select(LedgerEntry.status))) == {"sent"}


def test_other_messages_about_one_case_in_one_batch_each_read_it_just_before_they_are_sent(bot, monkeypatch):
    """Only a new case's first messages share a read: two breach reminders of one run (the case may be
    decided between them) each read the case as it is then."""
    register(bot, user="U0STAFF9")
    messenger = bot.services.messenger
    messenger.wait_idle()
    with bot.services.db.reading() as session:
        [case_id] = session.scalars(select(Deviation.id))
    reads = _reads_in_the_ledger_threads(monkeypatch)
    reminder = messenger.routes[MessageKind.BREACH_REMINDER]
    sent: list[str] = []
    monkeypatch.setitem(messenger.routes, MessageKind.BREACH_REMINDER,
                        type(reminder)(reminder.load, lambda delivery, case: sent.append(delivery.entry.recipient)))
    office = bot.services.offices.office[0]
    with bot.services.db.transaction() as session:  # as one run of the breach job enters them
        ids = [ledger.enter(session, office.id, ledger.LedgerKey(MessageKind.BREACH_REMINDER,
                                                                 ledger.Target.deviation(case_id), recipient,
                                                                 "2026-12-02T10"), bot.services.clock.now())
               for recipient in ("U0PRIVACY", "U0LEADER1")]
    messenger.deliver_soon(ids)
    messenger.wait_idle(entered=True)
    assert sorted(sent) == ["U0LEADER1", "U0PRIVACY"]
    assert reads == [case_id, case_id]


def test_a_row_claimed_elsewhere_after_its_case_was_read_is_not_sent_by_this_process(bot, monkeypatch):
    """The card's read is shared, the claim is not: the receipt's row is checked again before it is sent."""
    messenger = bot.services.messenger
    card = messenger.routes[MessageKind.LEADER_CARD]

    def send_card_then_lose_the_receipt(delivery, deviation):
        card.send(delivery, deviation)
        with bot.services.db.transaction() as session:  # another replica claims the receipt meanwhile
            session.execute(update(LedgerEntry).where(LedgerEntry.what == "receipt")
                            .values(attempts=LedgerEntry.attempts + 1))

    monkeypatch.setitem(messenger.routes, MessageKind.LEADER_CARD,
                        type(card)(card.load, send_card_then_lose_the_receipt))
    view = open_form(bot, "U0STAFF8")
    assert bot.client.submit(view, ANSWERS, user="U0STAFF8").json()["response_action"] == "update"
    messenger.wait_idle(entered=True)
    whats = [c.params["metadata"]["event_payload"]["what"] for c in bot.fake.of("chat.postMessage")
             if c.params.get("metadata")]
    assert whats == ["leader_card"]  # the receipt is the other replica's to send
    with bot.services.db.reading() as session:
        rows = dict(session.execute(select(LedgerEntry.what, LedgerEntry.status)).all())
    assert rows == {"leader_card": "sent", "receipt": "sending"}


def test_senders_get_their_rows_from_bot_and_import_only_model_types_from_store():
    for path in sorted((ROOT / "handlers").glob("*/senders.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        from_store = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                      and node.module and node.module.split(".")[0] == "store"}
        from_store |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                       for alias in node.names if alias.name.split(".")[0] == "store"}
        assert from_store <= {"store.models"}, path
        assert "partition(" not in path.read_text(encoding="utf-8"), path  # targets are read in store/ledger.py
