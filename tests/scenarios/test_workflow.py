"""The shared transition: state machine, audit event and card update in one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.deviations.rules import Command
from bot.deviations.workflow import transition
from bot.errors import InvalidTransition
from store import deviations as store
from store.models import LedgerEntry
from tests.support.flows import card_posted, register, wait_until


def test_a_transition_moves_the_case_records_who_and_updates_the_card(bot, clock):
    register(bot, category="informasjonssikkerhet")
    bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "C0LEADERS")
    services, office = bot.services, bot.services.offices.office[0]
    with services.db.transaction() as session:
        [deviation] = store.by_reporter(session, office.id, "U0STAFF1")
    assert deviation.state == "videresendt"
    wait_until(lambda: card_posted(bot, deviation.id))

    def add_reference(deviation):
        deviation.external_reference = "ASYS-991"

    moved = transition(services.db, clock, office, deviation.id, Command.CONFIRM_EXTERNAL, actor_id="U0STAFF1",
                       change=add_reference)
    services.messenger.deliver(moved.ledger_ids)

    update = bot.fake.wait_for("chat.update")[0]
    assert "ASYS-991" in str(update.params["blocks"])
    assert "Meldt i annet system" in update.params["text"]  # until a leader confirms the follow-up there
    with services.db.transaction() as session:
        events = store.events_of(session, deviation.id)
        assert [(e.kind, e.actor_id, e.from_state, e.to_state) for e in events][-1] == (
            "ekstern_referanse", "U0STAFF1", "videresendt", "videresendt")


def test_a_card_update_waits_for_the_card_instead_of_posting_a_second_one(bot, clock):
    bot.fake.fail("chat.postMessage", times=2, error="fatal_error")  # the first card (and receipt) fail
    register(bot, category="informasjonssikkerhet")
    services, office = bot.services, bot.services.offices.office[0]
    with services.db.transaction() as session:
        [deviation] = store.by_reporter(session, office.id, "U0STAFF1")
    bot.fake.settle()
    moved = transition(services.db, clock, office, deviation.id, Command.CONFIRM_EXTERNAL, actor_id="U0LEADER1",
                       change=lambda d: setattr(d, "external_reference", "ASYS-992"))
    moved = transition(services.db, clock, office, deviation.id, Command.FOLLOWED_UP_ELSEWHERE, actor_id="U0LEADER1")
    assert services.messenger.deliver(moved.ledger_ids).sent == []  # no card yet: the update waits

    clock.advance(minutes=10)
    services.messenger.deliver()
    clock.advance(minutes=10)
    services.messenger.deliver()
    [card] = bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == "C0LEADERS"
                         and c.params.get("text", "").startswith("Avvik"))  # one card, never two
    shown = [card.params["text"]] + [c.params["text"] for c in bot.fake.of("chat.update")]
    assert "Klar for lukking" in shown[-1]  # and it ends up showing the new state


def test_a_replayed_transition_is_refused_and_changes_nothing(bot, clock):
    register(bot)
    services, office = bot.services, bot.services.offices.office[0]
    with services.db.transaction() as session:
        [deviation] = store.by_reporter(session, office.id, "U0STAFF1")
        ledger_before = len(list(session.scalars(select(LedgerEntry))))
    with pytest.raises(InvalidTransition):
        transition(services.db, clock, office, deviation.id, Command.CLOSE, actor_id="U0LEADER1")
    with services.db.transaction() as session:
        assert store.by_id(session, deviation.id).state == "registrert"
        assert len(store.events_of(session, deviation.id)) == 1
        assert len(list(session.scalars(select(LedgerEntry)))) == ledger_before
