"""A Slack Web API fake: a real local HTTP server the bot's WebClient reaches via SLACK_API_URL.

It answers the methods the bot calls the way Slack does (form or JSON bodies, `ok`,
`error`), validates every view and block list with slack_sdk's own models (as Slack
would reject an invalid one), records each call, and can be told to fail or rate-limit.
It keeps what was posted, with its metadata, per conversation (a person's id is their direct
message channel `D<id>`), and answers `conversations.history` and `conversations.replies` from it.
A post Slack accepted is recorded even when the bot gave up waiting for the answer (`late`)."""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    ok: bool = True


@dataclass
class Failure:
    """Fail the next `times` calls of a method: an HTTP status (429/5xx) or a Slack error."""

    times: int
    status: int = 200
    error: str = "internal_error"
    retry_after: int = 1
    where: Callable[[dict[str, Any]], bool] | None = None  # only calls whose params match
    hold: threading.Event | None = None  # stall the call until set (a hung Slack), then fail it
    late: float = 0.0  # do the call, then answer only after this many seconds (after the bot's timeout)


@dataclass
class Upload:
    """A file uploaded as Slack's files_upload_v2 does: an upload URL, the bytes POSTed to it, then
    files.completeUploadExternal sharing it into a conversation."""

    file_id: str
    filename: str
    length: int
    alt_txt: str | None = None
    data: bytes | None = None
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    completed: bool = False


@dataclass
class Hold:
    """Requests to a method wait here, unanswered, until released (to kill a process mid-send)."""

    waiting: int = 0
    released: threading.Event = field(default_factory=threading.Event)
    drop: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # listen()'s backlog: the default 5 overflows when a burst of clients' Web API calls arrives at once,
    # and the kernel then drops connections (retried only after a second) as Slack itself would not.
    request_queue_size = 256


@dataclass
class SlackFake:
    token: str = "xoxb-test-token"
    app_token: str = "xapp-test-token"  # Socket Mode's app-level token: only `apps.connections.open` takes it
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    # On demand, as Slack answers a wrong setting: ids Slack does not know (channel_not_found,
    # user_not_found, no_such_subteam), and channels the bot was never invited to (not_in_channel).
    unknown: set[str] = field(default_factory=set)
    uninvited: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # users' display names (users.info)
    invalid: list[str] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    _files: itertools.count = field(default_factory=lambda: itertools.count(1))
    holds: dict[str, Hold] = field(default_factory=dict)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _views: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _stalled: dict[str, int] = field(default_factory=dict)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # conversation → messages, oldest first
    server: ThreadingHTTPServer | None = None
    _connections: set[socket.socket] = field(default_factory=set)  # kept-alive client connections
    socket_url: str | None = None  # Socket Mode: the WebSocket URL `apps.connections.open` hands out
    validate: bool = True  # a benchmark turns this off: Slack's own checks never cost the bot's CPU

    # --- control -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> SlackFake:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # connections kept alive, as Slack's are
            disable_nagle_algorithm = True  # headers and body are two writes: no delayed-ACK stall between them

            def setup(self) -> None:
                super().setup()
                with fake._lock:
                    fake._connections.add(self.connection)

            def finish(self) -> None:
                with fake._lock:
                    fake._connections.discard(self.connection)
                super().finish()

            def do_POST(self) -> None:
                fake._handle(self)

            def do_GET(self) -> None:  # counts per method, for a benchmark running the fake in its own process
                with fake._lock:
                    counts: dict[str, int] = {}
                    for call in fake.calls:
                        counts[call.method] = counts.get(call.method, 0) + 1
                fake._reply(self, 200, {"ok": True, "calls": counts})

            def log_message(self, *args: object) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def close_idle(self) -> None:
        """Close every kept-alive connection, as Slack closes the ones idle too long (call it between calls)."""
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def fail(self, method: str, times: int = 1, *, status: int = 200, error: str = "internal_error",
             retry_after: int = 1, where: Callable[[dict[str, Any]], bool] | None = None) -> None:
        self.failures.setdefault(method, []).append(Failure(times, status, error, retry_after, where))

    def stall(self, method: str, times: int = 1, *,
              where: Callable[[dict[str, Any]], bool] | None = None) -> threading.Event:
        """Hold the next calls without answering (Slack hanging); set the event to let them fail."""
        release = threading.Event()
        self.failures.setdefault(method, []).append(Failure(times, 503, where=where, hold=release))
        return release

    def late(self, method: str, seconds: float, times: int = 1, *,
             where: Callable[[dict[str, Any]], bool] | None = None) -> None:
        """Do the next calls (a post is posted and recorded) but answer only after `seconds`."""
        self.failures.setdefault(method, []).append(Failure(times, where=where, late=seconds))

    def attempts(self, method: str) -> int:
        """How many calls to `method` arrived, answered or not (a stalled call counts at once)."""
        with self._lock:
            return sum(1 for c in self.calls if c.method == method) + self._stalled.get(method, 0)

    def hold(self, method: str) -> None:
        """Keep every request to `method` waiting, unanswered and unrecorded, until `release()`."""
        with self._lock:
            self.holds[method] = Hold()

    def wait_held(self, method: str, count: int = 1, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while self.holds[method].waiting < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} held request(s) to {method}")
                self._lock.wait(remaining)

    def release(self, method: str, *, drop: bool) -> None:
        """Let held requests go on (drop=False), or close them unanswered, as if Slack never saw them."""
        with self._lock:
            hold = self.holds.pop(method, None)
        if hold:
            hold.drop = drop
            hold.released.set()

    def reset(self) -> None:
        for method in list(self.holds):
            self.release(method, drop=True)
        with self._lock:
            self.calls.clear()
            self.failures.clear()
            self.invalid.clear()
            self.uploads.clear()
            self._stalled.clear()
            self.unknown.clear()
            self.uninvited.clear()
            self.names.clear()
            self.history.clear()
            self.usergroups.clear()  # one test's groups are not the next test's

    def of(self, method: str, where: Callable[[Call], bool] | None = None, *, failed: bool = False) -> list[Call]:
        """The calls to `method` that Slack accepted (or, with failed=True, every attempt)."""
        with self._lock:
            return [c for c in self.calls
                    if c.method == method and (failed or c.ok) and (where is None or where(c))]

    def wait_for(self, method: str, count: int = 1, where: Callable[[Call], bool] | None = None,
                 timeout: float = 10.0, *, failed: bool = False) -> list[Call]:
        """Block until `count` accepted calls have arrived (the bot sends after its ack); with
        failed=True, until `count` attempts have, accepted or not."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls
                         if c.method == method and (failed or c.ok) and (where is None or where(c))]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}: "
                                         f"{[c.method for c in self.calls]}")
                self._lock.wait(remaining)

    def uploaded(self, channel: str | None = None) -> list[Upload]:
        """Files whose upload was completed (shared into `channel`, when given)."""
        with self._lock:
            return [u for u in self.uploads.values() if u.completed and (channel is None or u.channel == channel)]

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until no call has arrived for `quiet` seconds (background work is done)."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline:
            with self._lock:
                now = len(self.calls)
            if now == seen:
                return
            seen = now
            time.sleep(quiet)

    # --- serving -------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if request.path.startswith("/upload/"):
            self._receive_upload(request)
            return
        if request.path.startswith("/hooks/"):
            self._receive_response(request)
            return
        method = request.path.removeprefix("/api/").split("?")[0]
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length).decode() if length else ""
        with self._lock:
            hold = self.holds.get(method)
            if hold:
                hold.waiting += 1
                self._lock.notify_all()
        if hold:
            hold.released.wait(timeout=60)
            if hold.drop:
                request.close_connection = True
                return
        if "json" in (request.headers.get("Content-Type") or ""):
            params = json.loads(raw or "{}")
        else:
            params = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        query = urllib.parse.urlparse(request.path).query
        params = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()} | params
        for key in ("view", "blocks", "users"):
            if isinstance(params.get(key), str) and params[key][:1] in "[{":
                params[key] = json.loads(params[key])
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else params.get("token")

        failure = self._take_failure(method, params)
        if failure and failure.hold is not None:
            with self._lock:
                self._stalled[method] = self._stalled.get(method, 0) + 1
                self._lock.notify_all()
            failure.hold.wait(60)
            with self._lock:
                self._stalled[method] -= 1
        status, headers = 200, {}
        late = failure.late if failure else 0.0
        if late:
            failure = None  # Slack does the work; only its answer is late
        if failure and failure.status != 200:
            status, body = failure.status, {"ok": False, "error": "ratelimited"}
            if failure.status == 429:
                headers = {"Retry-After": str(failure.retry_after)}
        elif token != (self.app_token if method == "apps.connections.open" else self.token):
            body = {"ok": False, "error": "invalid_auth"}
        elif failure:
            body = {"ok": False, "error": failure.error}
        elif self.validate and (problem := self._validate(params)):
            self.invalid.append(f"{method}: {problem}")
            body = {"ok": False, "error": "invalid_blocks", "detail": problem}
        else:
            body = self._answer(method, params)
        with self._lock:
            self.calls.append(Call(method, params, token, ok=body["ok"]))
            self._lock.notify_all()
        if late:
            time.sleep(late)
        with contextlib.suppress(OSError):  # the caller is gone (a killed process)
            self._reply(request, status, body, headers)

    def _take_failure(self, method: str, params: dict[str, Any]) -> Failure | None:
        with self._lock:
            queue = self.failures.get(method) or []
            for failure in list(queue):
                if failure.hold is not None and failure.hold.is_set():
                    queue.remove(failure)  # a released stall: Slack answers again
                    continue
                if failure.where is None or failure.where(params):
                    failure.times -= 1
                    if failure.times <= 0:
                        queue.remove(failure)
                    return failure
            return None

    @staticmethod
    def _validate(params: dict[str, Any]) -> str | None:
        """Slack refuses views and blocks beyond Block Kit's limits; so does the fake."""
        try:
            if "view" in params:
                view = params["view"]
                View(**view).validate_json()
                for block in view.get("blocks", []):
                    Block.parse(block).validate_json()
            for block in params.get("blocks") or []:
                parsed = Block.parse(block)
                if parsed is None:
                    return f"unknown block {block.get('type')}"
                parsed.validate_json()
        except (SlackObjectFormationError, TypeError, KeyError) as exc:
            return str(exc)
        return None

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if refused := self._refuse(method, params):
            return {"ok": False, "error": refused}
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            channel = params.get("channel")
            # Slack's ts is the time it posted (unique per conversation; here unique overall).
            ts = params.get("ts") or f"{int(time.time())}.{next(self._ts):06d}"
            if method == "chat.postMessage":
                self._keep(str(channel), ts, params)
            return {"ok": True, "channel": channel, "ts": ts, "message": {"text": params.get("text")}}
        if method in ("conversations.history", "conversations.replies"):
            return self._history(method, params)
        if method in ("views.open", "views.update", "views.publish", "views.push"):
            view = dict(params.get("view") or {})
            view.setdefault("id", params.get("view_id") or f"V{next(self._views):08d}")
            return {"ok": True, "view": view}
        if method == "users.info":  # a name for every id: a test's `names`, else «Navn U0LEADER1»
            user = str(params.get("user") or "")
            name = self.names.get(user) or f"Navn {user}"
            return {"ok": True, "user": {"id": user, "deleted": False, "name": user.lower(), "real_name": name,
                                         "profile": {"display_name": name, "real_name": name}}}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.usergroups.get(params.get("usergroup"), [])}
        if method == "usergroups.list":  # with include_users: every group and its members in one answer
            with_users = str(params.get("include_users", "")).lower() in ("true", "1")
            return {"ok": True, "usergroups": [{"id": group, **({"users": list(users)} if with_users else {})}
                                               for group, users in self.usergroups.items()]}
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts") or "")
            return {"ok": True, "channel": params.get("channel"),
                    "permalink": f"https://nav-test.slack.com/archives/{params.get('channel')}/p{ts.replace('.', '')}"}
        if method == "conversations.info":
            channel = params.get("channel")
            return {"ok": True, "channel": {"id": channel, "name": str(channel).lower(), "is_archived": False,
                                            "is_member": channel not in self.uninvited}}
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T0001"}
        if method == "files.getUploadURLExternal":
            return self._upload_url(params)
        if method == "files.completeUploadExternal":
            return self._complete_upload(params)
        if method == "apps.connections.open":  # a URL nobody serves unless a test runs a Socket Mode server
            return {"ok": True, "url": self.socket_url or "wss://wss.slack.invalid/link"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "X"))}}
        return {"ok": True}

    def _refuse(self, method: str, params: dict[str, Any]) -> str | None:
        """Slack's answer for an id it does not know, or a channel the bot is not in."""
        if method == "usergroups.users.list" and params.get("usergroup") in self.unknown:
            return "no_such_subteam"
        if method == "users.info" and params.get("user") in self.unknown:
            return "user_not_found"
        channel = params.get("channel")
        if method in ("conversations.info", "chat.postMessage", "chat.update", "chat.getPermalink"):
            if channel in self.unknown:
                return "channel_not_found"
            if channel in self.uninvited and method != "conversations.info":
                return "not_in_channel"
        return None

    @staticmethod
    def conversation(channel: str) -> str:
        """Where a post to `channel` lands: a person's id is their direct message channel with the bot."""
        return "D" + channel if channel.startswith(("U", "W")) else channel

    def _keep(self, channel: str, ts: str, params: dict[str, Any]) -> None:
        metadata = params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        message = {"type": "message", "ts": ts, "user": "UBOT", "bot_id": "BBOT", "text": params.get("text"),
                   "metadata": metadata, "thread_ts": params.get("thread_ts")}
        with self._lock:
            self.history.setdefault(self.conversation(channel), []).append(message)

    def posted_with(self, event_type: str) -> list[dict[str, Any]]:
        """Every message posted with metadata of this event type, in any conversation."""
        with self._lock:
            return [m for messages in self.history.values() for m in messages
                    if (m.get("metadata") or {}).get("event_type") == event_type]

    def _history(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, `oldest` inclusive, `limit` per page with a cursor; metadata only when
        asked for with include_all_metadata, as Slack does; replies: the thread's parent and replies."""
        channel = str(params.get("channel") or "")
        if channel.startswith(("U", "W")):
            return {"ok": False, "error": "channel_not_found"}
        with self._lock:
            messages = list(self.history.get(channel, []))
        if method == "conversations.replies":
            parent = params.get("ts")
            messages = [m for m in messages if m["ts"] == parent or m.get("thread_ts") == parent]
        else:
            messages = [m for m in messages if not m.get("thread_ts")]
        oldest = float(params.get("oldest") or 0)
        messages = [m for m in reversed(messages) if float(m["ts"]) >= oldest]
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        if not with_metadata:
            messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
        start, limit = int(params.get("cursor") or 0), int(params.get("limit") or 100)
        page = messages[start:start + limit]
        more = start + limit < len(messages)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        """Step 1 of files_upload_v2: Slack hands out a one-off URL to POST the bytes to."""
        try:
            length = int(params.get("length", ""))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not params.get("filename") or length <= 0:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._files):08d}"
        with self._lock:
            self.uploads[file_id] = Upload(file_id, params["filename"], length, params.get("alt_txt"))
        host, port = self.server.server_address[:2]  # type: ignore[union-attr]
        return {"ok": True, "file_id": file_id, "upload_url": f"http://{host}:{port}/upload/{file_id}"}

    def response_url(self, name: str = "commands/1") -> str:
        """A command's response_url that lands here: what the bot answers through it is recorded as a
        `response_url` call (its JSON message as params)."""
        host, port = self.server.server_address[:2]  # type: ignore[union-attr]
        return f"http://{host}:{port}/hooks/{name}"

    def _receive_response(self, request: BaseHTTPRequestHandler) -> None:
        """A message posted to a command's response_url (no token: the URL is the credential); Slack answers «ok»."""
        raw = request.rfile.read(int(request.headers.get("Content-Length") or 0)).decode()
        with self._lock:
            self.calls.append(Call("response_url", json.loads(raw or "{}"), None))
            self._lock.notify_all()
        body = b"ok"
        request.send_response(200)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def _receive_upload(self, request: BaseHTTPRequestHandler) -> None:
        """Step 2: the raw bytes, POSTed to the upload URL (no token: the URL is the credential)."""
        file_id = request.path.removeprefix("/upload/").split("?")[0]
        data = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        with self._lock:
            upload = self.uploads.get(file_id)
            if upload is not None and upload.data is None:
                upload.data = data
        if upload is None:
            status, text = 404, "unknown upload"
        else:
            status, text = 200, f"OK - {len(data)}"
        body = text.encode()
        request.send_response(status)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def _complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        """Step 3: share the uploaded files; refused when a file's bytes never arrived or differ in length."""
        try:
            files = json.loads(params.get("files") or "[]")
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            uploads = [self.uploads.get(f.get("id")) for f in files]
            if not files or any(u is None or u.data is None or len(u.data) != u.length for u in uploads):
                return {"ok": False, "error": "file_upload_incomplete"}
            for item, upload in zip(files, uploads, strict=True):
                upload.title = item.get("title") or upload.filename
                upload.channel = params.get("channel_id") or params.get("channels")
                upload.thread_ts = params.get("thread_ts")
                upload.completed = True
            return {"ok": True, "files": [{"id": u.file_id, "name": u.filename, "title": u.title, "size": u.length}
                                          for u in uploads]}

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any],
               headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(data)


if __name__ == "__main__":  # a stand-alone fake for benchmarks: prints its URL, serves until killed
    import sys

    fake = SlackFake(token=sys.argv[1] if len(sys.argv) > 1 else "xoxb-test-token", validate=False).start()
    print(fake.url, flush=True)
    threading.Event().wait()
