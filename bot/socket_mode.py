"""Socket Mode that survives a real network: the connection to Slack, kept alive and replaced
without a gap.

Built on slack_sdk's `websocket-client` Socket Mode client (chosen over the built-in one, see the
README's «Socket Mode» section for the measured figures), with two changes to how it holds the
connection:

- **Each connection reads on its own thread, and a new one is open before the old one closes.**
  When Slack refreshes a connection (a `disconnect` message, then a new URL) or a connection is
  lost, the new socket is connected and reading before the old one is let go, so an envelope
  Slack sends meanwhile is read from one or the other; the stock client closes the old socket
  first and starts the new one on its next 0.5 s tick.
- **A connection that goes quiet is noticed.** A socket dropped without a close frame (what
  proxies and firewalls on closed networks do to idle connections) ends the read at once; one
  that silently stops carrying traffic misses a ping's pong within `PING_TIMEOUT` seconds. Either
  way a new connection is opened, and only when the lost one was the one in use.

Shutting down (`close`) stops taking envelopes first, finishes and acknowledges the ones in
progress, then closes the socket.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import websocket
from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk.socket_mode.websocket_client import SocketModeClient

log = logging.getLogger(__name__)
# websocket-client logs a lost connection at ERROR ("goodbye"); it is routine here and logged below.
logging.getLogger("websocket").setLevel(logging.CRITICAL)

PING_INTERVAL = 5.0  # seconds between pings on an idle connection
PING_TIMEOUT = 4.0  # a pong later than this: the connection is gone
CONNECT_TIMEOUT = 10.0  # a new connection not open by then is given up and tried again
RECONNECT_PAUSES = (0.5, 1.0, 2.0, 4.0)  # seconds between attempts after a lost connection
DRAIN_TIMEOUT = 5.0  # at shutdown, envelopes already read are handed to the app for this long at most


class _Connection:
    """One WebSocket to Slack, reading on its own thread until it closes."""

    def __init__(self, client: _Client, url: str) -> None:
        self.client = client
        self.opened = threading.Event()
        self.closed = threading.Event()
        self.app = websocket.WebSocketApp(url, on_open=lambda _: self.opened.set(), on_message=self._message,
                                          on_close=self._close, on_error=self._error)
        self.thread = threading.Thread(target=self._run, name="socket-mode-connection", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.app.run_forever(ping_interval=PING_INTERVAL, ping_timeout=PING_TIMEOUT, reconnect=0)
        finally:
            self.closed.set()
            self.client._lost(self)

    def _message(self, _: websocket.WebSocketApp, message: str) -> None:
        self.client._received(message)

    def _close(self, *_: Any) -> None:
        self.closed.set()

    def _error(self, _: websocket.WebSocketApp, error: Exception) -> None:
        log.info("socket mode: connection ended (%s)", type(error).__name__)

    def send(self, message: str) -> None:
        self.app.send(message)

    def close(self) -> None:
        self.app.close()


class _Client(SocketModeClient):
    """slack_sdk's websocket-client Socket Mode client, holding its connections as described above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.connection: _Connection | None = None
        self.swap = threading.Lock()  # the connection in use is changed, or asked for, one at a time
        self.draining = False
        super().__init__(*args, **kwargs)

    # The stock client runs the current session from a timer thread; here each connection has its own.
    def _run_current_session(self) -> None:
        return None

    def _monitor_current_session(self) -> None:
        # slack_sdk's IntervalRunner ends for good on the first exception: a failed attempt here
        # (Slack slow to hand out a URL) must leave the monitor running for the next tick.
        connection = self.connection
        if self.auto_reconnect_enabled and not self.closed and (connection is None or connection.closed.is_set()):
            try:
                self.connect_to_new_endpoint()
            except Exception as exc:
                log.warning("socket mode: reconnecting failed (%s); trying again shortly", type(exc).__name__)

    def is_connected(self) -> bool:
        connection = self.connection
        return connection is not None and connection.opened.is_set() and not connection.closed.is_set()

    def connect(self) -> None:
        """Open a new connection and wait until it reads; only then let the old one go."""
        old = self.connection
        url = self.wss_uri or self.issue_new_wss_url()
        self.wss_uri = None  # a Slack URL serves one connection
        new = _Connection(self, url)
        if not new.opened.wait(CONNECT_TIMEOUT):
            new.close()
            raise ConnectionError("socket mode: the new connection did not open")
        # Opened, and perhaps already closed by Slack (a refresh at once): taken in all the same, and
        # replaced below as lost, rather than failing the start-up that waits on this first connect.
        with self.swap:
            self.connection = new
            lost_already = new.closed.is_set()  # closed before it was ours: `_lost` let it pass
        self.current_session = new.app
        if lost_already:
            self._lost(new)
        if not self.current_app_monitor_started:
            self.current_app_monitor_started = True
            self.current_app_monitor.start()
        if old is not None:
            old.close()
        log.info("socket mode: connected")

    def _lost(self, connection: _Connection) -> None:
        """A connection ended: if it was the one in use (not one we retired), open another now."""
        with self.swap:
            current = connection is self.connection
        if current and self.auto_reconnect_enabled and not self.closed:
            log.info("socket mode: connection lost; reconnecting")
            threading.Thread(target=self._reconnect, name="socket-mode-reconnect", daemon=True).start()

    def _reconnect(self) -> None:
        """Connect again, and again after a short pause while it fails, until connected or closing."""
        for pause in RECONNECT_PAUSES:
            if self.closed or not self.auto_reconnect_enabled:
                return
            try:
                self.connect_to_new_endpoint()
                if self.is_connected():
                    return
            except Exception as exc:
                log.warning("socket mode: reconnecting failed (%s); trying again in %g s", type(exc).__name__, pause)
            time.sleep(pause)
        # then the monitor goes on trying every PING_INTERVAL

    def _received(self, message: str) -> None:
        if not self.draining:
            self.enqueue_message(message)

    def disconnect(self) -> None:
        if self.connection is not None:
            self.connection.close()

    def send_message(self, message: str) -> None:
        connection = self.connection
        if connection is None:
            raise ConnectionError("socket mode: not connected")
        connection.send(message)

    def close(self) -> None:
        """Stop taking envelopes, finish and acknowledge those in progress, then close the socket."""
        self.draining = True
        self.auto_reconnect_enabled = False
        self.closed = True
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while not self.message_queue.empty() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.message_processor.shutdown()
        self.message_workers.shutdown(wait=True)
        self.current_app_monitor.shutdown()
        self.current_session_runner.shutdown()
        self.disconnect()


class SocketModeRunner(SocketModeHandler):
    """Bolt's websocket-client Socket Mode handler with the client above."""

    def __init__(self, app: App, app_token: str) -> None:
        self.app, self.app_token = app, app_token
        self.client = _Client(app_token=app_token, logger=app.logger, web_client=app.client,
                              ping_interval=PING_INTERVAL, concurrency=10)
        self.client.socket_mode_request_listeners.append(self.handle)
