"""Two `serve` replicas, sharing nothing but one PostgreSQL database, take 200 registrations at
the same time: 200 cases with unique, gap-free references, and every message sent exactly once."""

from __future__ import annotations

import os
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from store.models import Deviation, LedgerEntry
from tests.conftest import SIGNING_SECRET
from tests.support.flows import ANSWERS, text_of
from tests.support.servers import serve
from tests.support.slack_client import SlackClient

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL: TEST_DATABASE_URL")

REGISTRATIONS = 200
LEADER_CHANNEL = "C0LEADERS"


def test_two_replicas_register_200_cases_with_unique_gap_free_references(slack, db, tmp_path):
    if db.dialect != "postgresql":
        pytest.skip("replicas share a PostgreSQL database")
    year = datetime.now(ZoneInfo("Europe/Oslo")).year
    with serve(slack, db.url, tmp_path) as first, serve(slack, db.url, tmp_path) as second:
        replicas = [SlackClient(first, SIGNING_SECRET), SlackClient(second, SIGNING_SECRET)]
        assert replicas[0].command("").status == 200
        view = slack.wait_for("views.open")[0].params["view"]

        def submit(n: int) -> str:
            person = f"U0PERSON{n:04d}"
            response = replicas[n % 2].submit(view, {**ANSWERS, "title": f"Avvik nummer {n}"}, user=person,
                                              view_id=f"VREPLICA{n:04d}")
            assert response.status == 200, response.body
            assert response.json()["response_action"] == "update", response.body
            return text_of(response.json()["view"])

        with ThreadPoolExecutor(max_workers=8) as pool:  # eight people submitting at any moment
            receipts = list(pool.map(submit, range(REGISTRATIONS)))
        slack.wait_for("chat.postMessage", 2 * REGISTRATIONS, timeout=120)
        slack.settle()

    expected = [f"AVV-{year}-{n:04d}" for n in range(1, REGISTRATIONS + 1)]
    with db.transaction() as session:
        deviations = list(session.scalars(select(Deviation)))
        ledger = list(session.scalars(select(LedgerEntry)))
    assert sorted(c.reference for c in deviations) == expected
    assert sorted(c.seq for c in deviations) == list(range(1, REGISTRATIONS + 1))
    # Each person was shown their own case's reference in the modal.
    assert sorted(re.search(r"AVV-\d{4}-\d{4}", receipt).group() for receipt in receipts) == expected

    posted = Counter(c.params["channel"] for c in slack.of("chat.postMessage"))
    assert posted[LEADER_CHANNEL] == REGISTRATIONS
    assert all(posted[f"U0PERSON{n:04d}"] == 1 for n in range(REGISTRATIONS))
    assert len(ledger) == 2 * REGISTRATIONS and all(e.status == "sent" for e in ledger)
