"""Avviksboten's benchmark: how fast the bot answers Slack, and how its work grows with the data.

    python bench/run.py            # the whole table, a few minutes on a 2-core machine
    python bench/run.py --quick    # fewer requests, for a smoke run

1. Acknowledgement latency of `/avvik` (signed request in → 200 out; the modal is opened through
   the Web API fake) and of a modal submission that stores a case, at 1, 10 and 50 concurrent
   clients, next to a minimal Bolt app (bench/minimal_app.py) served by the same gunicorn
   settings in the same run, and the ratio: the bot's cost over the framework's floor.
2. Scheduler scan and digest build at 1k, 10k and 100k cases (bench/scheduler_scan.py).
3. Resident memory of an idle `serve` and after 10k registrations.

Uses only the standard library, gunicorn and the project itself. PostgreSQL figures are added
when BENCH_DATABASE_URL (an admin URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)
is set.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.flows import ANSWERS  # noqa: E402
from tests.support.slack_client import fill  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
WORKERS, THREADS = 2, 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A server process in its own session, stopped with its children."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115 - lives with the process
        self.popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)

    def rss_mib(self) -> float:
        """Resident memory of the process and its children (gunicorn's master and workers)."""
        pids = [self.popen.pid]
        children = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total / 1024


def wait_http(url: str, process: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            process.log.seek(0)
            raise SystemExit(f"server exited:\n{process.log.read()}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers (404 for the minimal app's /healthz is fine)
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


class Late(Exception):
    def __init__(self, elapsed: float) -> None:
        super().__init__(elapsed)
        self.elapsed = elapsed


class Sender:
    """Signed requests as Slack sends them, one connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.verifier = SignatureVerifier(SECRET)
        self.view: dict | None = None
        self._n = 0
        self._lock = threading.Lock()

    def _post(self, body: str) -> float:
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body)}
        start = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        connection.close()
        if response.status != 200:
            raise Late(elapsed)  # Bolt answers 404 when a listener has not acked within 3 s
        return elapsed

    def _next(self) -> int:
        with self._lock:
            self._n += 1
            return self._n

    def command(self) -> float:
        n = self._next()
        form = {"command": "/avvik", "text": "", "user_id": "U0BENCH", "team_id": "T0001", "channel_id": "C0B",
                "trigger_id": f"{n}.bench", "response_url": "https://hooks.invalid/x", "api_app_id": "A0"}
        return self._post(urllib.parse.urlencode(form))

    def submit(self) -> float:
        n = self._next()
        assert self.view is not None
        payload = {"type": "view_submission", "team": {"id": "T0001"}, "user": {"id": f"U0B{n % 50}"},
                   "api_app_id": "A0", "view": {**self.view, "id": f"VBENCH{os.getpid()}{n}",
                                                "state": {"values": fill(self.view, ANSWERS)}}}
        return self._post(urllib.parse.urlencode({"payload": json.dumps(payload)}))


def load(send, clients: int, requests: int) -> dict[str, float]:
    """Send `requests` requests from `clients` concurrent clients; latency percentiles in ms, and how
    many were not acknowledged in time (counted at their full latency)."""
    def one(_: int) -> tuple[float, bool]:
        try:
            return send(), True
        except Late as late:
            return late.elapsed, False

    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, range(requests)))
    latencies = [elapsed for elapsed, _ in results]
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000,
            "late": sum(1 for _, ok in results if not ok)}


def fake_calls(url: str) -> dict[str, int]:
    with urllib.request.urlopen(url.removesuffix("api/")) as response:
        return json.loads(response.read())["calls"]


def registration_view(fake_url: str, bot_port: int) -> dict:
    """The modal the bot opens, as recorded by the fake (so submissions carry its real blocks)."""
    from tests.support.slack_fake import SlackFake  # noqa: F401 - documents where the view comes from

    Sender(bot_port).command()
    from datetime import date

    from bot.office import load_offices
    from bot.settings import EXAMPLE_OFFICE_CONFIG
    from handlers.registration.blocks import registration_view as build

    return build(load_offices(EXAMPLE_OFFICE_CONFIG).office[0], date.today()).to_dict()


def latency_section(args: argparse.Namespace, fake_url: str, database_url: str, work: Path) -> tuple[list, dict]:
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_url,
           "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    bot_port, minimal_port = free_port(), free_port()
    bot = Process([sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(bot_port),
                   "--workers", str(WORKERS), "--threads", str(THREADS), "--no-scheduler"], env, work)
    minimal = Process([sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-k", "gthread", "--threads",
                       str(THREADS), "-b", f"127.0.0.1:{minimal_port}", "bench.minimal_app:application"], env, ROOT)
    rows: list = []
    memory: dict = {}
    try:
        wait_http(f"http://127.0.0.1:{bot_port}/healthz", bot)
        wait_http(f"http://127.0.0.1:{minimal_port}/healthz", minimal)
        time.sleep(1)
        memory["idle"] = bot.rss_mib()
        bot_sender, minimal_sender = Sender(bot_port), Sender(minimal_port)
        view = registration_view(fake_url, bot_port)
        bot_sender.view = minimal_sender.view = view
        for sender in (bot_sender, minimal_sender):  # warm both up
            load(sender.command, 4, 40)
            load(sender.submit, 4, 40)
        opened_before = fake_calls(fake_url).get("views.open", 0)
        commands = 0
        for clients in (1, 10, 50):
            n = args.requests if clients > 1 else max(args.requests // 2, 50)
            for kind in ("command", "submit"):
                ours = load(getattr(bot_sender, kind), clients, n)
                floor = load(getattr(minimal_sender, kind), clients, n)
                rows.append((kind, clients, ours, floor))
                if kind == "command":
                    commands += 2 * n
        time.sleep(1)
        opened = fake_calls(fake_url).get("views.open", 0) - opened_before
        if opened < commands:
            print(f"warning: {commands - opened} of {commands} modals were not opened", file=sys.stderr)
        load(bot_sender.submit, 10, args.registrations)
        time.sleep(1)
        memory["after"] = bot.rss_mib()
        memory["registrations"] = args.registrations
    except Exception:
        bot.log.seek(0)
        print(bot.log.read()[-3000:], file=sys.stderr)
        raise
    finally:
        bot.stop()
        minimal.stop()
    return rows, memory


def print_latency(rows: list, memory: dict) -> None:
    print("\n## Acknowledgement latency (ms), bot vs minimal Bolt app, same gunicorn settings "
          f"({WORKERS} workers × {THREADS} threads)\n")
    print("| request | clients | bot p50 | bot p95 | bot p99 | floor p50 | floor p95 | floor p99 | p99 ratio "
          "| late (bot/floor) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, clients, ours, floor in rows:
        name = "/avvik (opens modal)" if kind == "command" else "submission (stores case)"
        print(f"| {name} | {clients} | {ours['p50']:.1f} | {ours['p95']:.1f} | {ours['p99']:.1f} | "
              f"{floor['p50']:.1f} | {floor['p95']:.1f} | {floor['p99']:.1f} | {ours['p99'] / floor['p99']:.2f}× "
              f"| {ours['late']}/{floor['late']} |")
    print(f"\n## Memory (resident, gunicorn master + {WORKERS} workers)\n")
    print("| state | MiB |\n| --- | ---: |")
    print(f"| idle | {memory['idle']:.0f} |")
    print(f"| after {memory['registrations']} registrations | {memory['after']:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    args.requests = 100 if args.quick else 300
    args.registrations = 1000 if args.quick else 10_000
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fake = subprocess.Popen([sys.executable, "-m", "tests.support.slack_fake", TOKEN], cwd=ROOT,
                                stdout=subprocess.PIPE,
                                text=True, start_new_session=True)
        try:
            fake_url = fake.stdout.readline().strip()
            rows, memory = latency_section(args, fake_url, f"sqlite:///{work}/bench.db", work)
        finally:
            os.killpg(fake.pid, signal.SIGTERM)
    print(f"# Avviksboten benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print_latency(rows, memory)
    scan = ROOT / "bench" / "scheduler_scan.py"
    if scan.exists():
        subprocess.run([sys.executable, str(scan), *(["--quick"] if args.quick else [])], cwd=ROOT, check=True)
    print(f"\n(total {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
