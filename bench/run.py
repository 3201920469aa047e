"""Avviksboten's benchmark: how fast and how lightly the bot answers Slack, next to a floor.

    python bench/run.py            # the whole table, a few minutes on a 2-core machine
    python bench/run.py --quick    # fewer requests, for a smoke run
    python bench/run.py --startup-only --starts 5   # only start-up and idle PSS, about a minute
    python bench/run.py --startup-only --scheduler  # the same, `serve` with its scheduler (as deployed)
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python bench/run.py   # + PostgreSQL

1. `/avvik` (signed request in → 200 out; the modal opened through the Web API fake) and a modal
   submission that stores a case: «one person» (1 client who thinks between requests), then 10 and
   50 concurrent clients. Next to a minimal Bolt app (bench/minimal_app.py) with the same gunicorn
   settings and the same listener pool, run interleaved with the bot (bot, floor, floor, bot …) so
   both see the same machine. On PostgreSQL the floor's submission makes one bare INSERT.
   Per row: latency percentiles, failures (not 200 within Slack's 3 s, or a 200 that answers
   `response_action: errors`: the case was not stored), and CPU per request: the server's own CPU
   time (master and workers, from /proc, including work done after the ack) over the requests; the
   ratio of CPU is the figure least disturbed by others on a shared machine.
2. Memory as PSS (/proc/<pid>/smaps_rollup: shared pages split between the processes sharing them),
   per process and in total, idle and after registrations; start-up to a healthy /healthz; and
   `avvik-bot --help`.
3. Scheduler scan and digest build as the data grows (bench/scheduler_scan.py).
4. With `--many-offices`: 250 offices in one workspace, 500,000 cases (bench/many_offices.py).

Uses only the standard library, gunicorn and the project itself. `--bot-tree DIR` measures another
checkout of the bot (e.g. main, for a before/after) with this benchmark; `--json FILE` keeps the figures.
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
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import LISTENER_THREADS  # noqa: E402
from tests.support.flows import ANSWERS  # noqa: E402
from tests.support.slack_client import fill  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
WORKERS, THREADS = 2, 8
THINK = 0.25  # seconds «one person» waits between requests
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A server process in its own session, stopped with its children."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115 - lives with the process
        self.started = time.perf_counter()
        self.popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()

    def pids(self) -> list[int]:
        """gunicorn's master, then its workers."""
        children = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children")
        return [self.popen.pid, *(int(p) for p in children.read_text().split())] if children.exists() else []

    def pss_mib(self) -> list[float]:
        """Proportional set size of the master and each worker: what each costs, shared pages split."""
        sizes = []
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def cpu_seconds(self) -> float:
        """User and system CPU time the master and its workers have used so far."""
        total = 0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / TICK

    def quiet_cpu(self) -> float:
        """CPU time once the work after the ack (deliveries) is done: no more than a tick in 0.3 s."""
        deadline = time.monotonic() + 10
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.3)
            now = self.cpu_seconds()
            if now - before <= 1 / TICK:
                return now
            before = now
        return before


def wait_http(url: str, process: Process, timeout: float = 60) -> float:
    """Seconds from the process's start until `url` answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            process.log.seek(0)
            raise SystemExit(f"server exited:\n{process.log.read()}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return time.perf_counter() - process.started
        except urllib.error.HTTPError:
            return time.perf_counter() - process.started  # it answers (404 for the minimal app's /healthz)
        except OSError:
            time.sleep(0.01)
    raise SystemExit(f"{url} did not answer")



def signed_post(port: int, verifier: SignatureVerifier, body: str) -> tuple[float, str | None]:
    """One signed request as Slack sends it, on its own connection: latency, and why it failed (None:
    acknowledged in time and, for a form, stored)."""
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body)}
    start = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
    except OSError:
        return time.perf_counter() - start, "no answer"
    elapsed = time.perf_counter() - start
    if response.status != 200:
        return elapsed, f"HTTP {response.status}"  # Bolt answers 404 when a listener has not acked in 3 s
    if elapsed > 3.0:
        return elapsed, "late"  # Slack has given up by then
    try:
        answer = json.loads(data) if data else {}
    except ValueError:
        answer = {}  # a command's ack may carry plain text
    if isinstance(answer, dict) and answer.get("response_action") == "errors":
        return elapsed, "errors"  # the form stays open: nothing was stored
    return elapsed, None


class Sender:
    """Signed requests as Slack sends them, one connection per request."""

    def __init__(self, port: int, view: dict) -> None:
        self.port = port
        self.verifier = SignatureVerifier(SECRET)
        self.view = view
        self._n = 0
        self._lock = threading.Lock()

    def _post(self, body: str) -> tuple[float, str | None]:
        return signed_post(self.port, self.verifier, body)

    def _next(self) -> int:
        with self._lock:
            self._n += 1
            return self._n

    def command(self) -> tuple[float, str | None]:
        n = self._next()
        form = {"command": "/avvik", "text": "", "user_id": "U0BENCH", "team_id": "T0001", "channel_id": "C0B",
                "trigger_id": f"{n}.bench", "response_url": "https://hooks.invalid/x", "api_app_id": "A0"}
        return self._post(urllib.parse.urlencode(form))

    def submit(self) -> tuple[float, str | None]:
        n = self._next()
        payload = {"type": "view_submission", "team": {"id": "T0001"}, "user": {"id": f"U0B{n % 50}"},
                   "api_app_id": "A0", "view": {**self.view, "id": f"VB{uuid.uuid4().hex}",
                                                "state": {"values": fill(self.view, ANSWERS)}}}
        return self._post(urllib.parse.urlencode({"payload": json.dumps(payload)}))


@dataclass
class Row:
    """One kind of request at one load, for one server, over every repetition."""

    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    cpu: float = 0.0  # seconds

    def add(self, results: list[tuple[float, str | None]], cpu: float) -> None:
        self.latencies += [elapsed for elapsed, _ in results]
        for _, why in results:
            if why:
                self.failures[why] = self.failures.get(why, 0) + 1
        self.cpu += cpu

    def figures(self) -> dict:
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return {"p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000,
                "failed": sum(self.failures.values()), "why": self.failures,
                "cpu_ms": self.cpu * 1000 / len(self.latencies), "n": len(self.latencies)}


def load(send, clients: int, requests: int, think: float = 0.0) -> list[tuple[float, str | None]]:
    """`requests` requests from `clients` concurrent clients, each waiting `think` s between its own."""
    def one(_: int) -> tuple[float, str | None]:
        result = send()
        if think:
            time.sleep(think)
        return result

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(one, range(requests)))


def measured(process: Process, send, clients: int, requests: int, think: float) -> tuple[list, float]:
    process.quiet_cpu()
    before = process.cpu_seconds()
    results = load(send, clients, requests, think)
    return results, process.quiet_cpu() - before


def fake_calls(url: str) -> dict[str, int]:
    with urllib.request.urlopen(url.removesuffix("api/")) as response:
        return json.loads(response.read())["calls"]


def registration_view() -> dict:
    """The modal the bot opens (its real blocks), so submissions answer what the bot asks."""
    from datetime import date

    from bot.office import load_offices
    from bot.settings import EXAMPLE_OFFICE_CONFIG
    from handlers.registration.blocks import registration_view as build

    return build(load_offices(EXAMPLE_OFFICE_CONFIG).office[0], date.today()).to_dict()


@dataclass
class Backend:
    name: str
    bot_url: str  # DATABASE_URL for the bot
    floor_url: str | None  # FLOOR_DATABASE_URL for the floor (None: the framework alone)


def environment(args: argparse.Namespace, fake_url: str, database_url: str) -> dict[str, str]:
    return {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_url,
            "DATABASE_URL": database_url, "PYTHONPATH": str(args.bot_tree),
            "BENCH_LISTENER_THREADS": str(LISTENER_THREADS)}


def start_bot(args: argparse.Namespace, env: dict[str, str], work: Path) -> tuple[Process, int, float]:
    port = free_port()
    bot = Process([sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(WORKERS), "--threads", str(THREADS),
                   *([] if getattr(args, "scheduler", False) else ["--no-scheduler"])], env, work)
    return bot, port, wait_http(f"http://127.0.0.1:{port}/healthz", bot)


def start_floor(env: dict[str, str], floor_url: str | None) -> tuple[Process, int, float]:
    port = free_port()
    env = {**env, "PYTHONPATH": str(ROOT), **({"FLOOR_DATABASE_URL": floor_url} if floor_url else {})}
    floor = Process([sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-k", "gthread", "--threads",
                     str(THREADS), "-b", f"127.0.0.1:{port}", "bench.minimal_app:application"], env, ROOT)
    return floor, port, wait_http(f"http://127.0.0.1:{port}/healthz", floor)


def latency_section(args: argparse.Namespace, fake_url: str, backend: Backend, work: Path) -> dict:
    env = environment(args, fake_url, backend.bot_url)
    if backend.bot_url.startswith("sqlite"):
        subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, cwd=work, check=True,
                       capture_output=True)
    bot, bot_port, _ = start_bot(args, env, work)
    floor, floor_port, _ = start_floor(env, backend.floor_url)
    result: dict = {"backend": backend.name, "rows": [], "memory": {}}
    try:
        time.sleep(1)
        result["memory"]["idle"] = {"bot": bot.pss_mib(), "floor": floor.pss_mib()}
        view = registration_view()
        senders = {"bot": Sender(bot_port, view), "floor": Sender(floor_port, view)}
        processes = {"bot": bot, "floor": floor}
        for sender in senders.values():  # warm both up
            load(sender.command, 4, 40)
            load(sender.submit, 4, 40)
        opened_before = fake_calls(fake_url).get("views.open", 0)
        commands = 0
        plan = [("one person", 1, args.person, THINK), ("10 clients", 10, args.requests, 0.0),
                ("50 clients", 50, args.requests, 0.0)]
        for label, clients, n, think in plan:
            for kind in ("command", "submit"):
                rows = {"bot": Row(), "floor": Row()}
                for repetition in range(args.repeat):
                    order = ("bot", "floor") if repetition % 2 == 0 else ("floor", "bot")
                    for who in order:
                        results, cpu = measured(processes[who], getattr(senders[who], kind), clients, n, think)
                        rows[who].add(results, cpu)
                        if kind == "command" and who == "bot":
                            commands += n
                result["rows"].append({"kind": kind, "load": label, "clients": clients,
                                       "bot": rows["bot"].figures(), "floor": rows["floor"].figures()})
                print(f"  {backend.name} {kind} {label}: bot p99 {rows['bot'].figures()['p99']:.0f} ms, "
                      f"floor p99 {rows['floor'].figures()['p99']:.0f} ms", file=sys.stderr)
        opened = fake_calls(fake_url).get("views.open", 0) - opened_before
        if opened < commands:
            print(f"warning: {commands - opened} of the bot's {commands} modals were not opened", file=sys.stderr)
        registrations = Row()
        registrations.add(*measured(bot, senders["bot"].submit, 10, args.registrations, 0.0))
        time.sleep(1)
        result["memory"]["after"] = {"bot": bot.pss_mib(), "registrations": args.registrations,
                                     "failed": registrations.figures()["failed"]}
    except Exception:
        bot.log.seek(0)
        print(bot.log.read()[-3000:], file=sys.stderr)
        raise
    finally:
        bot.stop()
        floor.stop()
    return result


def startup_section(args: argparse.Namespace, fake_url: str, work: Path) -> dict:
    """Start-up to a healthy /healthz (a migrated SQLite database, as on a restart) and `--help`, bot and
    floor alternately, medians of `args.starts`."""
    env = environment(args, fake_url, f"sqlite:///{work}/startup.db")
    subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, cwd=work, check=True,
                   capture_output=True)
    times: dict[str, list[float]] = {"bot": [], "floor": [], "help": [], "python": []}
    for _ in range(args.starts):
        for who, start in (("bot", lambda: start_bot(args, env, work)), ("floor", lambda: start_floor(env, None))):
            process, _, seconds = start()
            process.stop()
            times[who].append(seconds)
        for who, command in (("help", [sys.executable, "-m", "bot.cli", "--help"]),
                             ("python", [sys.executable, "-c", "pass"])):
            began = time.perf_counter()
            subprocess.run(command, env=env, cwd=work, check=True, capture_output=True)
            times[who].append(time.perf_counter() - began)
    return {who: statistics.median(values) for who, values in times.items()}


def startup_only(args: argparse.Namespace, fake_url: str, work: Path, backends: list[Backend]) -> None:
    """`--startup-only`: per backend, `serve` to a healthy /healthz and the idle PSS a second later, bot and
    floor alternately, `args.starts` times each; medians (and the spread, this machine being shared)."""
    print(f"# Start-up and idle memory ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
          f"bot from {args.bot_tree}, scheduler {'on' if args.scheduler else 'off'})\n")
    print("| backend | what | bot | floor | ratio |\n| --- | --- | ---: | ---: | ---: |")
    for backend in backends:
        env = environment(args, fake_url, backend.bot_url)
        subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, cwd=work, check=True,
                       capture_output=True)
        seconds: dict[str, list[float]] = {"bot": [], "floor": []}
        pss: dict[str, list[list[float]]] = {"bot": [], "floor": []}
        for repetition in range(args.starts):
            for who in ("bot", "floor") if repetition % 2 == 0 else ("floor", "bot"):
                process, _, took = (start_bot(args, env, work) if who == "bot"
                                    else start_floor(env, backend.floor_url))
                try:
                    time.sleep(1)
                    pss[who].append(process.pss_mib())
                finally:
                    process.stop()
                seconds[who].append(took)
        ours, floor = (statistics.median(seconds[w]) for w in ("bot", "floor"))
        spread = {w: f"{min(v):.2f}–{max(v):.2f}" for w, v in seconds.items()}
        print(f"| {backend.name} | `serve` to a healthy `/healthz`, s (range) | {ours:.2f} ({spread['bot']}) | "
              f"{floor:.2f} ({spread['floor']}) | {ours / floor:.1f}× |")
        middle = {w: sorted(v, key=sum)[len(v) // 2] for w, v in pss.items()}
        parts = " + ".join(f"{s:.0f}" for s in middle["bot"])
        print(f"| {backend.name} | idle PSS, MiB (master + workers) | {sum(middle['bot']):.0f} ({parts}) | "
              f"{sum(middle['floor']):.0f} | {sum(middle['bot']) / sum(middle['floor']):.1f}× |")
    print(f"\n(load average after: {os.getloadavg()[0]:.1f})")


def print_tables(sections: list[dict], startup: dict) -> None:
    print(f"\n## Acknowledgement latency (ms), failures and CPU per request: bot vs floor "
          f"({WORKERS} gunicorn workers × {THREADS} threads, {LISTENER_THREADS} listener threads each)\n")
    print("| backend | request | load | bot p50 | bot p99 | floor p50 | floor p99 | p99 ratio | failed bot/floor "
          "| CPU ms/req bot | floor | CPU ratio |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for section in sections:
        for row in section["rows"]:
            ours, floor = row["bot"], row["floor"]
            name = "`/avvik` (opens modal)" if row["kind"] == "command" else "submission (stores case)"
            why = f" ({', '.join(f'{k}: {v}' for k, v in ours['why'].items())})" if ours["why"] else ""
            print(f"| {section['backend']} | {name} | {row['load']} | {ours['p50']:.1f} | {ours['p99']:.1f} | "
                  f"{floor['p50']:.1f} | {floor['p99']:.1f} | {ours['p99'] / floor['p99']:.2f}× | "
                  f"{ours['failed']}/{floor['failed']}{why} | {ours['cpu_ms']:.1f} | {floor['cpu_ms']:.1f} | "
                  f"{ours['cpu_ms'] / max(floor['cpu_ms'], 0.01):.1f}× |")
    print("\n«one person»: 1 client waiting 0.25 s between requests. Failed: not acknowledged with a 200 within "
          "Slack's 3 s, or answered `response_action: errors` (nothing stored).")
    print(f"\n## Memory (PSS, MiB: master + {WORKERS} workers)\n")
    print("| backend | state | master | workers | total | floor total |\n| --- | --- | ---: | ---: | ---: | ---: |")
    for section in sections:
        memory = section["memory"]
        idle, after = memory["idle"]["bot"], memory["after"]["bot"]
        workers = lambda sizes: " + ".join(f"{s:.0f}" for s in sizes[1:])  # noqa: E731
        print(f"| {section['backend']} | idle | {idle[0]:.0f} | {workers(idle)} | {sum(idle):.0f} | "
              f"{sum(memory['idle']['floor']):.0f} |")
        print(f"| {section['backend']} | after {memory['after']['registrations']} registrations "
              f"({memory['after']['failed']} failed) | {after[0]:.0f} | {workers(after)} | {sum(after):.0f} | |")
    print("\n## Start-up (s, median)\n")
    print("| what | bot | floor |\n| --- | ---: | ---: |")
    print(f"| `serve` to a healthy `/healthz` (migrated SQLite) | {startup['bot']:.2f} | {startup['floor']:.2f} |")
    print(f"| `avvik-bot --help` (floor: `python -c pass`) | {startup['help']:.2f} | {startup['python']:.2f} |")


def pg_database(admin_url: str) -> tuple[str, str]:
    """A scratch database for the bot and one for the floor (with its one table)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    urls = []
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for _ in range(2):
            name = f"avvik_bench_{uuid.uuid4().hex[:10]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            urls.append(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    engine.dispose()
    floor = create_engine(urls[1])
    with floor.begin() as connection:
        connection.execute(text("CREATE TABLE floor_submissions (id bigserial PRIMARY KEY, view_id text NOT NULL, "
                                "created_at timestamptz NOT NULL)"))
    floor.dispose()
    return urls[0], urls[1]


def drop_pg(admin_url: str, *urls: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for url in urls:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--bot-tree", type=Path, default=ROOT, help="the checkout of the bot to measure")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-scan", action="store_true", help="skip the scheduler scan")
    parser.add_argument("--startup-only", action="store_true",
                        help="only start-up to a healthy /healthz and idle PSS, per backend (--starts times)")
    parser.add_argument("--starts", type=int, help="start-ups per server (default 3, 1 with --quick)")
    parser.add_argument("--scheduler", action="store_true",
                        help="with --startup-only: start `serve` with its scheduler, as a deployment does "
                             "(otherwise `--no-scheduler`, as the request benchmarks do)")
    parser.add_argument("--many-offices", action="store_true",
                        help="then the many-office run (bench/many_offices.py: 250 offices, 500,000 cases)")
    args = parser.parse_args()
    args.bot_tree = args.bot_tree.resolve()
    args.requests = 100 if args.quick else 200
    args.person = 10 if args.quick else 20
    args.repeat = 1 if args.quick else 2
    args.registrations = 500 if args.quick else 1000
    args.starts = args.starts or (1 if args.quick else 3)
    started = time.monotonic()
    sections: list[dict] = []
    admin = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fake = subprocess.Popen([sys.executable, "-m", "tests.support.slack_fake", TOKEN], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True, start_new_session=True)
        try:
            fake_url = fake.stdout.readline().strip()
            if args.startup_only:
                backends = [Backend("SQLite", f"sqlite:///{work}/startup.db", None)]
                urls = pg_database(admin) if admin else ()
                if urls:
                    backends.append(Backend("PostgreSQL", *urls))
                try:
                    startup_only(args, fake_url, work, backends)
                finally:
                    if urls:
                        drop_pg(admin, *urls)
                return
            startup = startup_section(args, fake_url, work)
            sections.append(latency_section(args, fake_url, Backend("SQLite", f"sqlite:///{work}/bench.db", None),
                                            work))
            if admin:
                bot_url, floor_url = pg_database(admin)
                try:
                    subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], check=True, capture_output=True,
                                   env=environment(args, fake_url, bot_url), cwd=work)
                    sections.append(latency_section(args, fake_url, Backend("PostgreSQL", bot_url, floor_url), work))
                finally:
                    drop_pg(admin, bot_url, floor_url)
        finally:
            os.killpg(fake.pid, signal.SIGTERM)
    print(f"# Avviksboten benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"bot from {args.bot_tree})")
    print_tables(sections, startup)
    if args.json:
        args.json.write_text(json.dumps({"sections": sections, "startup": startup}, indent=1, default=str))
    scan = ROOT / "bench" / "scheduler_scan.py"
    if scan.exists() and not args.no_scan:
        subprocess.run([sys.executable, str(scan), *(["--quick"] if args.quick else [])], cwd=ROOT, check=True)
    many = ROOT / "bench" / "many_offices.py"  # issue 24: the scheduler's passes over many offices
    if args.many_offices and many.exists():
        subprocess.run([sys.executable, str(many), *(["--quick"] if args.quick else [])], cwd=ROOT, check=True)
    print(f"\n(total {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
