"""A Socket Mode endpoint as Slack runs it, for driving `avvik-bot socket` in tests.

Slack's side of Socket Mode: the bot asks `apps.connections.open` (on the Web API fake) for a
WebSocket URL, connects, gets `hello`, then receives envelopes (slash commands, interactions,
events), each acknowledged by its `envelope_id`. Slack refreshes connections now and then (a
`disconnect` message, then a new socket) and networks drop them, with or without a close frame.
This server does all of that on demand and records every ack with the moment it arrived.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve


@dataclass
class Ack:
    envelope_id: str
    at: float  # time.monotonic() when it arrived
    payload: dict[str, Any] | None
    connection: int


@dataclass
class Sent:
    envelope_id: str
    at: float
    connection: int


class SocketModeServer:
    """Hands out envelopes to whichever connected client is newest (as Slack spreads them over the
    open connections, one connection at a time per envelope) and collects the acks."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._connections: dict[int, ServerConnection] = {}
        self._ids = itertools.count(1)
        self._envelopes = itertools.count(1)
        self.opened: list[int] = []  # connection numbers in the order they said hello
        self.acks: list[Ack] = []
        self.sent: dict[str, Sent] = {}
        self._server = serve(self._session, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=test"

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    # --- Slack's side of a connection ----------------------------------------------------------

    def _session(self, websocket: ServerConnection) -> None:
        number = next(self._ids)
        with self._lock:
            self._connections[number] = websocket
            self.opened.append(number)
            self._lock.notify_all()
        try:
            websocket.send(json.dumps({"type": "hello", "num_connections": len(self._connections),
                                       "connection_info": {"app_id": "A0AVVIK"}}))
            for raw in websocket:
                message = json.loads(raw)
                with self._lock:
                    self.acks.append(Ack(message["envelope_id"], time.monotonic(), message.get("payload"), number))
                    self._lock.notify_all()
        except (ConnectionClosed, OSError, ValueError, KeyError):
            pass
        finally:
            with self._lock:
                self._connections.pop(number, None)
                self._lock.notify_all()

    # --- control --------------------------------------------------------------------------------

    def wait_connected(self, count: int = 1, timeout: float = 20.0) -> int:
        """Wait until `count` connections have said hello in all (and one is open); the newest's number."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.opened) >= count and self._connections, timeout):
                raise AssertionError(f"{len(self.opened)} connection(s) after {timeout} s, wanted {count}")
            return max(self._connections)

    def open_connections(self) -> list[int]:
        with self._lock:
            return sorted(self._connections)

    def send(self, kind: str, payload: dict[str, Any], *, connection: int | None = None) -> str:
        """Send one envelope; its id, by which the ack is matched."""
        envelope_id = f"env-{next(self._envelopes)}"
        body: dict[str, Any] = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                                "accepts_response_payload": kind != "events_api"}
        if kind == "events_api":
            body["retry_attempt"], body["retry_reason"] = 0, ""
        with self._lock:
            number, websocket = self._pick(connection)
            self.sent[envelope_id] = Sent(envelope_id, time.monotonic(), number)
        websocket.send(json.dumps(body))
        return envelope_id

    def slash_command(self, command: str, text: str = "", *, user: str = "U0STAFF1", channel: str = "C0OFFICE",
                      trigger_id: str = "T-1", connection: int | None = None) -> str:
        return self.send("slash_commands", {"command": command, "text": text, "user_id": user, "team_id": "T0001",
                                            "channel_id": channel, "trigger_id": trigger_id,
                                            "response_url": "https://hooks.slack.invalid/commands/1"},
                         connection=connection)

    def interactive(self, payload: dict[str, Any], *, connection: int | None = None) -> str:
        return self.send("interactive", payload, connection=connection)

    def _pick(self, connection: int | None) -> tuple[int, ServerConnection]:
        """The connection asked for, or the newest open one (waiting for one, as Slack holds envelopes
        while an app has no connection open). Called with the lock held."""
        if connection is None:
            self._lock.wait_for(lambda: self._connections, 10)
            connection = max(self._connections)
        return connection, self._connections[connection]

    def wait_ack(self, envelope_id: str, timeout: float = 20.0) -> Ack:
        with self._lock:
            if not self._lock.wait_for(lambda: any(a.envelope_id == envelope_id for a in self.acks), timeout):
                raise AssertionError(f"no ack for {envelope_id} after {timeout} s")
            return next(a for a in self.acks if a.envelope_id == envelope_id)

    def acks_of(self, envelope_id: str) -> list[Ack]:
        with self._lock:
            return [a for a in self.acks if a.envelope_id == envelope_id]

    def refresh(self, connection: int | None = None) -> None:
        """Slack's routine refresh: a `disconnect` message; the client is expected to open a new socket."""
        with self._lock:
            websocket = self._pick(connection)[1]
        websocket.send(json.dumps({"type": "disconnect", "reason": "refresh_requested",
                                   "debug_info": {"host": "applink-test"}}))

    def close(self, connection: int | None = None) -> None:
        """Close with a close frame, as Slack does when it retires a connection."""
        with self._lock:
            websocket = self._pick(connection)[1]
        websocket.close(code=1001, reason="going away")

    def drop(self, connection: int | None = None) -> None:
        """Drop the TCP connection with no close frame, as a proxy or firewall does to an idle one."""
        with self._lock:
            websocket = self._pick(connection)[1]
        raw: socket.socket = websocket.socket
        raw.shutdown(socket.SHUT_RDWR)
        raw.close()
