"""Structured logs: with LOG_FORMAT=json every line a real `serve` writes is one JSON object,
and what a person typed (or who they are) never reaches the log."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from pathlib import Path

from bot.logs import JsonFormatter
from tests.conftest import SIGNING_SECRET
from tests.support.flows import ANSWERS
from tests.support.servers import serve
from tests.support.slack_client import SlackClient

REPORTER = "U0PRIVATE7"
ANONYMOUS_REPORTER = "U0HIDDEN42"
TEXTS = {
    "title": "Brev sendt til feil mottaker",
    "what_happened": "Vedtaksbrevet til Kari Nordmann i Storgata 5 gikk til naboen.",
    "immediate_action": "Ringte Kari og naboen samme dag.",
    "suggested_action": "Dobbeltsjekk adressen før utsending.",
}
NATIONAL_ID = "15108695088"


def _submit(client: SlackClient, slack, user: str, view_id: str, **answers: object) -> dict:
    before = len(slack.of("views.open"))
    assert client.command("", user=user).status == 200
    view = slack.wait_for("views.open", before + 1)[-1].params["view"]
    response = client.submit(view, {**ANSWERS, **TEXTS, **answers}, user=user, view_id=view_id)
    assert response.status == 200
    return response.json()


def test_a_registration_logs_json_lines_without_message_text_or_personal_data(slack, db, tmp_path: Path):
    slack.fail("chat.postMessage", error="channel_not_found", where=lambda p: p.get("channel") == REPORTER)
    with serve(slack, db.url, tmp_path, extra_env={"LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"}) as url:
        client = SlackClient(url, SIGNING_SECRET)
        assert _submit(client, slack, REPORTER, "VLOG1")["response_action"] == "update"
        assert _submit(client, slack, ANONYMOUS_REPORTER, "VLOG2", anonymous=["anonymous"])["response_action"] == \
            "update"
        refused = _submit(client, slack, REPORTER, "VLOG3", what_happened=f"Gjelder {NATIONAL_ID}")
        assert refused["response_action"] == "errors"
        slack.wait_for("chat.postMessage", 2, where=lambda c: c.params["channel"] == "C0LEADERS")
        slack.settle()
        port = url.rsplit(":", 1)[1]
    lines = (tmp_path / f"serve-{port}.log").read_text(encoding="utf-8").splitlines()

    records = [json.loads(line) for line in lines]  # raises on any line that is not JSON
    assert all(isinstance(r, dict) and {"ts", "level", "logger", "msg"} <= r.keys() for r in records)
    messages = [r["msg"] for r in records]
    assert any("Booting worker" in m for m in messages)  # gunicorn's own lines are JSON too
    assert sum("registered case" in m for m in messages) == 2
    assert any("receipt" in m and "channel_not_found" in m for m in messages)  # the failed receipt, by code
    # The refused one is logged by field and catalogue key, not by what was typed.
    assert any("registration not stored" in m and "what_happened=error.field.national_id" in m for m in messages)

    log = "\n".join(lines)
    for text in [*TEXTS.values(), "Kari", "Storgata", NATIONAL_ID, REPORTER, ANONYMOUS_REPORTER, "VLOG"]:
        assert text not in log


def test_an_error_is_logged_by_type_and_place_not_by_its_text():
    try:
        raise ValueError("Kari Nordmann skrev: brevet gikk til naboen")
    except ValueError:
        record = logging.LogRecord("avvik", logging.ERROR, __file__, 1, "listener failed: %s", ("ValueError",),
                                   exc_info=__import__("sys").exc_info())
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert "\n" not in line
    assert data["error"] == "ValueError"
    assert data["where"].startswith("tests/ops/test_logs.py:")
    assert "Kari" not in line


def _raw_post(url: str, body_size: int) -> tuple[int, str]:
    """POST `body_size` bytes without a signature over a plain socket, sending while the bot answers
    (it may answer and close before the body is through, as a refusal should)."""
    import socket
    import threading

    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                     f"X-Slack-Request-Timestamp: 1700000000\r\nContent-Length: {body_size}\r\n\r\n".encode())

        def send_body() -> None:
            with contextlib.suppress(OSError):  # the bot closed the connection: it had heard enough
                sock.sendall(b'{"text": "' + b"x" * (body_size - 12) + b'"}')

        sender = threading.Thread(target=send_body, daemon=True)
        sender.start()
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except ConnectionResetError:
            pass
    head = answer.decode("latin-1")
    return int(head.split(" ", 2)[1]), head


def test_a_refused_request_leaves_nothing_of_its_body_in_the_log(slack, db, tmp_path: Path):
    """A form signed six minutes ago (a replay, or a server clock off) is refused with 401; Bolt's own
    line about it names no part of the body. A 5 MB body is refused with 413 before it is read."""
    with serve(slack, db.url, tmp_path, extra_env={"LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"}) as url:
        client = SlackClient(url, SIGNING_SECRET)
        before = len(slack.of("views.open"))
        assert client.command("", user=REPORTER).status == 200
        view = slack.wait_for("views.open", before + 1)[-1].params["view"]
        stale = int(time.time()) - 6 * 60
        response = client.submit(view, {**ANSWERS, **TEXTS, "what_happened": f"Gjelder {NATIONAL_ID} i Storgata"},
                                 user=REPORTER, view_id="VSTALE1", timestamp=stale)
        assert response.status == 401
        port = url.rsplit(":", 1)[1]
        log_file = tmp_path / f"serve-{port}.log"
        size = log_file.stat().st_size

        status, _ = _raw_post(url, 5 * 1024 * 1024)
        assert status == 413
        assert client.get("/healthz").status == 200  # and the bot serves on
        # Not one line of a 5 MB body: what the log gained meanwhile is the bot's own few lines (and, at
        # DEBUG, the scheduler's start-up lines, which may fall in this window).
        assert log_file.stat().st_size - size < 20_000
    lines = log_file.read_text(encoding="utf-8").splitlines()

    log = "\n".join(lines)
    assert any("Invalid request signature" in json.loads(line)["msg"] for line in lines)  # said, without details
    for text in [*TEXTS.values(), NATIONAL_ID, "Storgata", "Kari", REPORTER, "VSTALE1", "what_happened",
                 "payload", "xxxxxxxxxx"]:
        assert text not in log
