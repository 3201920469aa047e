"""Sending requests to the bot exactly as Slack does: form or JSON bodies, signed with the
signing secret (`v0=` HMAC-SHA256 over `v0:<timestamp>:<body>`), over real HTTP."""

from __future__ import annotations

import contextlib
import http.client
import json
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from slack_sdk.signature import SignatureVerifier

TEAM = "T0001"


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackClient:
    def __init__(self, base_url: str, signing_secret: str) -> None:
        parsed = urllib.parse.urlparse(base_url)
        self.host, self.port = parsed.hostname, parsed.port
        self.verifier = SignatureVerifier(signing_secret)
        self._trigger = 0
        self.timeout = 30.0  # seconds to wait for the bot's answer; Slack itself waits 3

    # --- transport ---------------------------------------------------------------------

    def post(self, body: str, content_type: str, *, timestamp: int | None = None, signed: bool = True,
             headers: dict[str, str] | None = None, path: str = "/slack/events") -> Response:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        if signed:
            all_headers["X-Slack-Signature"] = self.verifier.generate_signature(timestamp=ts, body=body)
        all_headers.update(headers or {})
        return self.request("POST", path, body.encode(), all_headers)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            # Refused before the body was through (413): the answer is still there to read.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.read().decode(), dict(response.getheaders()))
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def trigger_id(self) -> str:
        self._trigger += 1
        return f"{self._trigger}.1234.abcdef"

    # --- what Slack sends --------------------------------------------------------------

    def command(self, text: str = "", *, user: str = "U0STAFF1", command: str = "/avvik",
                channel: str = "C0GENERAL", response_url: str = "https://hooks.invalid/commands/1",
                **kwargs: Any) -> Response:
        form = {
            "token": "legacy", "team_id": TEAM, "team_domain": "nav", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": command,
            "text": text, "api_app_id": "A0AVVIK", "response_url": response_url,
            "trigger_id": self.trigger_id(),
        }
        return self.post(urllib.parse.urlencode(form), "application/x-www-form-urlencoded", **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> Response:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)

    def event(self, event: dict[str, Any], *, event_id: str = "Ev0001", **kwargs: Any) -> Response:
        body = {"token": "legacy", "team_id": TEAM, "api_app_id": "A0AVVIK", "type": "event_callback",
                "event_id": event_id, "event_time": int(time.time()), "event": event}
        return self.post(json.dumps(body), "application/json", **kwargs)

    def shortcut(self, callback_id: str, *, user: str = "U0STAFF1", **kwargs: Any) -> Response:
        return self.interaction({"type": "shortcut", "callback_id": callback_id, "trigger_id": self.trigger_id(),
                                 "user": {"id": user}, "team": {"id": TEAM}}, **kwargs)

    def message_shortcut(self, callback_id: str, text: str, *, user: str = "U0STAFF1",
                         channel: str = "C0GENERAL", **kwargs: Any) -> Response:
        return self.interaction({
            "type": "message_action", "callback_id": callback_id, "trigger_id": self.trigger_id(),
            "user": {"id": user}, "team": {"id": TEAM}, "channel": {"id": channel},
            "message": {"type": "message", "text": text, "ts": "1700000000.000100"},
        }, **kwargs)

    def submit(self, view: dict[str, Any], answers: dict[str, Any], *, user: str = "U0STAFF1",
               view_id: str | None = None, **kwargs: Any) -> Response:
        """Submit a view the bot opened, answering its inputs by block id."""
        payload = {
            "type": "view_submission", "team": {"id": TEAM}, "user": {"id": user},
            "api_app_id": "A0AVVIK", "trigger_id": self.trigger_id(),
            "view": {**view, "id": view_id or view.get("id") or "V0000001", "team_id": TEAM,
                     "state": {"values": fill(view, answers)}, "hash": "1700000000.abc"},
        }
        return self.interaction(payload, **kwargs)

    def click(self, action_id: str, *, value: str | None = None, user: str = "U0LEADER1",
              container: dict[str, Any] | None = None, view: dict[str, Any] | None = None,
              extra: dict[str, Any] | None = None, **kwargs: Any) -> Response:
        action: dict[str, Any] = {"type": "button", "action_id": action_id, "block_id": "b",
                                  "action_ts": str(time.time())}
        if value is not None:
            action["value"] = value
        action.update(extra or {})
        payload: dict[str, Any] = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user},
                                   "api_app_id": "A0AVVIK", "trigger_id": self.trigger_id(),
                                   "container": container or {"type": "message"}, "actions": [action]}
        if view is not None:
            payload["view"] = view
        return self.interaction(payload, **kwargs)


def fill(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Build `state.values` as Slack does, for the input blocks named in `answers`."""
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input" or block.get("block_id") not in answers:
            continue
        element, answer = block["element"], answers[block["block_id"]]
        kind = element["type"]
        if kind in ("static_select", "radio_buttons"):
            option = next((o for o in _options(element) if o["value"] == answer), None)
            state: dict[str, Any] = {"type": kind, "selected_option": option}
        elif kind in ("checkboxes", "multi_static_select"):
            state = {"type": kind, "selected_options": [o for o in _options(element) if o["value"] in answer]}
        elif kind == "datepicker":
            state = {"type": kind, "selected_date": answer}
        elif kind == "datetimepicker":
            state = {"type": kind, "selected_date_time": answer}
        elif kind == "users_select":
            state = {"type": kind, "selected_user": answer}
        else:
            state = {"type": kind, "value": answer}
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    if "options" in element:
        return element["options"]
    return [o for group in element.get("option_groups", []) for o in group["options"]]
