"""How long the reminder scan takes as an office's history grows.

The scan (`bot.reminders.jobs.plan_nudges`, as a dry run: read the open cases, their open actions and
audit times, apply the rules, look up reminders given before) should cost in proportion to
the open cases, not to every case the office has ever closed. This builds one database per
backend and grows it:

  series 1: ~1,000 open cases, with 0, 9,000 and 99,000 closed ones beside them (1k, 10k, 100k);
  series 2: 100,000 cases in all, with 100, 1,000 and 10,000 of them open;
  series 3 (`--million`): 1,000,000 cases in all, 1,000 of them open.

Each closed case has its audit events, a finished action and an old reminder, as in real life,
and what years of use leave in the ledger and the digests: its receipt, card, card-thread line,
the reporter's «closed» message and the reminder's message, all sent; the weekly digest that
told its closure (one `digests` row and ledger row per week, one `digest_cases` row per case).
Prints a table and the query plan of the open-case query on each backend.

    python bench/scheduler_scan.py [--million] [--postgresql-only]  # SQLite (a temporary file)
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python bench/scheduler_scan.py

`BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) names a PostgreSQL server the benchmark may
create a scratch database on; it drops it afterwards.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text, update
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.office import load_offices
from bot.reminders.digest import plan_digest
from bot.reminders.jobs import OPEN, plan_nudges
from bot.settings import EXAMPLE_OFFICE_CONFIG
from store import reminders
from store.db import Database, Unavailable
from store.deviations import count_open, is_open
from store.migrate import upgrade
from store.models import Action, Deviation, Digest, DigestDeviation, Event, LedgerEntry, NudgeEntry

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # a Wednesday, 09:00 in Oslo
LEADERS = ["U0LEADER1", "U0LEADER2"]
REPEAT = 5
OFFICE = load_offices(EXAMPLE_OFFICE_CONFIG).office[0]
OPEN_STATES = ["registrert"] * 4 + ["tiltak_pagar"] * 3 + ["klar_for_lukking"] * 2 + ["videresendt"]


class Clock:
    def now(self) -> datetime:
        return NOW


class Builder:
    """Writes cases in bulk with explicit ids (no round trips), keeping count of what is there."""

    def __init__(self, db: Database) -> None:
        self.db, self.next_id, self.next_action, self.next_event = db, 1, 1, 1
        self.next_ledger, self.next_nudge = 1, 1
        self.digests: dict[str, int] = {}  # ISO week → the digest that told that week's closures
        self.random = random.Random(42)

    def add(self, count: int, *, open_: bool) -> None:
        for start in range(0, count, 50_000):  # a transaction per 50,000 cases: memory stays bounded
            self._add(min(50_000, count - start), open_=open_)

    def _add(self, count: int, *, open_: bool) -> None:
        deviations, actions, events, nudges, ledger, digests, told = [], [], [], [], [], [], []
        for _ in range(count):
            ident = self.next_id
            self.next_id += 1
            if open_:
                state = self.random.choice(OPEN_STATES)
                created = NOW - timedelta(days=self.random.randint(0, 60), minutes=self.random.randint(0, 600))
            else:
                state = "lukket"
                created = NOW - timedelta(days=self.random.randint(60, 3 * 365))
            deviations.append(_deviation(ident, state, created, self.random))
            events.append(self._event(ident, created, "registrert", None, state if open_ else "registrert"))
            if state == "tiltak_pagar":
                due = (created + timedelta(days=self.random.randint(3, 30))).date()
                actions.append(self._action(ident, due, created, "apen"))
                events.append(self._event(ident, created + timedelta(hours=2), "vurdert", "registrert", state))
            if state == "lukket":
                closed = created + timedelta(days=self.random.randint(3, 40))
                actions.append(self._action(ident, closed.date(), created, "utfort"))
                events.append(self._event(ident, closed, "lukket", "klar_for_lukking", "lukket"))
                nudged = created + timedelta(days=2)
                nudge_message = self._ledger("nudges", f"nudge:{self.next_nudge}", "U0LEADER1",
                                             nudged.date().isoformat(), nudged)
                nudges.append({"id": self.next_nudge, "office_id": OFFICE.id, "rule": "unassessed",
                               "target": f"deviation:{ident}", "deviation_id": ident, "recipient": "U0LEADER1",
                               "period": nudged.date().isoformat(), "workdays": 2, "created_at": nudged,
                               "ledger_id": nudge_message["id"]})
                self.next_nudge += 1
                closed_at = deviations[-1]["closed_at"]
                reporter = deviations[-1]["reporter_id"]
                ledger += [self._ledger("receipt", f"deviation:{ident}", reporter, "", created),
                           self._ledger("leader_card", f"deviation:{ident}", "C0LEADERS", "", created),
                           self._ledger("card_thread", f"deviation:{ident}", "C0LEADERS",
                                        f"event:{events[-1]['id']}", closed),
                           self._ledger("reporter_closed", f"deviation:{ident}", reporter, "", closed),
                           nudge_message]
                week = _iso_week(closed_at + timedelta(days=1))
                if week not in self.digests:
                    self.digests[week] = len(self.digests) + 1
                    posted = closed_at + timedelta(days=7)
                    message = self._ledger("digest", f"digest:{self.digests[week]}", "C0OFFICE", week, posted)
                    ledger.append(message)
                    digests.append({"id": self.digests[week], "office_id": OFFICE.id, "period": week,
                                    "since": posted - timedelta(days=7), "until": posted, "reported": 0,
                                    "closed": 0, "open": 0, "ledger_id": message["id"], "created_at": posted})
                told.append({"digest_id": self.digests[week], "deviation_id": ident, "closed_at": closed_at})
        with self.db.transaction(deadline=None) as session:
            for model, rows in ((Deviation, deviations), (Action, actions), (Event, events), (LedgerEntry, ledger),
                                (NudgeEntry, nudges), (Digest, digests), (DigestDeviation, told)):
                for start in range(0, len(rows), 5000):
                    session.execute(insert(model.__table__), rows[start:start + 5000])

    def _ledger(self, what: str, target: str, recipient: str, period: str, at: datetime) -> dict:
        self.next_ledger += 1
        return {"id": self.next_ledger, "office_id": OFFICE.id, "what": what, "target": target,
                "recipient": recipient, "period": period, "status": "sent", "attempts": 1, "not_before": at,
                "claimed_at": at, "sent_at": at, "last_error": None, "created_at": at}

    def reopen(self, count: int) -> None:
        """Give `count` closed cases back to the open states (series 2)."""
        with self.db.transaction(deadline=None) as session:
            ids = list(session.scalars(select(Deviation.id).where(Deviation.state == "lukket")
                                       .order_by(Deviation.id.desc()).limit(count)))
            for start in range(0, len(ids), 5000):
                session.execute(update(Deviation).where(Deviation.id.in_(ids[start:start + 5000]))
                                .values(state="registrert", closed_at=None))

    def close(self, count: int) -> None:
        with self.db.transaction(deadline=None) as session:
            ids = list(session.scalars(select(Deviation.id).where(is_open(OPEN)).order_by(Deviation.id)
                                       .limit(count)))
            session.execute(update(Deviation).where(Deviation.id.in_(ids)).values(state="lukket", closed_at=NOW))

    def _action(self, deviation_id: int, due: date, created: datetime, state: str) -> dict:
        self.next_action += 1
        return {"id": self.next_action, "deviation_id": deviation_id, "term": "kort", "description": "Tiltak",
                "owner_id": f"U0OWNER{deviation_id % 7}", "due_on": due, "state": state, "created_at": created}

    def _event(self, deviation_id: int, at: datetime, kind: str, from_state: str | None, to_state: str) -> dict:
        self.next_event += 1
        return {"id": self.next_event, "office_id": OFFICE.id, "deviation_id": deviation_id, "at": at,
                "actor_id": "U0LEADER1", "kind": kind, "from_state": from_state, "to_state": to_state, "detail": {}}


def _iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _deviation(ident: int, state: str, created: datetime, rng: random.Random) -> dict:
    external = state == "videresendt"
    return {
        "id": ident, "office_id": OFFICE.id, "year": created.year, "seq": ident,
        "reference": f"AVV-{created.year}-{ident:06d}", "kind": "brudd",
        "category": "informasjonssikkerhet" if external else "lokal_rutine",
        "destination": "asys" if external else "kontoret", "severity": "middels", "citizen_rights": "nei",
        "title": "Benchmark", "what_happened": "Tekst " * 40, "occurred_on": created.date(), "anonymous": False,
        "reporter_id": f"U0STAFF{ident % 50}", "state": state,
        "responsible_leader": rng.choice([None, "U0LEADER1", "U0LEADER2"]),
        "created_at": created, "updated_at": created,
        "ready_at": created if state == "klar_for_lukking" else None,
        "closed_at": created + timedelta(days=10) if state == "lukket" else None,
    }


def analyze(db: Database) -> None:
    """PostgreSQL's autovacuum keeps statistics; SQLite has none unless someone runs ANALYZE, and
    a deployment will not, so the SQLite figures are without them."""
    if db.dialect == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")  # the bot's 2 s is for requests
            connection.exec_driver_sql("ANALYZE")


def time_scan(db: Database) -> tuple[float, int, float]:
    """Best of REPEAT: wall ms, reminders found, and this process's CPU ms (on SQLite that is the
    queries too: the figure a busy machine disturbs least). A scan cut at its transaction's
    deadline (store.db.DEADLINE) counts as infinitely slow."""
    with contextlib.suppress(Unavailable):
        plan_nudges(db, Clock(), OFFICE, LEADERS, dry_run=True)  # warm the caches
    times, cpu, found = [], [], 0
    for _ in range(REPEAT):
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            plan = plan_nudges(db, Clock(), OFFICE, LEADERS, dry_run=True)
        except Unavailable:
            times.append(float("inf"))
            continue
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        found = len(plan.nudges)
    return min(times) * 1000, found, min(cpu, default=float("inf")) * 1000


def time_digest(db: Database) -> tuple[float, int]:
    """Building the week's feedback digest (a dry run: nothing is written or sent)."""
    plan_digest(db, Clock(), OFFICE, dry_run=True)
    times, closed = [], 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        plan = plan_digest(db, Clock(), OFFICE, dry_run=True)
        times.append(time.perf_counter() - start)
        closed = plan.closed
    return min(times) * 1000, closed


def open_deviation_plan(db: Database) -> str:
    query = reminders.nudge_scan_query(OFFICE.id, OPEN)
    compiled = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
    with db.engine.connect() as connection:
        rows = connection.execute(text(explain + compiled)).all()
    return " | ".join(str(row[-1]) for row in rows)


def run(name: str, url: str, million: bool = False) -> list[tuple]:
    upgrade(url)
    db = Database(url)
    builder, rows = Builder(db), []

    def measure(series: str) -> None:
        analyze(db)
        with db.transaction() as session:
            total = session.scalar(select(text("count(*)")).select_from(Deviation))
            opened = count_open(session, OFFICE.id, OPEN)
        ms, found, cpu_ms = time_scan(db)
        digest_ms, closed = time_digest(db)
        rows.append((name, series, total, opened, ms, found, digest_ms, closed, cpu_ms))
        print(f"  {name:10} {series:9} {total:>9,} cases {opened:>7,} open  scan {ms:8.1f} ms "
              f"(CPU {cpu_ms:7.1f} ms)  digest {digest_ms:8.1f} ms", flush=True)

    builder.add(1_000, open_=True)
    measure("open≈1k")
    builder.add(9_000, open_=False)
    measure("open≈1k")
    builder.add(90_000, open_=False)
    measure("open≈1k")
    print(f"  plan ({name}): {open_deviation_plan(db)}", flush=True)
    builder.close(900)
    measure("100k")
    builder.reopen(900 + 9_000)
    measure("100k")
    if million:
        builder.close(9_000)
        builder.add(900_000, open_=False)
        measure("1M")
        with db.reading(deadline=None) as session:
            counts = {model.__tablename__: session.scalar(select(text("count(*)")).select_from(model))
                      for model in (LedgerEntry, Digest, DigestDeviation, NudgeEntry, Event)}
        print("  rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()), flush=True)
    db.dispose()
    return rows


def main() -> int:
    backends: list[tuple[str, str, str | None]] = []
    tmp = tempfile.mkdtemp(prefix="avvik-bench-")
    if "--postgresql-only" not in sys.argv:
        backends.append(("sqlite", f"sqlite:///{tmp}/bench.db", None))
    admin = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if admin:
        name = f"avvik_bench_{uuid.uuid4().hex[:8]}"
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        backends.append(("postgresql", make_url(admin).set(database=name).render_as_string(hide_password=False),
                         admin))
    print(f"nudge scan and digest build (dry runs), best of {REPEAT}; building …", flush=True)
    rows: list[tuple] = []
    try:
        for name, url, _ in backends:
            rows += run(name, url, million="--million" in sys.argv)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        for _, url, admin_url in backends:
            if admin_url:
                engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
                with engine.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
                engine.dispose()
    print()
    print(f"| {'backend':10} | {'cases':>9} | {'open':>7} | {'scan ms':>8} | {'CPU ms':>7} | {'ms / 1k open':>12} "
          f"| {'due':>6} | {'digest ms':>9} | {'closures':>8} |")
    print(f"|{'-' * 12}|{'-' * 11}|{'-' * 9}|{'-' * 10}|{'-' * 9}|{'-' * 14}|{'-' * 8}|{'-' * 11}|{'-' * 10}|")
    for name, _, total, opened, ms, found, digest_ms, closed, cpu_ms in rows:
        print(f"| {name:10} | {total:>9,} | {opened:>7,} | {ms:8.1f} | {cpu_ms:7.1f} | {ms / opened * 1000:12.1f} "
              f"| {found:>6,} | {digest_ms:9.1f} | {closed:>8,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
