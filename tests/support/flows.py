"""Steps shared by the scenario tests: what a person does in Slack, through signed HTTP."""

from __future__ import annotations

from typing import Any

from tests.support.slack_fake import SlackFake

ANSWERS: dict[str, Any] = {
    "kind": "brudd",
    "category": "lokal_rutine",
    "title": "Vedtak sendt uten begrunnelse",
    "what_happened": "Et vedtak ble sendt ut uten begrunnelse etter forvaltningsloven § 25.",
    "occurred_on": "2026-11-20",
    "immediate_action": "Ringte brukeren og sendte nytt vedtak.",
    "suggested_action": "Sjekkliste for vedtaksbrev.",
    "severity": "middels",
    "citizen_rights": "ja",
    "breach_possible": "nei",  # information security only (issue 21): no personal data affected
}


def open_form(bot: Any, user: str = "U0STAFF1") -> dict[str, Any]:
    """Type `/avvik`, get the modal the bot opened through the Web API."""
    before = len(bot.fake.of("views.open"))
    response = bot.client.command("", user=user)
    assert response.status == 200
    call = bot.fake.wait_for("views.open", before + 1)[-1]
    return call.params["view"]


def register(bot: Any, *, user: str = "U0STAFF1", view_id: str | None = None, **answers: Any) -> dict[str, Any]:
    """Open the form, fill it, submit; returns the JSON the bot answered the submission with."""
    view = open_form(bot, user)
    response = bot.client.submit(view, {**ANSWERS, **answers}, user=user, view_id=view_id)
    assert response.status == 200, response.body
    bot.services.messenger.wait_idle(entered=True)  # the receipt and the card, sent after the ack
    return response.json()


def wait_until(condition, timeout: float = 10.0) -> None:
    """Poll until `condition()` holds (work the bot does after its ack, in the background)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def card_posted(bot: Any, deviation_id: int) -> bool:
    from store.models import Deviation

    with bot.services.db.reading() as session:
        return session.get(Deviation, deviation_id).card_ts is not None


def posted_to(fake: SlackFake, channel: str) -> list[dict[str, Any]]:
    return [c.params for c in fake.of("chat.postMessage", lambda c: c.params.get("channel") == channel)]


def text_of(params: dict[str, Any]) -> str:
    """Everything a person would read in a message or view: its text and every text in its blocks."""
    parts: list[str] = [params.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(params.get("blocks") or [])
    return "\n".join(parts)


def choose_category(bot: Any, view: dict[str, Any], category: str, *, user: str = "U0STAFF1",
                    typed: dict[str, Any] | None = None, view_id: str = "VREG0001",
                    view_hash: str = "1700000000.hash1") -> dict[str, Any]:
    """Pick a category in the open modal (Slack sends block_actions: dispatch_action); returns the
    view the bot put in its place with views.update."""
    from tests.support.slack_client import fill

    [block] = [b for b in view["blocks"] if b.get("block_id") == "category"]
    [chosen] = [o for o in block["element"]["options"] if o["value"] == category]
    state = fill(view, {**(typed or {}), "category": category})
    before = len(bot.fake.of("views.update"))
    response = bot.client.click(
        block["element"]["action_id"], user=user, container={"type": "view", "view_id": view_id},
        view={**view, "id": view_id, "hash": view_hash, "state": {"values": state}},
        extra={"type": "static_select", "block_id": "category", "selected_option": chosen})
    assert response.status == 200
    return bot.fake.wait_for("views.update", before + 1)[-1].params
