"""CPU per registration, the ledger's delivery included: N registrations through the bot's real
WSGI app on a real HTTP server, each with its card and receipt sent to the Slack fake (run in a
process of its own, so its CPU is not counted). `time.process_time` covers this process: the
server, the listeners, the messenger's threads and the signing client (the same in every run).

    python bench/ledger_cpu.py --registrations 300 [--database-url postgresql+psycopg://…]

Run it against two checkouts (PYTHONPATH=…) to compare them; CPU per request is the figure a
shared machine disturbs least.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sqlalchemy import func, select

from bot.app import WsgiApp, create_app
from bot.services import build_services
from bot.settings import EXAMPLE_OFFICE_CONFIG, Settings
from handlers.common import today
from handlers.registration.blocks import registration_view
from store.db import Database
from store.migrate import upgrade
from store.models import LedgerEntry
from tests.support.flows import ANSWERS
from tests.support.slack_client import SlackClient

SECRET = "bench-signing-secret"
TOKEN = "xoxb-test-token"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=300)
    parser.add_argument("--database-url", default=None,
                        help="an empty database, migrated here (default: SQLite in a temporary directory)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ledger-cpu-"))
    url = args.database_url or f"sqlite:///{work / 'avvik.db'}"
    upgrade(url)
    fake = subprocess.Popen([sys.executable, "-m", "tests.support.slack_fake", TOKEN], stdout=subprocess.PIPE,
                            text=True)
    try:
        fake_url = fake.stdout.readline().strip()  # type: ignore[union-attr]
        settings = Settings(slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake_url,
                            database_url=url, avvik_office_config=EXAMPLE_OFFICE_CONFIG, _env_file=None)
        services = build_services(settings, db=Database(url))
        server = make_server("127.0.0.1", 0, WsgiApp(create_app(services), services), server_class=_Server,
                             handler_class=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        client = SlackClient(f"http://127.0.0.1:{server.server_port}", SECRET)
        office = services.offices.office[0]
        view = registration_view(office, today(services, office)).to_dict()  # the modal `/avvik` opens

        def sent() -> int:
            with services.db.reading() as session:
                return session.scalar(select(func.count()).select_from(LedgerEntry)
                                      .where(LedgerEntry.status == "sent")) or 0

        for n in range(5):  # warm up: imports, caches, connections
            client.submit(view, ANSWERS, user=f"U0WARM{n:03d}", view_id=f"VWARM{n:03d}")
        while sent() < 10:
            time.sleep(0.05)
        start_cpu, start_wall = time.process_time(), time.monotonic()
        for n in range(args.registrations):
            response = client.submit(view, ANSWERS, user=f"U0BENCH{n:04d}", view_id=f"VBENCH{n:04d}")
            assert response.json()["response_action"] == "update", response.body
        target = 10 + 2 * args.registrations
        while sent() < target:
            time.sleep(0.02)
        cpu, wall = time.process_time() - start_cpu, time.monotonic() - start_wall
        backend = services.db.dialect
        print(f"{backend}: {args.registrations} registrations, {target - 10} messages sent: "
              f"CPU {1000 * cpu / args.registrations:.1f} ms per registration (wall {wall:.1f} s)")
        server.shutdown()
    finally:
        fake.terminate()
        fake.wait()


if __name__ == "__main__":
    main()
