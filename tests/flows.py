"""Steps shared by the scenario tests: what a person does in Slack, through signed HTTP."""

from __future__ import annotations

from typing import Any

from tests.slack_fake import SlackFake

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
    return response.json()


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
