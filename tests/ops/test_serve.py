"""`avvik-bot serve` for real: gunicorn workers, /healthz, a signed /avvik round trip."""

from __future__ import annotations

from sqlalchemy import func, select

from store.db import Database
from store.models import Deviation
from tests.conftest import SIGNING_SECRET
from tests.support.flows import ANSWERS
from tests.support.servers import serve
from tests.support.slack_client import SlackClient


def test_serve_answers_healthz_and_registers_a_case_end_to_end(slack, db, tmp_path):
    with serve(slack, db.url, tmp_path) as url:
        client = SlackClient(url, SIGNING_SECRET)
        assert client.get("/healthz").json() == {"ok": True, "database": True,
                                                  "slack": {"failed_messages": 0, "last_error": None}}
        assert client.get("/readyz").status == 200

        assert client.command("").status == 200
        view = slack.wait_for("views.open")[0].params["view"]
        answer = client.submit(view, ANSWERS, view_id="VSERVE").json()
        assert answer["response_action"] == "update"
        slack.wait_for("chat.postMessage", 2)

        assert client.command("", signed=False).status == 401
    with Database(db.url).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Deviation)) == 1


def test_sqlite_default_is_migrated_on_start(slack, tmp_path):
    url = f"sqlite:///{tmp_path}/fresh.db"
    with serve(slack, url, tmp_path, workers=1) as base:
        assert SlackClient(base, SIGNING_SECRET).get("/readyz").json()["migrations"] is True
