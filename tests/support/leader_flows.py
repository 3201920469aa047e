"""Steps the leaders' scenarios share: what leaders and action owners do in Slack, through signed HTTP,
and what they then see (the card, its thread, DMs), plus the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers import ids
from handlers.payloads import unseal
from store import deviations as store
from store.models import Deviation, LedgerEntry
from tests.support.flows import register, text_of
from tests.support.slack_client import fill

LEADER_CHANNEL, OFFICE_CHANNEL = "C0LEADERS", "C0OFFICE"
STAFF, COLLEAGUE = "U0STAFF1", "U0STAFF2"
LEADER, OTHER_LEADER = "U0LEADER1", "U0LEADER2"
OWNER, OTHER_OWNER = "U0OWNER1", "U0OWNER2"


def report(bot: Any, **answers: Any) -> Deviation:
    """A member of staff reports a case; the leaders' card is posted."""
    def is_card(call: Any) -> bool:
        return call.params["channel"] == LEADER_CHANNEL and "thread_ts" not in call.params

    before = len(bot.fake.of("chat.postMessage", is_card))
    register(bot, view_id=f"VREG{before}", **answers)
    bot.fake.wait_for("chat.postMessage", before + 1, where=is_card)
    with bot.services.db.transaction() as session:
        return session.scalars(select(Deviation).order_by(Deviation.id.desc()).limit(1)).one()


def stored(bot: Any, deviation_id: int) -> Deviation:
    with bot.services.db.transaction() as session:
        return store.by_id(session, deviation_id)


def audit(bot: Any, deviation_id: int) -> list[tuple[str, str | None, str | None, str | None]]:
    with bot.services.db.transaction() as session:
        return [(e.kind, e.actor_id, e.from_state, e.to_state) for e in store.events_of(session, deviation_id)]


def ledger_size(bot: Any) -> int:
    with bot.services.db.transaction() as session:
        return len(list(session.scalars(select(LedgerEntry))))


def press(bot: Any, action_id: str, value: str | int, *, user: str = LEADER,
          container: dict[str, Any] | None = None) -> dict[str, Any]:
    """Press a button; returns the modal the bot opened (the form, or a notice saying why not)."""
    before = len(bot.fake.of("views.open"))
    response = bot.client.click(action_id, value=str(value), user=user, container=container)
    assert response.status == 200, response.body
    return bot.fake.wait_for("views.open", before + 1)[-1].params["view"]


def typed(view: dict[str, Any], answers: dict[str, Any], view_id: str = "VASSESS") -> dict[str, Any]:
    """The view as Slack sends it with a block action inside it: id, hash and what was typed so far."""
    return {**view, "id": view_id, "hash": "1700000000.hash", "state": {"values": fill(view, answers)}}


def add_action_row(bot: Any, view: dict[str, Any], answers: dict[str, Any], *, user: str = LEADER) -> dict[str, Any]:
    """Press «Legg til tiltak» inside the assessment modal; returns the updated modal."""
    before = len(bot.fake.of("views.update"))
    response = bot.client.click(ids.ADD_ACTION_ROW, value=str(unseal(view["private_metadata"])["case"]),
                                user=user, view=typed(view, answers), container={"type": "view"})
    assert response.status == 200
    return bot.fake.wait_for("views.update", before + 1)[-1].params["view"]


def submit(bot: Any, view: dict[str, Any], answers: dict[str, Any], *, user: str = LEADER) -> dict[str, Any] | None:
    """Submit a modal; None when the bot closed it (accepted), else its answer (errors)."""
    response = bot.client.submit(view, answers, user=user)
    assert response.status == 200, response.body
    return response.json()


def thread_posts(bot: Any) -> list[dict[str, Any]]:
    return [c.params for c in bot.fake.of("chat.postMessage", lambda c: "thread_ts" in c.params)]


def wait_for_thread(bot: Any, count: int) -> list[str]:
    """The card's thread once it holds `count` lines (each step's last message): their texts."""
    calls = bot.fake.wait_for("chat.postMessage", count, where=lambda c: "thread_ts" in c.params)
    return [text_of(c.params) for c in calls]


def card(bot: Any) -> dict[str, Any]:
    """The card as the leaders see it now: the last chat.update in the leader channel."""
    updates = bot.fake.of("chat.update", lambda c: c.params["channel"] == LEADER_CHANNEL)
    return updates[-1].params


def buttons(params: dict[str, Any]) -> list[str]:
    """The labels of the buttons in a message."""
    return [e["text"]["text"] for b in params.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def button_value(params: dict[str, Any], action_id: str) -> str:
    return next(e["value"] for b in params.get("blocks") or [] if b["type"] == "actions"
                for e in b["elements"] if e["action_id"] == action_id)


def dms_to(bot: Any, user: str, count: int = 1) -> list[dict[str, Any]]:
    return [c.params for c in bot.fake.wait_for("chat.postMessage", count, where=lambda c: c.params["channel"] == user)]


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def block_ids(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b.get("block_id")]


# Issue 22: every assessment scores the risk (sannsynlighet, konsekvens: 1–5) and picks one or more cause types.
RISK = {"risk_likelihood": "3", "risk_consequence": "4", "cause_types": ["rutine_ikke_fulgt"]}
ONE_ACTION = {"needs_actions": "ja", "responsible": OTHER_LEADER, "action_0_term": "kort",
              "action_0_description": "Gå gjennom malen for vedtaksbrev", "action_0_owner": OWNER,
              "action_0_due_on": "2026-11-30", **RISK}
NO_ACTION = {"needs_actions": "nei", "responsible": LEADER,
             "reasons": "Rutinen er god nok; dette var en enkeltstående glipp som alt er rettet.", **RISK}


def assess(bot: Any, deviation_id: int, answers: dict[str, Any], *, user: str = LEADER) -> dict[str, Any] | None:
    view = press(bot, ids.ASSESS, deviation_id, user=user)
    assert view["callback_id"] == ids.ASSESSMENT_VIEW
    return submit(bot, view, answers, user=user)
