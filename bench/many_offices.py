"""Many offices in one deployment (issue 24, point 5): the scheduler's passes and the registration ack.

    python bench/many_offices.py            # 250 offices; 100,000 then 500,000 cases, 5,000 open
    python bench/many_offices.py --quick    # 20 offices; 2,000 then 10,000 cases, 200 open (CI smoke)
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python bench/many_offices.py

`bench/run.py --many-offices` runs it after the single-office tables. `BENCH_DATABASE_URL` is an
admin URL: a scratch database is made on it and dropped afterwards; SQLite runs in a temporary file.

1. **The data, as after years.** An office config for N offices in one workspace (one team id,
   distinct ids, channels, leaders and reference prefixes) is written to a temporary file. The
   cases are spread unevenly (a few large offices, many small ones: weight 1/rank^0.7), and so
   are the open ones. Every case has its audit events and its receipt in the ledger; a closed
   case has a finished action, an old reminder (sent, in the ledger) and the weekly digest that
   told its closure (sent); an open case has its actions and, when old enough, the reminders it
   was given on earlier days. Written in bulk (Core executemany on SQLite, COPY on PostgreSQL).
2. **The passes, over every office, as the scheduler runs them** (`bot/reminders/jobs.py`,
   `bot/reminders/digest.py`), one office after another, with the Slack Web API fake answering
   in its own process: the reminder run's planning alone (`nudge --dry-run`), then the real run
   (plan and write the ledger rows: reminders, escalations, the leaders' summary; then send them),
   the same run again (a second replica, or a restart: nothing new), and the digest run (plan,
   write, post). Each figure is checked against an independent count: ledger rows in the database
   and posts the fake received. The rows a pass wrote are deleted before the data grows, so both
   sizes run the same day with the same open cases.
3. **The registration ack** at 50 concurrent clients, spread over the offices by the channel the
   command is used in (`channel_id`), next to the same load on one office with an empty database.
   Each client submits the modal the bot opened for it, as the person who typed `/avvik`. Checked:
   each form names the office of its channel in its sealed metadata (no «Kontor» select), and each
   case is stored in that office with that office's reference prefix. When the bot cannot tell
   offices in one workspace apart by channel, every office gets a team id of its own instead, and
   the table says so. `--ack-only` builds the data at the largest size and measures only this.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402
from sqlalchemy import create_engine, delete, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.settings import EXAMPLE_OFFICE_CONFIG  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
TEAM = "T0AVVIK"
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # a Wednesday, 09:00 in Oslo: the reminder hour
WEEKDAY = 2  # Wednesday: the leaders' summary and the digest are due today as well
OPEN_STATES = ["registrert"] * 4 + ["tiltak_pagar"] * 3 + ["klar_for_lukking"] * 2 + ["videresendt"]
YEARS = 3


# --- the office config ------------------------------------------------------------------------

def office_ids(count: int) -> list[str]:
    return [f"kontor-{i:03d}" for i in range(count)]


def write_config(path: Path, count: int, *, shared_team: bool) -> list[dict]:
    """N offices made from the example config; returns what a client needs to reach each."""
    example = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")
    head, body = example.split("\n[[office]]\n", 1)
    parts, offices = [head], []
    for i, office_id in enumerate(office_ids(count)):
        team = TEAM if shared_team else f"T{i:04d}"
        office = {"id": office_id, "team": team, "channel": f"C{i:04d}WORK",
                  "leaders": [f"U0L{i:03d}A", f"U0L{i:03d}B"], "prefix": f"K{i:03d}",
                  "leader_channel": f"C{i:04d}LEAD", "office_channel": f"C{i:04d}ALL"}
        text_ = body
        for pattern, value in (
                (r'^id = ".*"$', f'id = "{office_id}"'),
                (r'^name = ".*"$', f'name = "NAV Kontor {i:03d}"'),
                (r'^# team_id = ".*"$', f'team_id = "{team}"\nreference_prefix = "{office["prefix"]}"\n'
                                        f'channels = ["{office["channel"]}"]'),
                (r'^leader_channel = "\w+"', f'leader_channel = "{office["leader_channel"]}"'),
                (r'^office_channel = "\w+"', f'office_channel = "{office["office_channel"]}"'),
                (r'^leaders = \[.*\]', f'leaders = ["{office["leaders"][0]}", "{office["leaders"][1]}"]'),
                (r'^summary_weekday = \d', f"summary_weekday = {WEEKDAY}"),
                (r'^digest_weekday = \d', f"digest_weekday = {WEEKDAY}")):
            text_, found = re.subn(pattern, value, text_, count=1, flags=re.MULTILINE)
            assert found, pattern
        parts.append(text_)
        offices.append(office)
    path.write_text("\n[[office]]\n".join(parts), encoding="utf-8")
    return offices


def weights(count: int) -> list[float]:
    """A few large offices and many small ones."""
    raw = [1 / (rank + 1) ** 0.7 for rank in range(count)]
    return [w / sum(raw) for w in raw]


def spread(total: int, shares: list[float]) -> list[int]:
    counts = [int(total * share) for share in shares]
    for i in range(total - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


# --- the data ---------------------------------------------------------------------------------

class Builder:
    """Writes cases with their history in bulk, with explicit ids."""

    def __init__(self, url: str, offices: list[dict]) -> None:
        self.url, self.offices = url, offices
        self.engine = create_engine(url)
        self.postgres = self.engine.dialect.name == "postgresql"
        self.random = random.Random(24)
        self.ids: Counter[str] = Counter()
        self.shares = weights(len(offices))
        self.cases = 0
        self.week0 = NOW - timedelta(days=7)  # the last digest, a week ago
        self.digests: dict[tuple[int, int], int] = {}  # (office index, weeks before week0) → digest id

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def add(self, open_count: int, closed_count: int) -> None:
        rows: dict[str, list[dict]] = {t: [] for t in ("deviations", "actions", "events", "ledger", "nudges",
                                                       "digests", "digest_cases")}
        for index, (opened, closed) in enumerate(zip(spread(open_count, self.shares),
                                                     spread(closed_count, self.shares), strict=True)):
            for _ in range(opened):
                self._case(rows, index, open_=True, recent=True)
            for _ in range(closed):
                self._case(rows, index, open_=False, recent=not self.cases)
        self.cases += open_count + closed_count
        self._write(rows)

    def _case(self, rows: dict[str, list[dict]], index: int, *, open_: bool, recent: bool) -> None:
        office, rng = self.offices[index], self.random
        ident = self.next_id("deviations")
        if open_:
            state = rng.choice(OPEN_STATES)
            created = NOW - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
        else:
            state = "lukket"
            newest = 10 if recent else 60  # a larger size adds older years, not more closures this week
            created = NOW - timedelta(days=rng.randint(newest, YEARS * 365), minutes=rng.randint(0, 600))
        leader = rng.choice([None, *office["leaders"]])
        latest = NOW - timedelta(hours=1) if recent else self.week0 - timedelta(hours=1)
        closed_at = min(created + timedelta(days=rng.randint(1, 40)), latest) if not open_ else None
        rows["deviations"].append({
            "id": ident, "office_id": office["id"], "year": created.year, "seq": ident,
            "reference": f"AVV-{office['prefix']}-{created.year}-H{ident:07d}", "kind": "brudd",
            "category": "informasjonssikkerhet" if state == "videresendt" else "lokal_rutine",
            "destination": "asys" if state == "videresendt" else "kontoret", "severity": "middels",
            "citizen_rights": "nei", "title": "Benchmark", "what_happened": "Tekst " * 40,
            "occurred_on": created.date(), "anonymous": False, "reporter_id": f"U0S{index:03d}{ident % 30:02d}",
            "state": state, "responsible_leader": leader, "created_at": created, "updated_at": closed_at or created,
            "ready_at": created if state == "klar_for_lukking" else None, "closed_at": closed_at,
            "closure_feedback": "Tilbakemelding" if closed_at else None, "no_new_lesson": False,
        })
        self._event(rows, office, ident, created, "registrert", None, "registrert")
        self._ledger(rows, office, "receipt", f"deviation:{ident}", f"D{rows['deviations'][-1]['reporter_id']}", "",
                     created)
        if state in ("tiltak_pagar", "lukket"):
            due = (created + timedelta(days=rng.randint(3, 30))).date()
            action = self.next_id("actions")
            rows["actions"].append({
                "id": action, "deviation_id": ident, "term": "kort", "description": "Tiltak",
                "owner_id": f"U0O{index:03d}{ident % 7}", "due_on": due, "state": "apen" if open_ else "utfort",
                "created_at": created + timedelta(hours=2),
                "finished_at": closed_at - timedelta(hours=1) if closed_at else None})
            self._event(rows, office, ident, created + timedelta(hours=2), "vurdert", "registrert", "tiltak_pagar")
        if closed_at:
            self._event(rows, office, ident, closed_at, "lukket", "klar_for_lukking", "lukket")
            self._nudge(rows, office, ident, "unassessed", office["leaders"][0], created + timedelta(days=2))
            if closed_at <= self.week0:  # told in the digest of its week
                weeks = int((self.week0 - closed_at) / timedelta(days=7))
                digest = self._digest(rows, index, weeks)
                rows["digest_cases"].append({"id": self.next_id("digest_cases"), "digest_id": digest,
                                             "deviation_id": ident, "closed_at": closed_at})
        elif state == "registrert":  # reminded on earlier days, not assessed yet
            for days in range(2, (NOW - created).days, 2):
                self._nudge(rows, office, ident, "unassessed", leader or office["leaders"][0],
                            created + timedelta(days=days))

    def _event(self, rows: dict, office: dict, ident: int, at: datetime, kind: str, from_state: str | None,
               to_state: str) -> None:
        rows["events"].append({"id": self.next_id("events"), "office_id": office["id"], "deviation_id": ident,
                               "at": at, "actor_id": office["leaders"][0], "kind": kind, "from_state": from_state,
                               "to_state": to_state, "detail": {}})

    def _ledger(self, rows: dict, office: dict, what: str, target: str, recipient: str, period: str,
                at: datetime) -> int:
        ident = self.next_id("ledger")
        rows["ledger"].append({"id": ident, "office_id": office["id"], "what": what, "target": target,
                               "recipient": recipient, "period": period, "status": "sent", "attempts": 1,
                               "not_before": at, "sent_at": at, "created_at": at})
        return ident

    def _nudge(self, rows: dict, office: dict, ident: int, rule: str, recipient: str, at: datetime) -> None:
        nudge = self.next_id("nudges")
        ledger_id = self._ledger(rows, office, "nudges", f"nudge:{nudge}", recipient, at.date().isoformat(), at)
        rows["nudges"].append({"id": nudge, "office_id": office["id"], "rule": rule, "target": f"deviation:{ident}",
                               "deviation_id": ident, "recipient": recipient, "period": at.date().isoformat(),
                               "workdays": 2, "ledger_id": ledger_id, "created_at": at})

    def _digest(self, rows: dict, index: int, weeks: int) -> int:
        if (index, weeks) not in self.digests:
            office, ident = self.offices[index], self.next_id("digests")
            until = self.week0 - timedelta(days=7 * weeks)
            iso = until.isocalendar()
            ledger_id = self._ledger(rows, office, "digest", f"digest:{ident}", office["office_channel"],
                                     f"{iso.year}-W{iso.week:02d}", until)
            rows["digests"].append({"id": ident, "office_id": office["id"], "period": f"{iso.year}-W{iso.week:02d}",
                                    "since": until - timedelta(days=7), "until": until, "reported": 0, "closed": 0,
                                    "open": 0, "ledger_id": ledger_id, "created_at": until})
            self.digests[index, weeks] = ident
        return self.digests[index, weeks]

    def _write(self, rows: dict[str, list[dict]]) -> None:
        order = ("deviations", "actions", "events", "ledger", "nudges", "digests", "digest_cases")
        if self.postgres:
            raw = self.engine.raw_connection()
            try:
                with raw.driver_connection.cursor() as cursor:
                    for name in order:
                        if not rows[name]:
                            continue
                        columns = list(rows[name][0])
                        with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                            for row in rows[name]:
                                copy.write_row([json.dumps(v) if isinstance(v, dict) else v for v in row.values()])
                    for name in order:  # the bot's own inserts take ids after ours
                        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                       f"(SELECT max(id) FROM {name}))")
                raw.commit()
            finally:
                raw.close()
        else:  # the driver's executemany, with values stored as SQLAlchemy stores them on SQLite
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                for name in order:
                    if rows[name]:
                        columns = list(rows[name][0])
                        cursor.executemany(f"INSERT INTO {name} ({', '.join(columns)}) "
                                           f"VALUES ({', '.join('?' * len(columns))})",
                                           ([_sqlite(v) for v in row.values()] for row in rows[name]))
                raw.commit()
            finally:
                raw.close()
        with self.engine.begin() as connection:  # what PostgreSQL's autovacuum would have done by now
            connection.exec_driver_sql("ANALYZE" if self.postgres else "SELECT 1")

    def reset(self) -> None:
        """Remove what a pass wrote (everything stamped at NOW), so the next size starts alike."""
        from store.models import Digest, DigestDeviation, LedgerEntry, NudgeEntry

        with self.engine.begin() as connection:
            digests = select(Digest.id).where(Digest.created_at >= NOW)
            connection.execute(delete(DigestDeviation).where(DigestDeviation.digest_id.in_(digests)))
            connection.execute(delete(Digest).where(Digest.created_at >= NOW))
            connection.execute(delete(NudgeEntry).where(NudgeEntry.created_at >= NOW))
            connection.execute(delete(LedgerEntry).where(LedgerEntry.created_at >= NOW))

    def counts(self) -> dict[str, int]:
        from store.models import Deviation

        with self.engine.connect() as connection:
            total = connection.scalar(select(func.count()).select_from(Deviation))
            opened = connection.scalar(select(func.count()).select_from(Deviation).where(Deviation.state != "lukket"))
            rows = sum(connection.scalar(text(f"SELECT count(*) FROM {t}")) for t in
                       ("deviations", "actions", "events", "ledger", "nudges", "digests", "digest_cases"))
        return {"cases": total, "open": opened, "rows": rows}


def _sqlite(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value)
    return value


# --- the passes -------------------------------------------------------------------------------

class FixedClock:
    def now(self) -> datetime:
        return NOW


def fake_calls(fake_url: str) -> Counter[str]:
    with urllib.request.urlopen(fake_url.removesuffix("api/")) as response:
        return Counter(json.loads(response.read())["calls"])


def ledger_rows(db, since: datetime) -> Counter[str]:
    from store.models import LedgerEntry

    with db.engine.connect() as connection:
        query = (select(LedgerEntry.what, LedgerEntry.status, func.count()).where(LedgerEntry.created_at >= since)
                 .group_by(LedgerEntry.what, LedgerEntry.status))
        return Counter({f"{what}/{status}": n for what, status, n in connection.execute(query)})


def passes(url: str, config: Path, fake_url: str) -> dict:
    """One reminder pass (dry, real, again) and one digest pass over every office; seconds and counts."""
    os.environ.update({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_url,
                       "DATABASE_URL": url, "AVVIK_OFFICE_CONFIG": str(config)})
    from bot.app import install_senders
    from bot.reminders.digest import plan_digest
    from bot.reminders.jobs import plan_nudges, send_scheduled
    from bot.services import build_services
    from bot.settings import Settings
    from store.db import Database

    db = Database(url)
    services = install_senders(build_services(Settings(), clock=FixedClock(), db=db))
    offices = services.offices.office
    result: dict = {"offices": len(offices)}
    try:
        # The reminder run's planning alone, as `avvik-bot nudge --dry-run`.
        began, due = time.perf_counter(), 0
        for office in offices:
            plan = plan_nudges(db, services.clock, office, services.leaders.leaders(office, patient=True),
                               dry_run=True)
            due += len(plan.nudges) + len(plan.escalations) + bool(plan.summary)
        result["dry"] = time.perf_counter() - began
        result["dry_items"] = due
        # The reminder run, as the scheduler's job runs it (run_nudges): plan and enter, then send.
        calls = fake_calls(fake_url)
        plan_s = send_s = 0.0
        entered = reminders = 0
        for office in offices:
            began = time.perf_counter()
            plan = plan_nudges(db, services.clock, office, services.leaders.leaders(office, patient=True))
            planned = time.perf_counter()
            send_scheduled(services, office)
            plan_s, send_s = plan_s + planned - began, send_s + time.perf_counter() - planned
            entered += len(plan.ledger_ids)
            reminders += len(plan.nudges) + len(plan.escalations)
        result.update(plan=plan_s, send=send_s, entered=entered, reminders=reminders)
        result["posted"] = sum((fake_calls(fake_url) - calls).values())
        result["ledger"] = ledger_rows(db, NOW)
        # The same run again: a second replica, a restart, an admin's CLI run. Nothing new.
        began, again = time.perf_counter(), 0
        for office in offices:
            plan = plan_nudges(db, services.clock, office, services.leaders.leaders(office, patient=True))
            send_scheduled(services, office)
            again += len(plan.ledger_ids)
        result["again"], result["again_entered"] = time.perf_counter() - began, again
        # The digest run (run_digest): plan and write the digest, then post it.
        calls = fake_calls(fake_url)
        began, posts, closures = time.perf_counter(), 0, 0
        for office in offices:
            plan = plan_digest(db, services.clock, office)
            send_scheduled(services, office)
            posts += len(plan.ledger_ids)
            closures += plan.closed
        result["digest"], result["digest_posts"], result["closures"] = time.perf_counter() - began, posts, closures
        result["digest_posted"] = sum((fake_calls(fake_url) - calls).values())
    finally:
        services.messenger.close()
        db.dispose()
    return result


def check(result: dict) -> list[str]:
    """Every figure against an independent count: the ledger's rows and the fake's posts."""
    problems = []
    ledger = result["ledger"]
    scheduled = sum(n for key, n in ledger.items() if key.split("/")[0] in ("nudges", "escalation", "leader_summary"))
    if scheduled != result["entered"]:
        problems.append(f"ledger has {scheduled} reminder rows, the plans entered {result['entered']}")
    unsent = sum(n for key, n in ledger.items() if not key.endswith("/sent"))
    if unsent:
        problems.append(f"{unsent} ledger rows left unsent: {dict(ledger)}")
    if result["posted"] != result["entered"]:
        problems.append(f"the fake received {result['posted']} calls for {result['entered']} messages")
    if result["again_entered"]:
        problems.append(f"the second run entered {result['again_entered']} messages again")
    if result["digest_posted"] != result["digest_posts"]:
        problems.append(f"the fake received {result['digest_posted']} calls for {result['digest_posts']} digests")
    return problems


# --- the registration ack ---------------------------------------------------------------------

FAKE_RUNNER = """
import json, sys, threading
from tests.support.slack_fake import SlackFake
fake = SlackFake(token=sys.argv[1], validate=False).start()
handler = fake.server.RequestHandlerClass
counts = handler.do_GET
def do_GET(self):
    if self.path.startswith("/views"):  # the modals the bot opened, by trigger id
        with fake._lock:
            opened = {c.params.get("trigger_id"): c.params.get("view") for c in fake.calls if c.method == "views.open"}
        fake._reply(self, 200, {"ok": True, "views": opened})
    else:
        counts(self)
handler.do_GET = do_GET
print(fake.url, flush=True)
threading.Event().wait()
"""


@dataclass
class Client:
    """Signed requests as Slack sends them, each from a channel of one office."""

    port: int
    offices: list[dict]
    verifier: SignatureVerifier = field(default_factory=lambda: SignatureVerifier(SECRET))
    sent: dict[str, dict] = field(default_factory=dict)  # trigger id → the office it came from
    users: dict[str, str] = field(default_factory=dict)  # trigger id → the person who typed /avvik

    def post(self, body: str) -> tuple[float, str | None]:
        from bench.run import signed_post

        return signed_post(self.port, self.verifier, body)

    def command(self, n: int) -> tuple[float, str | None]:
        index = n % len(self.offices)
        office = self.offices[index]
        trigger = f"{n}.{uuid.uuid4().hex[:8]}"
        self.sent[trigger] = office
        self.users[trigger] = reporter(index, n)
        form = {"command": "/avvik", "text": "", "user_id": self.users[trigger], "team_id": office["team"],
                "channel_id": office["channel"], "trigger_id": trigger, "response_url": "https://hooks.invalid/x",
                "api_app_id": "A0"}
        return self.post(urllib.parse.urlencode(form))

    def submit(self, trigger: str, view: dict) -> tuple[float, str | None]:
        from tests.support.flows import ANSWERS
        from tests.support.slack_client import fill

        office = self.sent[trigger]
        payload = {"type": "view_submission", "team": {"id": office["team"]},
                   "user": {"id": self.users[trigger]}, "api_app_id": "A0",
                   "view": {**view, "id": f"VB{uuid.uuid4().hex}", "state": {"values": fill(view, ANSWERS)}}}
        return self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}))


def reporter(index: int, n: int) -> str:
    """A person of office `index` (one of 50 there): the office can be read back from a stored case."""
    return f"U0C{index:03d}{n % 50:02d}"


def office_of_reporter(reporter_id: str | None) -> int | None:
    return int(reporter_id[3:6]) if reporter_id and reporter_id.startswith("U0C") else None


def form_office(view: dict) -> str | None:
    """The office a registration form was opened for: the one sealed into its metadata, or None when
    it asks «Kontor» (the bot did not find the office) or seals none."""
    from handlers.ids import Field
    from handlers.payloads import unseal, use_seal_key

    if any(block.get("block_id") == Field.OFFICE for block in view.get("blocks", [])):
        return None
    use_seal_key(SECRET)
    return unseal(view.get("private_metadata", "")).get("office")


def opened_views(fake_url: str) -> dict[str, dict]:
    with urllib.request.urlopen(fake_url.removesuffix("api/") + "views") as response:
        views = json.loads(response.read())["views"]
    return {trigger: json.loads(view) if isinstance(view, str) else view for trigger, view in views.items()}


def serve(env: dict[str, str], work: Path):
    from bench.run import THREADS, WORKERS, Process, free_port, wait_http

    port = free_port()
    bot = Process([sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(WORKERS), "--threads", str(THREADS), "--no-scheduler"], env, work)
    wait_http(f"http://127.0.0.1:{port}/healthz", bot)
    return bot, port


def percentiles(latencies: list[float]) -> dict:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50": cuts[49] * 1000, "p99": cuts[98] * 1000}


def ack(label: str, env: dict[str, str], work: Path, offices: list[dict], fake_url: str, clients: int,
        requests: int, *, shared: bool = True) -> dict:
    """`requests` commands from `clients` clients at once, then each submits the modal it was given.
    With several offices in one workspace (`shared`), each form must name its channel's office."""
    bot, port = serve(env, work)
    client = Client(port, offices)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:  # warm up
            list(pool.map(client.command, range(10**6, 10**6 + 20)))
        began = len(client.sent)
        with ThreadPoolExecutor(max_workers=clients) as pool:
            commands = list(pool.map(client.command, range(requests)))
        time.sleep(0.5)
        views = opened_views(fake_url)
        ours = [t for t in list(client.sent)[began:] if t in views]
        with ThreadPoolExecutor(max_workers=clients) as pool:
            submits = list(pool.map(lambda t: client.submit(t, views[t]), ours))
        time.sleep(1)
    except Exception:
        bot.log.seek(0)
        print(bot.log.read()[-3000:], file=sys.stderr)
        raise
    finally:
        bot.stop()
    reached = len({client.sent[t]["id"] for t in ours})
    several = shared and len(offices) > 1
    sealed = sum(1 for t in ours if form_office(views[t]) == client.sent[t]["id"]) if several else len(ours)
    return {"label": label, "offices": reached, "opened": len(ours), "commands": len(commands), "sealed": sealed,
            "command": {**percentiles([e for e, _ in commands]), "failed": sum(1 for _, w in commands if w)},
            "submit": {**percentiles([e for e, _ in submits]), "failed": sum(1 for _, w in submits if w)}}


def routes_by_channel(env: dict[str, str], work: Path, offices: list[dict], fake_url: str) -> bool:
    """Does this bot tell offices in one workspace apart by the channel? One /avvik from a channel of
    an office that is not the first: the form it opens must name that office in its sealed metadata
    (a bot that did not find it opens no modal, or one that asks «Kontor»)."""
    bot, port = serve(env, work)
    try:
        client = Client(port, offices)
        client.command(len(offices) // 2)
        time.sleep(1)
        (trigger,) = client.sent
        view = opened_views(fake_url).get(trigger)
        return view is not None and form_office(view) == offices[len(offices) // 2]["id"]
    finally:
        bot.stop()


def stored_for(url: str, since_id: int, offices: list[dict]) -> dict:
    """The cases stored since `since_id`: how many, in how many offices, and how many of them in the
    office whose channel their reporter typed `/avvik` in, with that office's reference prefix."""
    from store.models import Deviation

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(Deviation.office_id, Deviation.reference, Deviation.reporter_id)
                                  .where(Deviation.id > since_id)).all()
    engine.dispose()
    placed = 0
    for office_id, reference, reporter_id in rows:
        index = office_of_reporter(reporter_id) if len(offices) > 1 else 0
        office = offices[index] if index is not None and index < len(offices) else None
        prefix = office and office.get("prefix")
        placed += bool(office and office_id == office["id"] and (not prefix or reference.startswith(f"AVV-{prefix}-")))
    return {"stored": len(rows), "stored_offices": len({office_id for office_id, _, _ in rows}), "placed": placed}


# --- running it -------------------------------------------------------------------------------

def scratch_pg(admin: str) -> str:
    name = f"avvik_many_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def drop_pg(admin: str, url: str) -> None:
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def backend(name: str, url: str, args: argparse.Namespace, work: Path, fake_url: str) -> dict:
    from store.migrate import upgrade

    upgrade(url)
    config = work / "offices.toml"
    offices = write_config(config, args.offices, shared_team=True)
    builder = Builder(url, offices)
    out: dict = {"backend": name, "sizes": []}
    previous = 0
    for size in args.sizes:
        began = time.perf_counter()
        builder.add(args.open if not previous else 0, size - previous - (0 if previous else args.open))
        previous = size
        counts = builder.counts()
        print(f"  {name}: {counts['cases']:,} cases ({counts['open']:,} open, {counts['rows']:,} rows) built in "
              f"{time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
        out["built"] = counts
        if args.ack_only:
            continue
        result = {**counts, **passes(url, config, fake_url)}
        result["problems"] = check(result)
        for problem in result["problems"]:
            print(f"  WARNING {name} {size}: {problem}", file=sys.stderr)
        print(f"  {name} {size:,}: dry {result['dry']:.1f} s, plan+enter {result['plan']:.1f} s, "
              f"send {result['send']:.1f} s, again {result['again']:.1f} s, digest {result['digest']:.1f} s",
              file=sys.stderr, flush=True)
        result["ledger"] = dict(result["ledger"])
        out["sizes"].append(result)
        builder.reset()
    builder.engine.dispose()
    if args.clients:
        out["ack"] = ack_section(name, url, args, work, fake_url)
    return out


def ack_section(name: str, url: str, args: argparse.Namespace, work: Path, fake_url: str) -> dict:
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_url,
           "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    config = work / "offices.toml"
    offices = write_config(config, args.offices, shared_team=True)
    env["AVVIK_OFFICE_CONFIG"] = str(config)
    shared = routes_by_channel(env, work, offices, fake_url)
    if not shared:
        print(f"  {name}: this bot does not route by channel in one workspace; a team id per office instead",
              file=sys.stderr)
        offices = write_config(config, args.offices, shared_team=False)
    engine = create_engine(url)
    with engine.connect() as connection:
        last = connection.scalar(text("SELECT max(id) FROM deviations")) or 0
    engine.dispose()
    many = ack(f"{args.offices} offices", env, work, offices, fake_url, args.clients, args.requests, shared=shared)
    many.update(shared_team=shared, **stored_for(url, last, offices))
    # The same load on one office and an empty database, as the single-office tables measure it.
    one_url = f"sqlite:///{work}/one.db" if url.startswith("sqlite") else scratch_pg(args.admin)
    try:
        from store.migrate import upgrade

        upgrade(one_url)
        example = {"id": "lillehammer-gausdal", "team": "T0001", "channel": "C0B"}
        one = ack("1 office", {**env, "DATABASE_URL": one_url, "AVVIK_OFFICE_CONFIG": str(EXAMPLE_OFFICE_CONFIG)},
                  work, [example], fake_url, args.clients, args.requests)
        one.update(shared_team=True, **stored_for(one_url, 0, [example]))
    finally:
        if not one_url.startswith("sqlite"):
            drop_pg(args.admin, one_url)
    problems = []
    for row in (one, many):
        print(f"  {name} ack {row['label']}: /avvik p99 {row['command']['p99']:.0f} ms, submission p99 "
              f"{row['submit']['p99']:.0f} ms, stored {row['stored']} of {row['opened']}, "
              f"{row['placed']} in their channel's office", file=sys.stderr)
        if row["sealed"] != row["opened"]:
            problems.append(f"{row['label']}: {row['opened'] - row['sealed']} forms did not name their "
                            f"channel's office")
        if row["stored"] != row["opened"] or row["placed"] != row["stored"]:
            problems.append(f"{row['label']}: {row['stored']} of {row['opened']} stored, {row['placed']} of them in "
                            f"their channel's office with its prefix")
    for problem in problems:
        print(f"  WARNING {name} ack: {problem}", file=sys.stderr)
    return {"rows": [one, many], "problems": problems}


def print_tables(results: list[dict], args: argparse.Namespace) -> None:
    if not args.ack_only:
        print_passes(results, args)
    acks = [(r["backend"], r["built"], row) for r in results if "ack" in r for row in r["ack"]["rows"]]
    if not acks:
        return
    print(f"\n## Registration ack at {args.clients} concurrent clients, {args.requests} of each (ms)\n")
    print("| backend | offices | spread by | `/avvik` p50 | p99 | failed | submission p50 | p99 | failed "
          "| stored / submitted | in the channel's office | offices with a new case |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, built, row in acks:
        label = ("1 office, empty database" if row["label"] == "1 office"
                 else f"{row['label']}, {built['cases']:,} cases")
        how = "—" if row["label"] == "1 office" else ("channel, one team id" if row["shared_team"]
                                                      else "team id per office")
        print(f"| {name} | {label} | {how} | {row['command']['p50']:.0f} | {row['command']['p99']:.0f} "
              f"| {row['command']['failed']} | {row['submit']['p50']:.0f} | {row['submit']['p99']:.0f} "
              f"| {row['submit']['failed']} | {row['stored']} / {row['opened']} | {row['placed']} "
              f"| {row['stored_offices']} |")
    problems = [p for r in results if "ack" in r for p in r["ack"]["problems"]]
    print("\nChecked against the forms the fake saw and the cases stored: " + ("; ".join(problems) if problems else
          "every form named its channel's office, every case is stored there with its prefix."))


def print_passes(results: list[dict], args: argparse.Namespace) -> None:
    print(f"\n## Many offices: {args.offices} offices, one workspace; the scheduler's passes over all of them "
          f"(seconds, one office after another)\n")
    print("| backend | cases | open | dry run (plan) | reminder run: plan + ledger | send | messages | reminders "
          "| run again | digest run | digests posted | closures told | ms per open case |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        for row in result["sizes"]:
            whole = row["plan"] + row["send"] + row["digest"]
            print(f"| {result['backend']} | {row['cases']:,} | {row['open']:,} | {row['dry']:.1f} | {row['plan']:.1f} "
                  f"| {row['send']:.1f} | {row['entered']:,} | {row['reminders']:,} | {row['again']:.1f} "
                  f"| {row['digest']:.1f} | {row['digest_posts']:,} | {row['closures']:,} "
                  f"| {whole / row['open'] * 1000:.2f} |")
    problems = [p for result in results for row in result["sizes"] for p in row["problems"]]
    print("\nChecked against the ledger and the Slack fake: " + ("; ".join(problems) if problems else
          "every message planned is one ledger row, sent once; the second run entered nothing."))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small size, for a smoke run")
    parser.add_argument("--no-ack", action="store_true", help="skip the registration ack")
    parser.add_argument("--ack-only", action="store_true",
                        help="build the data at the largest size and measure only the registration ack")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.ack_only and args.no_ack:
        parser.error("--ack-only and --no-ack leave nothing to measure")
    args.offices = 20 if args.quick else 250
    args.open = 200 if args.quick else 5_000
    args.sizes = [2_000, 10_000] if args.quick else [100_000, 500_000]
    args.clients = 0 if args.no_ack else (10 if args.quick else 50)
    args.requests = 40 if args.quick else 400
    args.admin = None if args.sqlite_only else os.environ.get("BENCH_DATABASE_URL")
    started = time.monotonic()
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="avvik-many-") as tmp:
        work = Path(tmp)
        fake = subprocess.Popen([sys.executable, "-c", FAKE_RUNNER, TOKEN], cwd=ROOT, stdout=subprocess.PIPE,
                                text=True, start_new_session=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            fake_url = fake.stdout.readline().strip()
            results.append(backend("SQLite", f"sqlite:///{work}/many.db", args, work, fake_url))
            if args.admin:
                url = scratch_pg(args.admin)
                try:
                    results.append(backend("PostgreSQL", url, args, work, fake_url))
                finally:
                    drop_pg(args.admin, url)
        finally:
            os.killpg(fake.pid, signal.SIGTERM)
    print_tables(results, args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    print(f"\n(many offices: {time.monotonic() - started:.0f} s)")
    problems = [p for r in results for row in r["sizes"] for p in row["problems"]]
    problems += [p for r in results if "ack" in r for p in r["ack"]["problems"]]
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
