"""Delivering the ledger: every message the bot sends on its own goes through here.

Each kind of message (`MessageKind`) has one sender, registered by the handlers, which own
the Block Kit, with a loader from `bot/` that reads what the sender renders. A kind without
a sender is a start-up error (`check_senders`): the bot must not run and leave messages
unsent. The messenger sends the rows this process entered (entered already claimed, see
`store.ledger`) and claims other due ones; for each it checks the row, loads the rows the message
is about as they are now (no lock held; a new case's first messages share one read, see
`SHARE_A_READ`) and calls the sender. What the senders recorded (a card's ts, say)
is stored with the rows' «sent» mark in one short transaction per batch (sooner only when a
later row reads it: the card's updates and thread). A failure leaves the row pending with a
back-off, so the next run retries it; one Slack refuses for good
(`bot.operations.rules.PERMANENT_ERRORS`: a rejected token, a channel the bot is not in) marks
it failed instead, in the same transaction, for /healthz, `avvik-bot check` and the leaders,
until `deliver --failed`.

Exactly once, though `chat.postMessage` has no idempotency key: every message is posted with
Slack message metadata naming its ledger row (`LEDGER_EVENT`), and a row tried before (its
sender timed out, lost the connection, or died with the row claimed) is first looked for in
its conversation's history since the row was entered; when Slack has it, its ts is adopted
instead of posting again. A live sender keeps its claims fresh (a heartbeat), so a dead
process's rows are claimed again after `LEASE`, seconds rather than minutes.

`MessageKind` and `Target` are the ledger's, defined in `store.ledger` (the store needs them
too); they are named here for the handlers, which import from `bot/`, never from `store/`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import urllib.error
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Generic, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.web import SlackResponse
from sqlalchemy import Row
from sqlalchemy.orm import Session

from bot import metrics
from bot.clock import Clock
from bot.office import Office, OfficeDirectory
from bot.operations.rules import fix_for, is_permanent
from bot.webapi import KeepAliveWebClient
from store import ledger
from store.db import Database, Unavailable
from store.ledger import MessageKind, Target, WholeOffice
from store.models import LedgerEntry

__all__ = ["Delivery", "DeliveryReport", "Entry", "MessageKind", "Messenger", "MissingSenders", "NotYet",
           "Target", "WholeOffice", "Write"]

log = logging.getLogger(__name__)

KINDS = frozenset(kind.value for kind in MessageKind)
LEASE = timedelta(seconds=20)  # a row claimed longer ago than this is taken to be from a dead sender
HEARTBEAT = 5.0  # seconds between refreshes of a live sender's claims (well inside the lease)
FLUSH_EVERY = 10  # rows sent before their «sent» marks are stored, at most
LEDGER_EVENT = "avvik_ledger"  # the event_type of the metadata on every message the ledger sends
LOOKBACK = timedelta(minutes=10)  # history looked through before a row's entry time (clock skew)
HISTORY_PAGES = 5  # pages of 200 messages looked through for a retried message
# Kinds whose loaders read what an earlier sender recorded (the card's ts): rows sent before them
# in a batch store their records first.
READS_RECORDS = frozenset({MessageKind.LEADER_CARD, MessageKind.CARD_THREAD})
# A new case's first messages, entered by its registration and sent in one batch: rows of these kinds
# about one case render one read of it, made after that registration was committed. Nobody acts on a
# case before its card is out, so the read is as fresh for the second row as for the first. Every
# other kind reads its target just before it is sent (a breach reminder must still be due then).
SHARE_A_READ = frozenset({MessageKind.RECEIPT, MessageKind.LEADER_CARD, MessageKind.LEADER_ALERT})

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
    def of(cls, row: LedgerEntry | Row, office: Office) -> Entry:
        """Raises ValueError for a kind this version does not know, LookupError for a target it cannot read."""
        return cls(row.id, MessageKind(row.what), ledger.parse_target(row.target), row.recipient, row.period,
                   row.created_at, office)


@dataclass
class Delivery:
    """What a sender has to send one entry: no database. What it must store after sending (a
    message's ts, say) it hands to `record()` as a write from `bot/`; those writes are committed
    with the row's «sent» mark, in one short transaction after the Slack call."""

    entry: Entry
    client: WebClient  # a LedgerClient: posts carry the row's metadata, a retried post is looked up first
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


class _LastRead:
    """What a SHARE_A_READ row's loader read last in a batch, with the read session it lives in (kept
    open), for the next such row about the same case. A flush (the senders' records, a card's ts) drops
    it, and so does the batch's end. Each row is still checked and claimed on its own."""

    def __init__(self) -> None:
        self.key: tuple[Load[Any], Target | WholeOffice] | None = None
        self.value: Any = None
        self._session = ExitStack()

    def get(self, route: Route[Any], entry: Entry) -> tuple[bool, Any]:
        found = entry.kind in SHARE_A_READ and self.key == (route.load, entry.target)
        return found, self.value if found else None

    def keep(self, route: Route[Any], entry: Entry, value: Any, session: ExitStack) -> None:
        """Keep `value` (and its open `session`) for a SHARE_A_READ row; else close it."""
        if entry.kind not in SHARE_A_READ:
            session.close()
            return
        self.drop()
        self.key, self.value, self._session = (route.load, entry.target), value, session

    def drop(self) -> None:
        self.key = self.value = None
        session, self._session = self._session, ExitStack()
        session.close()


class NotYet(Exception):
    """A sender can't send this yet (what it depends on is still on its way): retry on a later run."""


class MissingSenders(RuntimeError):
    """Some kinds of message have no sender: the bot refuses to start rather than never send them."""

    def __init__(self, kinds: Sequence[MessageKind]) -> None:
        self.kinds = list(kinds)
        super().__init__("no sender for " + ", ".join(kind.value for kind in self.kinds))


class LedgerClient:
    """The Web API client a sender gets: `chat_postMessage` carries the ledger row's metadata and,
    when an earlier attempt may have reached Slack, adopts the message found in the conversation
    instead of posting it again. Every other method is the plain client's."""

    def __init__(self, messenger: Messenger, entry: Entry, retried: bool) -> None:
        self._messenger, self._entry, self._retried = messenger, entry, retried

    def __getattr__(self, name: str) -> Any:
        return getattr(self._messenger.client, name)

    def metadata(self) -> dict[str, Any]:
        """What names the row (no person, no text): its office, kind, target and period."""
        entry = self._entry
        return {"event_type": LEDGER_EVENT,
                "event_payload": {"office": entry.office.id, "what": entry.kind.value, "target": str(entry.target),
                                  "period": entry.period, "ledger_id": entry.id}}

    def chat_postMessage(self, *, channel: str, **kwargs: Any) -> SlackResponse:
        """Post once. A 5xx or a dropped connection is tried again at once, but only after looking
        for the message (Slack may have posted it before failing); a timeout is left to the next
        run, which looks first too (a slow Slack may still be posting it)."""
        metadata = self.metadata()
        look = self._retried
        for again in (False, True):
            if look:
                found = self._messenger.find_posted(channel, kwargs.get("thread_ts"), metadata["event_payload"],
                                                    self._entry.created_at - LOOKBACK)
                if found is not None:
                    log.info("ledger: %s #%s was already in Slack; not posted again", self._entry.kind.value,
                             self._entry.id)
                    return found
            try:
                return self._messenger.post_client.chat_postMessage(channel=channel, metadata=metadata, **kwargs)
            except SlackApiError as exc:
                if again or exc.response.status_code < 500:
                    raise
            except (urllib.error.URLError, ConnectionError):
                if again:
                    raise
            look = True
        raise AssertionError("unreachable")


@dataclass(frozen=True)
class Refused:
    """Slack refused a row for good (`bot.operations.rules.is_permanent`): marked failed, not retried."""

    error: str


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
        self._pending_lock = threading.Lock()
        # Told when Slack refuses a message for good (office, error, recipient): the leaders hear of it.
        self.refused: list[Callable[[Office, str, str], None]] = []
        self._database = db.engine.url.render_as_string(hide_password=True)
        self._claims: dict[int, int] = {}  # rows this process is sending → the attempt it claimed
        self._claims_lock = threading.Lock()
        self._heartbeat: tuple[int, threading.Thread] | None = None
        self._closed = threading.Event()
        self._ims: dict[str, str] = {}  # a person's id → their direct-message channel with the bot

    @cached_property
    def post_client(self) -> WebClient:
        """The client that posts: never retried blind by the SDK (a reset or a 5xx may come after
        Slack posted); the ledger retries, looking the message up first. Rate limits (nothing
        posted) still are."""
        client = self.client
        rate_limits = [h for h in client.retry_handlers if isinstance(h, RateLimitErrorRetryHandler)]
        return KeepAliveWebClient(token=client.token, base_url=client.base_url, timeout=client.timeout,
                                  retry_handlers=rate_limits)

    def deliver_soon(self, ids: Sequence[int]) -> Future[DeliveryReport] | None:
        """Send these ledger rows in the background; whatever fails is retried by the scheduler."""
        if not ids:
            return None
        with self._pending_lock:  # handed out and pending at once, as `wait_idle` sees them
            future = self._pool.submit(self.deliver, list(ids))
            self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    def wait_idle(self, timeout: float = 10.0, *, entered: bool = False) -> None:
        """Wait for the background sends started so far (graceful shutdown; tests). With `entered`,
        also for the rows this process entered to be handed to a send first (a listener acks,
        then starts sending what its transaction entered)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._pending_lock:
                pending, waiting = list(self._pending), entered and ledger.entered(self._database)
            if pending:
                wait(pending, timeout=max(deadline - time.monotonic(), 0))
            elif not waiting or time.monotonic() >= deadline:
                return
            else:
                time.sleep(0.005)
            if time.monotonic() >= deadline:
                return

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

    def deliver_unsent(self, kinds: Sequence[MessageKind], office_id: str) -> DeliveryReport:
        """Send an office's messages of these kinds still unsent: a scheduled run's own, and any an
        earlier run could not send (Slack down, rate limited, a process killed mid-send)."""
        with self.db.transaction() as session:
            ids = ledger.unsent_ids(session, kinds, office_id)
        return self.deliver(ids, limit=max(len(ids), 1))

    def deliver(self, ids: Sequence[int] | None = None, limit: int = 50) -> DeliveryReport:
        """Send what is due (only `ids`, when given). Safe to call from any number of processes.

        Rows this process entered are its own already (no claim transaction); others are claimed."""
        self.check_senders()  # a messenger nobody equipped would claim rows only to give them back
        report = DeliveryReport()
        if ids is not None and not ids:
            return report
        self._start_heartbeat()
        batch = {entry_id: (1, what) for entry_id, what in ledger.take_entered(self._database, ids).items()}
        with self._claims_lock:
            self._claims.update({entry_id: attempt for entry_id, (attempt, _) in batch.items()})
        others = None if ids is None else [i for i in ids if i not in batch]
        if others is None or others:
            try:
                with self.db.transaction() as session:
                    claimed = {entry.id: (entry.attempts, entry.what)
                               for entry in ledger.claim(session, self.clock.now(), LEASE, others, limit)}
            except Unavailable:
                log.warning("ledger: database unavailable; delivery postponed")
                claimed = {}
            with self._claims_lock:
                self._claims.update({entry_id: attempt for entry_id, (attempt, _) in claimed.items()})
            batch.update(claimed)
        try:
            self._send([(entry_id, *batch[entry_id]) for entry_id in sorted(batch)], report)
        finally:
            with self._claims_lock:
                for entry_id in batch:
                    self._claims.pop(entry_id, None)
        return report

    def _send(self, batch: list[tuple[int, int, str]], report: DeliveryReport) -> None:
        sent: list[tuple[int, str, list[Write]]] = []
        failed: list[tuple[int, str, int, str, timedelta]] = []
        refused: list[tuple[int, str, int, str]] = []
        last = _LastRead()
        try:
            for entry_id, attempt, what in batch:
                if sent and (len(sent) >= FLUSH_EVERY or (what in READS_RECORDS and any(w for *_, w in sent))):
                    last.drop()  # what the flush stores may change what it read
                    self._flush(sent, [], report)  # stored before a row that may read it
                    sent = []
                outcome = self._send_one(entry_id, attempt, last)
                if outcome is None:
                    continue  # not this process's to send any more
                if isinstance(outcome, Delivery):
                    sent.append((entry_id, what, outcome.writes))
                elif isinstance(outcome, Refused):
                    refused.append((entry_id, what, attempt, outcome.error))
                else:
                    failed.append((entry_id, what, attempt, *outcome))
        finally:
            last.drop()
        self._flush(sent, failed, report, refused)

    def _send_one(self, entry_id: int, attempt: int,
                  last: _LastRead) -> Delivery | Refused | tuple[str, timedelta] | None:
        """Send one row: its Delivery when sent, Refused when Slack refuses it for good, (error,
        retry after) when not sent for now, None when it is no longer this process's claim
        (another replica claimed it after our lease ran out). The row is checked in a read of its
        own, just before it is sent; what it renders may be the batch's last read of its target."""
        retry_after = timedelta(0)
        try:
            with ExitStack() as reading:
                session = reading.enter_context(self.db.reading(deadline=None))  # held while Slack answers
                row = ledger.row(session, entry_id)
                if row is None or row.status != ledger.SENDING or row.attempts != attempt:
                    return None
                route = self._route(row.what)
                if route is None:
                    return "unknown_kind", retry_after  # entered by a newer version: left pending for it
                entry = Entry.of(row, self.offices.by_id(row.office_id))
                delivery = Delivery(entry, self.client)
                delivery.client = LedgerClient(self, entry, retried=attempt > 1)  # type: ignore[assignment]
                found, value = last.get(route, entry)
                if found:
                    session.close()  # checked: its connection goes back; what it renders lives in the last read's
                else:
                    last.drop()
                    value = route.load(session, entry)
                route.send(delivery, value)
                if not found:
                    last.keep(route, entry, value, reading.pop_all())  # its session stays open with it
            return delivery
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if is_permanent(error):
                return Refused(error)  # marked failed, not retried, with the batch's marks
            retry_after = _retry_after(exc)
        except (SlackClientError, urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            error = type(exc).__name__  # perhaps posted: the retry looks in Slack first
        except Unavailable:
            last.drop()  # its session may be cut too
            error = "database_unavailable"
        except LookupError:
            error = "target_gone"
        except NotYet as exc:
            error = f"not_yet:{exc}"
        except Exception as exc:
            last.drop()
            log.error("ledger: sender for #%s raised %s", entry_id, type(exc).__name__)
            error = type(exc).__name__
        return error, retry_after

    def _flush(self, sent: list[tuple[int, str, list[Write]]], failed: list[tuple[int, str, int, str, timedelta]],
               report: DeliveryReport, refused: Sequence[tuple[int, str, int, str]] = ()) -> None:
        """Store what was sent (the senders' records and one «sent» mark for all), give failed
        rows back with a back-off and mark the ones Slack refused for good failed (not retried
        until `deliver --failed`), in one transaction. Should it fail, the rows stay claimed until
        the lease runs out; the retry finds the sent ones in Slack and does not post them again."""
        if not sent and not failed and not refused:
            return
        now = self.clock.now()
        given_up: list[tuple[int, str, int, str, str, str]] = []  # ... with the office and recipient
        try:
            with self.db.transaction() as session:
                for *_, writes in sent:
                    for write in writes:
                        write(session)
                ledger.mark_sent(session, [entry_id for entry_id, *_ in sent], now)
                for entry_id, _, attempt, error, retry_after in failed:
                    backoff = timedelta(minutes=min(2 ** max(attempt - 1, 0), 60))
                    ledger.mark_failed(session, entry_id, error, now + max(backoff, retry_after))
                for entry_id, what, attempt, error in refused:
                    row = ledger.mark_given_up(session, entry_id, error)
                    if row is not None:
                        given_up.append((entry_id, what, attempt, error, row.office_id, row.recipient))
        except Unavailable:
            log.warning("ledger: database unavailable; %s sent row(s) are marked when their lease runs out",
                        len(sent))
            report.failed += [entry_id for entry_id, *_ in (*sent, *failed, *refused)]
            return
        report.sent += [entry_id for entry_id, *_ in sent]
        report.failed += [entry_id for entry_id, *_ in (*failed, *refused)]
        for _, what, _ in sent:
            metrics.message(what, sent=True)
        for entry_id, what, attempt, error, _ in failed:
            metrics.message(what if what in KINDS else "other", sent=False)
            log.warning("ledger: %s #%s not sent (%s), attempt %s; will retry", what, entry_id, error, attempt)
        for entry_id, what, _, error, office_id, recipient in given_up:
            metrics.message(what if what in KINDS else "other", sent=False)
            self._tell_refused(entry_id, what, error, office_id, recipient)

    # --- finding a message an earlier attempt posted ---------------------------------------

    def find_posted(self, channel: str, thread_ts: str | None, payload: dict[str, Any],
                    since: datetime) -> SlackResponse | None:
        """The message carrying this ledger payload in `channel` (or the thread `thread_ts`) since
        `since`, as chat.postMessage would have answered; None when Slack does not have it."""
        conversation = self._conversation(channel)
        args: dict[str, Any] = {"channel": conversation, "oldest": f"{since.timestamp():.6f}",
                                "include_all_metadata": True, "limit": 200}
        cursor = None
        for _ in range(HISTORY_PAGES):
            if thread_ts:
                page = self.client.conversations_replies(ts=thread_ts, cursor=cursor, **args)
            else:
                page = self.client.conversations_history(cursor=cursor, **args)
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                if metadata.get("event_type") == LEDGER_EVENT and _same_row(metadata.get("event_payload"), payload):
                    data = {"ok": True, "channel": conversation, "ts": message["ts"], "message": message}
                    return SlackResponse(client=self.client, http_verb="POST", api_url="chat.postMessage",
                                         req_args={}, data=data, headers={}, status_code=200)
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def _conversation(self, channel: str) -> str:
        """A channel id as it is; a person's id → the bot's direct-message channel with them."""
        if not channel.startswith(("U", "W")):
            return channel
        if channel not in self._ims:
            self._ims[channel] = self.client.conversations_open(users=channel)["channel"]["id"]
        return self._ims[channel]

    # --- keeping claims fresh ---------------------------------------------------------------

    def close(self) -> None:
        """Stop keeping claims fresh, and let go of rows this process entered but has not sent: their
        lease runs out and another process (or the next run) claims them, looking in Slack first."""
        self._closed.set()
        ledger.take_entered(self._database)

    def _start_heartbeat(self) -> None:
        """One heartbeat thread per process (started on first use, so after a fork)."""
        if self._closed.is_set():
            return
        pid = os.getpid()
        if self._heartbeat and self._heartbeat[0] == pid and self._heartbeat[1].is_alive():
            return
        with self._claims_lock:
            if self._heartbeat and self._heartbeat[0] == pid and self._heartbeat[1].is_alive():
                return
            thread = threading.Thread(target=self._beat, name="ledger-heartbeat", daemon=True)
            self._heartbeat = (pid, thread)
            thread.start()

    def _beat(self) -> None:
        while not self._closed.wait(HEARTBEAT):
            with self._claims_lock:
                ids = sorted(set(self._claims) | set(ledger.entered(self._database)))
            if not ids:
                continue
            try:
                with self.db.transaction() as session:
                    ledger.heartbeat(session, ids, self.clock.now())
            except Exception as exc:  # the next beat tries again; a dead database ends the lease anyway
                log.warning("ledger: heartbeat failed (%s)", type(exc).__name__)

    def _tell_refused(self, entry_id: int, what: str, error: str, office_id: str, recipient: str) -> None:
        """Slack refuses this for good until a setting is fixed (the row is marked failed, not
        retried; `deliver --failed` resends): the log says what to fix, the `refused` hooks hear."""
        log.warning("ledger: %s #%s for office %s failed (%s): %s, then run avvik-bot deliver --failed",
                    what, entry_id, office_id, error, fix_for(error))
        if what != MessageKind.DELIVERY_PROBLEM.value:  # a leader's DM about it failing is not told again
            for listener in self.refused:
                try:
                    listener(self.offices.by_id(office_id), error, recipient)
                except Exception as exc:  # telling the leaders must not stop the batch's delivery
                    log.error("ledger: telling of refused #%s failed (%s)", entry_id, type(exc).__name__)

    def _route(self, what: str) -> Route[Any] | None:
        try:
            return self.routes.get(MessageKind(what))
        except ValueError:
            return None


def _same_row(found: object, payload: dict[str, Any]) -> bool:
    if not isinstance(found, dict):
        return False
    return all(str(found.get(name)) == str(payload[name]) for name in ("office", "what", "target", "period"))


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
