"""Prometheus metrics: what the bot does, counted, for NAIS's Prometheus (or any other).

With `prometheus_client`. Under gunicorn each worker is a process of its own, so `serve` runs
the library's documented multiprocess mode: a directory (`PROMETHEUS_MULTIPROC_DIR`) where every
process writes its values, summed when `/metrics` is scraped, whichever worker answers. The
metrics are created on first use, after `serve` has set that directory up, never at import.

No label holds personal data or free text: labels are the office config's codes (category,
destination), message kinds, listener kinds, job kinds and outcomes, each from a fixed set. A
value a client sent that is not one of the office's codes is counted as `other`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
OUTCOMES = ("stored", "redirected", "refused_national_id", "invalid", "failed")


class _Metrics:
    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        self.registrations = Counter(
            "avvik_registrations", "Submitted registration forms, by what became of them.",
            ["category", "destination", "outcome"])
        self.requests = Histogram(
            "avvik_request_seconds", "Time from a Slack request's arrival to its acknowledgement, by listener kind.",
            ["kind"], buckets=LATENCY_BUCKETS)
        self.messages = Counter(
            "avvik_messages", "Ledger messages the bot tried to send to Slack, by kind and result (sent/failed).",
            ["kind", "result"])
        self.scheduler_runs = Counter(
            "avvik_scheduler_runs", "Scheduled job runs, by job and result (ok/error).", ["job", "result"])
        self.scheduler_seconds = Histogram(
            "avvik_scheduler_run_seconds", "How long a scheduled job run took.", ["job"],
            buckets=(0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0))
        self.scheduler_last = Gauge(
            "avvik_scheduler_last_run_timestamp_seconds", "When a scheduled job last finished (Unix time).",
            ["job"], multiprocess_mode="max")
        self.ready = Gauge(
            "avvik_ready", "1 when the last readiness check passed (database answers, migrations current), else 0.",
            multiprocess_mode="livemin")
        self.database_errors = Counter(
            "avvik_database_errors", "Database operations that failed (connection lost, timeout, …), by kind.",
            ["kind"])


_created: list[_Metrics] = []
_creating = threading.Lock()


def metrics() -> _Metrics:
    """The metrics, created once per process on first use (several threads may ask at once)."""
    if not _created:
        with _creating:
            if not _created:
                _created.append(_Metrics())
    return _created[0]


# --- what the code reports -----------------------------------------------------------------------

def registration(category: str, destination: str, outcome: str) -> None:
    metrics().registrations.labels(category, destination, outcome).inc()


def message(kind: str, sent: bool) -> None:
    metrics().messages.labels(kind, "sent" if sent else "failed").inc()


def readiness(ready: bool) -> None:
    metrics().ready.set(1 if ready else 0)


def database_error(kind: str) -> None:
    metrics().database_errors.labels(kind).inc()


def request_kind(body: dict[str, Any]) -> str:
    """A Slack request's listener kind, from its shape (never from what people typed)."""
    if "command" in body:
        return "command"
    if body.get("type") == "event_callback":
        return "event"
    kind = body.get("type")
    return kind if kind in ("view_submission", "view_closed", "block_actions", "shortcut", "message_action",
                            "block_suggestion") else "other"


def time_request(body: dict[str, Any], next: Callable[[], Any]) -> Any:
    """Bolt global middleware: how long the listener took to acknowledge, by listener kind."""
    started = time.perf_counter()
    try:
        return next()
    finally:
        metrics().requests.labels(request_kind(body)).observe(time.perf_counter() - started)


def timed_job(job: str, func: Callable[..., T]) -> Callable[..., T]:
    """A scheduler job that counts its runs, their results and how long they took."""

    def run(*args: Any, **kwargs: Any) -> T:
        started, result = time.perf_counter(), "error"
        try:
            value = func(*args, **kwargs)
            result = "ok"
            return value
        finally:
            m = metrics()
            m.scheduler_runs.labels(job, result).inc()
            m.scheduler_seconds.labels(job).observe(time.perf_counter() - started)
            m.scheduler_last.labels(job).set(time.time())

    run.__name__ = getattr(func, "__name__", job)
    return run


def count_database_errors(engine: Any) -> None:
    """Count every failed database operation on `engine` (SQLAlchemy's `handle_error` event); once
    per engine, however many times the services are built on it."""
    from sqlalchemy import event

    if not event.contains(engine, "handle_error", _database_failed):
        event.listen(engine, "handle_error", _database_failed)


def _database_failed(context: Any) -> None:
    database_error("disconnect" if context.is_disconnect else type(context.original_exception).__name__)


# --- the scrape --------------------------------------------------------------------------------

LedgerCounts = Callable[[], Iterator[tuple[str, str, int, float]]]
# Per office, seconds left until its earliest undecided breach's 72-hour deadline (negative once passed).
BreachDeadlines = Callable[[], Iterator[tuple[str, float]]]


def render(ledger_counts: LedgerCounts | None = None,
           breach_deadlines: BreachDeadlines | None = None) -> tuple[str, bytes]:
    """The exposition for `/metrics`: every process's values (multiprocess mode) or this one's,
    and the ledger as the database has it now (`kind, state, count, oldest age in seconds`)."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    metrics()  # every metric is exported from the first scrape, at zero
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    if ledger_counts is not None:
        body += generate_latest(_LedgerRegistry(ledger_counts))
    if breach_deadlines is not None:
        body += generate_latest(_BreachRegistry(breach_deadlines))
    return CONTENT_TYPE_LATEST, body


class _BreachRegistry:
    """The 72-hour track (GDPR art. 33) as a gauge, so an alert can fire before the deadline passes."""

    def __init__(self, deadlines: BreachDeadlines) -> None:
        self.deadlines = deadlines

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        left = GaugeMetricFamily("avvik_breach_deadline_seconds",
                                 "Seconds until the earliest undecided possible breach's 72-hour deadline, by office "
                                 "(negative once passed).", labels=["office"])
        for office, seconds in self.deadlines():
            left.add_metric([office], seconds)
        yield left


class _LedgerRegistry:
    """The ledger's rows by kind and state, read from the database at scrape time."""

    def __init__(self, counts: LedgerCounts) -> None:
        self.counts = counts

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        rows = GaugeMetricFamily("avvik_ledger_messages", "Ledger messages in the database, by kind and state.",
                                 labels=["kind", "state"])
        oldest = GaugeMetricFamily("avvik_ledger_oldest_pending_seconds",
                                   "Age of the oldest message still waiting to be sent, by kind.", labels=["kind"])
        for kind, state, count, age in self.counts():
            rows.add_metric([kind, state], count)
            if state == "pending":
                oldest.add_metric([kind], age)
        yield rows
        yield oldest
