"""Kubernetes asks two questions, and with the database gone they get different answers:
liveness («does the process serve?») stays 200, so the platform does not restart the replicas
that tell people the database is away; readiness («can it do its work?») is 503. Each answers
within the probe's 1-second timeout, whether the database refuses connections or silently
swallows them. Against a real `serve` with two workers, on PostgreSQL through a proxy."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest
from sqlalchemy.engine import make_url

from tests.support.flows import wait_until
from tests.support.proxy import Proxy
from tests.support.servers import serve

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")]

PROBE_TIMEOUT = 1.0  # NAIS's (and Kubernetes') default probe timeout: a slower answer is a failure


def probe(url: str, path: str) -> tuple[int, dict]:
    """What the kubelet sees: the status, or an exception when no answer came within the timeout."""
    try:
        with urllib.request.urlopen(url + path, timeout=PROBE_TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("failure", ["cut", "silence"])
def test_with_the_database_gone_liveness_stays_up_and_readiness_goes_down(slack, db, tmp_path, failure):
    if db.dialect != "postgresql":
        pytest.skip("the database is cut through a TCP proxy")
    url = make_url(db.url)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        with serve(slack, through_proxy, tmp_path, workers=2) as base:
            assert probe(base, "/livez") == (200, {"ok": True})
            assert probe(base, "/readyz") == (200, {"ok": True, "database": True, "migrations": True})

            getattr(proxy, failure)()
            for _ in range(3):  # every worker, however many requests its pool has waiting
                assert probe(base, "/livez") == (200, {"ok": True})
                assert probe(base, "/readyz") == (503, {"ok": False, "database": False, "migrations": False})
                status, _ = probe(base, "/healthz")
                assert status == 503

            proxy.restore()  # and once it is back, the replica is ready again on its own
            wait_until(lambda: all(probe(base, "/readyz")[0] == 200 for _ in range(4)), timeout=60)
    finally:
        proxy.close()
