"""Delivering the ledger: every message the bot sends on its own goes through here.

Each kind of message (`MessageKind`) has one sender, registered by the handlers, which own
the Block Kit, with a loader from `bot/` that reads what the sender renders. A kind without
a sender is a start-up error (`check_senders`): the bot must not run and leave messages
unsent. The messenger claims due ledger rows; for each it loads the rows the message is
about as they are now (no lock held), calls the sender, and then, in one short transaction,
stores what the sender recorded (a card's ts, say) with the row's «sent» mark. A failure
leaves the row pending with a back-off, so the next run retries it; one Slack refuses for good
(`bot.operations.rules.PERMANENT_ERRORS`: a rejected token, a channel the bot is not in) marks
it failed instead, for /healthz, `avvik-bot check` and the leaders, until `deliver --failed`.

`MessageKind` and `Target` are the ledger's, defined in `store.ledger` (the store needs them
too); they are named here for the handlers, which import from `bot/`, never from `store/`.
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.office import Office, OfficeDirectory
from bot.operations.rules import fix_for, is_permanent
from store import ledger
from store.db import Database, Unavailable
from store.ledger import MessageKind, Target, WholeOffice
from store.models import LedgerEntry

__all__ = ["Delivery", "DeliveryReport", "Entry", "MessageKind", "Messenger", "MissingSenders", "NotYet",
           "Target", "WholeOffice", "Write"]

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a row claimed longer ago than this is taken to be from a dead sender

T = TypeVar("T")
Write = Callable[[Session], None]


@dataclass(frozen=True)
class Entry:
    """One claimed ledger row, typed: its kind and target parsed once, here."""

    id: int
    kind: MessageKind
    target: Target | WholeOffice
    recipient: str
    period: str  # a day, a week, an escalation's stall, or an event (`ledger.parse_target` reads that)
    created_at: datetime
    office: Office

    @classmethod
    def of(cls, row: LedgerEntry, office: Office) -> Entry:
        """Raises ValueError for a kind this version does not know, LookupError for a target it cannot read."""
        return cls(row.id, MessageKind(row.what), ledger.parse_target(row.target), row.recipient, row.period,
                   row.created_at, office)


@dataclass
class Delivery:
    """What a sender has to send one entry: no database. What it must store after sending (a
    message's ts, say) it hands to `record()` as a write from `bot/`; those writes are committed
    with the row's «sent» mark, in one short transaction after the Slack call."""

    entry: Entry
    client: WebClient
    writes: list[Write] = field(default_factory=list)

    @property
    def office(self) -> Office:
        return self.entry.office

    def record(self, write: Write) -> None:
        self.writes.append(write)


# A loader (in `bot/`) reads what a sender renders, in the delivery's read-only session, and
# raises LookupError when the target is gone; the sender renders it and calls Slack.
Load = Callable[[Session, Entry], T]
Send = Callable[[Delivery, T], None]


@dataclass(frozen=True)
class Route(Generic[T]):
    load: Load[T]
    send: Send[T]


class NotYet(Exception):
    """A sender can't send this yet (what it depends on is still on its way): retry on a later run."""


class MissingSenders(RuntimeError):
    """Some kinds of message have no sender: the bot refuses to start rather than never send them."""

    def __init__(self, kinds: Sequence[MessageKind]) -> None:
        self.kinds = list(kinds)
        super().__init__("no sender for " + ", ".join(kind.value for kind in self.kinds))


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


class Messenger:
    def __init__(self, db: Database, client: WebClient, clock: Clock, offices: OfficeDirectory) -> None:
        self.db, self.client, self.clock, self.offices = db, client, clock, offices
        self.routes: dict[MessageKind, Route[Any]] = {}
        # Sending after a request is acked happens here, not on Bolt's listener threads, so a slow
        # or rate-limiting Web API never delays the next person's acknowledgement.
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ledger")
        self._pending: set[Future[DeliveryReport]] = set()
        # Told when Slack refuses a message for good (office, error, recipient): the leaders hear of it.
        self.refused: list[Callable[[Office, str, str], None]] = []

    def deliver_soon(self, ids: Sequence[int]) -> Future[DeliveryReport] | None:
        """Send these ledger rows in the background; whatever fails is retried by the scheduler."""
        if not ids:
            return None
        future = self._pool.submit(self.deliver, list(ids))
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait for the background sends started so far (graceful shutdown; tests)."""
        wait(list(self._pending), timeout=timeout)

    def register(self, kind: MessageKind, send: Send[T], load: Load[T]) -> None:
        """`send` sends a `kind` of message from what `load` reads; one sender per kind."""
        if kind in self.routes:
            raise ValueError(f"a second sender for {kind.value}")
        self.routes[kind] = Route(load, send)

    def check_senders(self) -> None:
        """Raise MissingSenders unless every kind of message has a sender (called at start-up)."""
        missing = [kind for kind in MessageKind if kind not in self.routes]
        if missing:
            raise MissingSenders(missing)

    def deliver(self, ids: Sequence[int] | None = None, limit: int = 50) -> DeliveryReport:
        """Send what is due (only `ids`, when given). Safe to call from any number of processes."""
        self.check_senders()  # a messenger nobody equipped would claim rows only to give them back
        report = DeliveryReport()
        if ids is not None and not ids:
            return report
        try:
            with self.db.transaction() as session:
                claimed = [entry.id for entry in ledger.claim(session, self.clock.now(), LEASE, ids, limit)]
        except Unavailable:
            log.warning("ledger: database unavailable; delivery postponed")
            return report
        for entry_id in claimed:
            (report.sent if self._send_one(entry_id) else report.failed).append(entry_id)
        return report

    def _send_one(self, entry_id: int) -> bool:
        error: str | None = None
        retry_after = timedelta(0)
        try:
            with self.db.reading() as session:
                row = session.get(LedgerEntry, entry_id)
                route = self._route(row.what)
                if route is None:
                    error = "unknown_kind"  # entered by a newer version: left pending for it
                else:
                    delivery = Delivery(Entry.of(row, self.offices.by_id(row.office_id)), self.client)
                    route.send(delivery, route.load(session, delivery.entry))
            if error is None:
                with self.db.transaction() as session:
                    for write in delivery.writes:
                        write(session)
                    ledger.mark_sent(session, entry_id, self.clock.now())
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if is_permanent(error):
                self._give_up(entry_id, error)
                return False
            retry_after = _retry_after(exc)
        except (SlackClientError, urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            error = type(exc).__name__
        except Unavailable:
            error = "database_unavailable"
        except LookupError:
            error = "target_gone"
        except NotYet as exc:
            error = f"not_yet:{exc}"
        except Exception as exc:
            log.error("ledger: sender for #%s raised %s", entry_id, type(exc).__name__)
            error = type(exc).__name__
        if error is None:
            return True
        self._postpone(entry_id, error, retry_after)
        return False

    def _postpone(self, entry_id: int, error: str, retry_after: timedelta = timedelta(0)) -> None:
        now = self.clock.now()
        try:
            with self.db.transaction() as session:
                entry = session.get(LedgerEntry, entry_id)
                backoff = timedelta(minutes=min(2 ** max(entry.attempts - 1, 0), 60))
                ledger.mark_failed(session, entry_id, error, now + max(backoff, retry_after))
                what, attempts = entry.what, entry.attempts
        except Unavailable:
            return  # the lease runs out and the row is claimed again
        log.warning("ledger: %s #%s not sent (%s), attempt %s; will retry", what, entry_id, error, attempts)

    def _give_up(self, entry_id: int, error: str) -> None:
        """Slack refuses this for good until a setting is fixed: no retries (`deliver --failed` resends)."""
        try:
            with self.db.transaction() as session:
                ledger.mark_given_up(session, entry_id, error)
                entry = session.get(LedgerEntry, entry_id)
                what, office_id, recipient = entry.what, entry.office_id, entry.recipient
        except Unavailable:
            return  # the lease runs out and the row is claimed again
        log.warning("ledger: %s #%s for office %s failed (%s): %s, then run avvik-bot deliver --failed",
                    what, entry_id, office_id, error, fix_for(error))
        if what != MessageKind.DELIVERY_PROBLEM.value:  # a leader's DM about it failing is not told again
            for listener in self.refused:
                listener(self.offices.by_id(office_id), error, recipient)

    def _route(self, what: str) -> Route[Any] | None:
        try:
            return self.routes.get(MessageKind(what))
        except ValueError:
            return None


def _retry_after(exc: SlackApiError) -> timedelta:
    """Slack's Retry-After on a 429 (rate limited): the row is not tried again before it."""
    if exc.response.status_code != 429:
        return timedelta(0)
    headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
    value = headers.get("retry-after")
    value = value[0] if isinstance(value, list) and value else value
    try:
        return timedelta(seconds=max(int(str(value)), 0))
    except ValueError:
        return timedelta(0)
