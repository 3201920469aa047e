"""A burst of registrations while others write: every one is stored, nobody is told to try again.

Two `serve` processes (two workers each) share one database, SQLite's file or PostgreSQL, as two
replicas of a small office's bot would; 24 people submit the form at the same moment, over and
over. On SQLite they queue for the one write lock in turn (store/write_lock.py); on PostgreSQL
the reference number is taken last, so registrations overlap and references stay gap-free.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.i18n import t
from store.models import Deviation
from tests.conftest import SIGNING_SECRET
from tests.support.flows import ANSWERS, text_of
from tests.support.servers import serve
from tests.support.slack_client import SlackClient

pytestmark = pytest.mark.slow

REGISTRATIONS = 240
AT_ONCE = 24


def test_a_burst_of_registrations_is_stored_whole_with_gap_free_references(slack, db, tmp_path):
    year = datetime.now(ZoneInfo("Europe/Oslo")).year
    with serve(slack, db.url, tmp_path) as first, serve(slack, db.url, tmp_path) as second:
        replicas = [SlackClient(first, SIGNING_SECRET), SlackClient(second, SIGNING_SECRET)]
        assert replicas[0].command("").status == 200
        view = slack.wait_for("views.open")[0].params["view"]

        def submit(n: int) -> tuple[int, dict]:
            response = replicas[n % 2].submit(view, {**ANSWERS, "title": f"Avvik nummer {n}"},
                                              user=f"U0PERSON{n:04d}", view_id=f"VBURST{n:04d}")
            return response.status, response.json()

        with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
            answers = list(pool.map(submit, range(REGISTRATIONS)))
        slack.settle()

    try_again = t("error.storage_unavailable", "nb")
    refused = [(status, body) for status, body in answers if status != 200 or body.get("response_action") != "update"]
    assert refused == [], f"{len(refused)} of {REGISTRATIONS} were not stored, e.g. {refused[0]}"
    assert not any(try_again in str(body) for _, body in answers)
    expected = [f"AVV-{year}-{n:04d}" for n in range(1, REGISTRATIONS + 1)]
    receipts = sorted(re.search(r"AVV-\d{4}-\d{4}", text_of(body["view"])).group() for _, body in answers)
    assert receipts == expected  # each person saw their own reference: none twice, none skipped
    with db.reading() as session:
        assert sorted(session.scalars(select(Deviation.reference))) == expected
