"""`avvik-bot socket`, driven as Slack drives it: a Socket Mode endpoint hands out envelopes and
collects acks by envelope id, refreshes connections, and a network drops them. The bot is a real
process against the Web API fake and a real database."""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from store.models import Deviation
from tests.support.flows import ANSWERS, text_of, wait_until
from tests.support.servers import SocketProcess, socket_mode
from tests.support.slack_client import fill
from tests.support.socket_server import SocketModeServer

pytestmark = pytest.mark.slow

SLACK_DEADLINE = 3.0  # Slack shows the person an error when an envelope is not acknowledged by then
LEADER_CHANNEL = "C0LEADERS"


@pytest.fixture
def endpoint(slack) -> Any:
    server = SocketModeServer()
    slack.socket_url = server.url
    yield server
    slack.socket_url = None
    server.stop()


def _submission(view: dict[str, Any], answers: dict[str, Any], user: str, view_id: str) -> dict[str, Any]:
    return {"type": "view_submission", "team": {"id": "T0001"}, "user": {"id": user}, "api_app_id": "A0AVVIK",
            "trigger_id": f"{view_id}.trigger",
            "view": {**view, "id": view_id, "team_id": "T0001", "hash": "1700000000.abc",
                     "state": {"values": fill(view, answers)}}}


def _form(slack, endpoint: SocketModeServer, user: str = "U0STAFF1") -> dict[str, Any]:
    before = len(slack.of("views.open"))
    endpoint.wait_ack(endpoint.slash_command("/avvik", user=user))
    return slack.wait_for("views.open", before + 1)[-1].params["view"]


def _cards(slack) -> list[str]:
    return [text_of(c.params) for c in slack.of("chat.postMessage", lambda c: c.params["channel"] == LEADER_CHANNEL
                                                and "thread_ts" not in c.params)]


def _reconnected(endpoint: SocketModeServer, bot: SocketProcess) -> None:
    """The bot's second connection says hello within 15 s; if not, what the bot logged meanwhile."""
    try:
        endpoint.wait_connected(2, timeout=15)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the bot logged:\n{bot.log.read_text()[-3000:]}") from None


def _running(process: SocketProcess) -> None:
    assert process.process.poll() is None, process.log.read_text()


def test_a_registration_over_socket_mode_is_acknowledged_stored_and_carded(slack, db, tmp_path, endpoint):
    with socket_mode(slack, db.url, tmp_path) as bot:
        endpoint.wait_connected()
        view = _form(slack, endpoint)
        assert view["callback_id"]

        envelope = endpoint.interactive(_submission(view, ANSWERS, "U0STAFF1", "VSOCKET1"))
        ack = endpoint.wait_ack(envelope)
        assert ack.at - endpoint.sent[envelope].at < SLACK_DEADLINE
        assert ack.payload and ack.payload.get("response_action") == "update"  # the receipt, in the modal
        assert "AVV-" in json.dumps(ack.payload, ensure_ascii=False)

        slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADER_CHANNEL)
        with db.transaction() as session:
            [deviation] = session.scalars(select(Deviation)).all()
        assert deviation.title == ANSWERS["title"] and deviation.reporter_id == "U0STAFF1"
        assert [ANSWERS["title"] in card for card in _cards(slack)] == [True]
        _running(bot)


def test_slacks_connection_refresh_under_load_leaves_no_envelope_past_three_seconds(slack, db, tmp_path, endpoint):
    with socket_mode(slack, db.url, tmp_path) as bot:
        endpoint.wait_connected()
        sent: list[str] = []
        for n in range(40):
            if n in (10, 25):  # Slack refreshes the connection twice during the burst
                endpoint.refresh()
            sent.append(endpoint.slash_command("/avvik", user=f"U0BUSY{n:03d}", trigger_id=f"T-{n}"))
            time.sleep(0.05)

        latencies = [endpoint.wait_ack(e).at - endpoint.sent[e].at for e in sent]
        assert max(latencies) < SLACK_DEADLINE, sorted(latencies)[-3:]
        assert all(len(endpoint.acks_of(e)) == 1 for e in sent)
        assert len(endpoint.opened) == 3  # the first connection and one per refresh, no more
        assert len(slack.wait_for("views.open", 40)) == 40
        _running(bot)


def test_a_connection_dropped_without_a_close_frame_is_replaced_at_once_without_spinning(slack, db, tmp_path,
                                                                                        endpoint):
    with socket_mode(slack, db.url, tmp_path) as bot:
        endpoint.wait_connected()
        endpoint.wait_ack(endpoint.slash_command("/avvik", trigger_id="T-before"))
        cpu_before, dropped_at = bot.cpu_seconds(), time.monotonic()

        endpoint.drop()  # a firewall forgets the idle connection: no close frame, just gone
        _reconnected(endpoint, bot)

        assert time.monotonic() - dropped_at < 15
        time.sleep(2)  # the old read loop must not spin on the dead socket meanwhile
        assert bot.cpu_seconds() - cpu_before < 1.0
        after = endpoint.slash_command("/avvik", trigger_id="T-after")
        assert endpoint.wait_ack(after).at - endpoint.sent[after].at < SLACK_DEADLINE
        assert endpoint.open_connections() == [2]
        _running(bot)


def test_a_close_frame_from_slack_is_followed_by_a_new_connection(slack, db, tmp_path, endpoint):
    with socket_mode(slack, db.url, tmp_path) as bot:
        endpoint.wait_connected()
        endpoint.close()
        _reconnected(endpoint, bot)
        envelope = endpoint.slash_command("/avvik", trigger_id="T-after-close")
        endpoint.wait_ack(envelope)
        _running(bot)


def test_slack_failing_to_hand_out_a_new_url_twice_does_not_leave_the_bot_unconnected(slack, db, tmp_path,
                                                                                     endpoint):
    with socket_mode(slack, db.url, tmp_path) as bot:
        endpoint.wait_connected()
        slack.fail("apps.connections.open", times=2)  # Slack has a bad moment just as it retires the socket
        endpoint.close()
        _reconnected(endpoint, bot)
        assert slack.attempts("apps.connections.open") >= 4  # the first, two refused, the one that worked
        envelope = endpoint.slash_command("/avvik", trigger_id="T-after-failures")
        endpoint.wait_ack(envelope)
        _running(bot)


def test_two_socket_processes_share_the_work_and_handle_each_envelope_once(slack, db, tmp_path, endpoint):
    with socket_mode(slack, db.url, tmp_path) as first, socket_mode(slack, db.url, tmp_path) as second:
        endpoint.wait_connected(2)
        connections = endpoint.open_connections()
        assert len(connections) == 2
        view = _form(slack, endpoint)

        envelopes = [endpoint.interactive(_submission(view, {**ANSWERS, "title": f"Avvik nummer {n:02d}"},
                                                      f"U0PERSON{n:03d}", f"VTWO{n:03d}"),
                                          connection=connections[n % 2]) for n in range(20)]

        for envelope in envelopes:
            assert endpoint.wait_ack(envelope).payload.get("response_action") == "update"
        assert Counter(a.connection for e in envelopes for a in endpoint.acks_of(e)) == {c: 10 for c in connections}
        slack.wait_for("chat.postMessage", 20, where=lambda c: c.params["channel"] == LEADER_CHANNEL
                       and "thread_ts" not in c.params)
        slack.settle()
        with db.transaction() as session:
            stored = session.scalars(select(Deviation)).all()
        assert sorted(d.title for d in stored) == sorted(f"Avvik nummer {n:02d}" for n in range(20))
        assert len({d.reference for d in stored}) == 20
        cards = Counter(title for title in (f"Avvik nummer {n:02d}" for n in range(20))
                        for card in _cards(slack) if title in card)
        assert set(cards.values()) == {1}
        _running(first)
        _running(second)


def test_sigterm_finishes_the_work_in_progress_and_exits_cleanly(slack, db, tmp_path, endpoint):
    with socket_mode(slack, db.url, tmp_path) as bot:
        endpoint.wait_connected()
        view = _form(slack, endpoint)
        slack.hold("chat.postMessage")  # Slack is slow: the card and receipt are still on their way
        envelope = endpoint.interactive(_submission(view, ANSWERS, "U0STAFF1", "VTERM1"))
        endpoint.wait_ack(envelope)
        slack.wait_held("chat.postMessage")

        os.killpg(bot.process.pid, signal.SIGTERM)  # the container runtime stops the pod
        time.sleep(0.5)
        assert bot.process.poll() is None  # still finishing what it started
        slack.release("chat.postMessage", drop=False)

        assert bot.process.wait(timeout=25) == 0, bot.log.read_text()
        assert _cards(slack) and ANSWERS["title"] in _cards(slack)[0]
        assert "socket mode: stopped" in bot.log.read_text()
        wait_until(lambda: endpoint.open_connections() == [])
