"""The message ledger: write before sending, claim with a lease, mark sent.

Several replicas share the ledger through the database alone: a unique key keeps a
message from being entered twice, and `FOR UPDATE SKIP LOCKED` (PostgreSQL) or SQLite's
single writer keeps two processes from claiming the same row.

A row is entered already claimed (`sending`, attempt 1) by the process whose transaction
enters it: that process sends it right after the commit, with no claim transaction of its
own (`take_entered` hands the messenger the rows this process entered). Should the process
die first, its lease runs out (the messenger's heartbeat keeps a live sender's lease fresh)
and any replica claims the row again; a retried row is looked up in Slack before it is
posted again (see `bot.messenger`), so the message still goes out once.

The ledger's vocabulary lives here too: `MessageKind` (the `what` column) and `Target` (the
`target` column, and an event in `period`), rendered to and parsed from their strings in this
module only. Here, at the bottom, because the store asks about kinds itself (`unsent_ids`, the
digest's `told_at_once`) and may import neither bot nor handlers; `bot/` enters keys with
these types, and `bot.messenger` hands `MessageKind` on to the handlers that register senders,
so imports still go handlers → bot → store. The columns stay strings: a member's value is the
string rows were written with before, so rows already in a ledger keep their meaning.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from sqlalchemy import URL, Insert, Row, bindparam, func, literal_column, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.event import listens_for
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import update

from store.models import LedgerEntry

PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED = "failed"  # Slack refused it for a reason no retry cures; sent again by `avvik-bot deliver --failed`


class MessageKind(StrEnum):
    """Every message the bot sends on its own; each has exactly one sender (checked at start-up)."""

    # registration and the deviation's card
    RECEIPT = "receipt"  # the reporter's receipt by DM
    LEADER_CARD = "leader_card"  # the card in the leader channel, posted once and updated in place
    LEADER_ALERT = "leader_alert"  # HMS: the leader channel hears at once
    CARD_THREAD = "card_thread"  # one event, as a line in the card's thread
    # the leaders' side
    ACTION_ASSIGNED = "action_assigned"  # an action to its owner
    ACTION_DROPPED = "action_dropped"  # the owner hears that a leader dropped their action
    ACTION_REASSIGNED = "action_reassigned"  # the former owner hears the action has a new one
    READY_TO_CLOSE = "ready_to_close"  # the responsible leader may close now
    OFFICE_FEEDBACK = "office_feedback"  # a `hoy` closure's feedback to the office channel at once
    REPORTER_CLOSED = "reporter_closed"  # the (non-anonymous) reporter hears the closure's feedback
    REPORTER_REOPENED = "reporter_reopened"  # … and that their case was reopened
    # the scheduler
    NUDGES = "nudges"  # one direct message gathering a person's reminders of one run
    ESCALATION = "escalation"
    LEADER_SUMMARY = "leader_summary"
    DIGEST = "digest"
    # quality rounds
    QUALITY_OPENED = "quality_opened"
    QUALITY_INVITE = "quality_invite"
    QUALITY_PROGRESS = "quality_progress"
    QUALITY_ASSESSMENT = "quality_assessment"
    QUALITY_ASSESSMENT_SHORT = "quality_assessment_short"
    MEASURE_ASSIGNED = "measure_assigned"
    MEASURE_OVERDUE = "measure_overdue"
    MEASURE_OVERDUE_LEADERS = "measure_overdue_leaders"  # the leader channel hears once of an overdue measure
    MEASURE_COUNTY = "measure_county"  # issue 24: a county's leaders hear of a new measure «i fylkets regi»
    # the anonymous reporter's dialogue (issue 20)
    DIALOGUE_THREAD = "dialogue_thread"  # a question to the reporter, or their answer, in the card's thread
    DIALOGUE_ANSWER = "dialogue_answer"  # the responsible leader hears that the reporter answered
    # personal-data breaches (issue 21): the 72-hour track
    BREACH_ALERT = "breach_alert"  # the leader channel and the privacy contact hear at once
    BREACH_REMINDER = "breach_reminder"  # an hourly reminder by DM
    BREACH_ESCALATION = "breach_escalation"  # the leader channel at 48 and 24 hours left
    BREACH_COUNTDOWN = "breach_countdown"  # the card's countdown refreshed in place
    # running the bot
    DELIVERY_PROBLEM = "delivery_problem"  # a leader hears that the leader channel refuses the bot's messages
    # learning (seed 000's training case and discussion questions; seed 002's «gode grep»)
    EXERCISE_POLL = "exercise_poll"  # a training case as a poll in the channel it was asked for
    EXERCISE_REVEAL = "exercise_reveal"  # the poll replaced by the seed's answer and the tally
    DISCUSSION_QUESTION = "discussion_question"  # the month's question to the office channel
    QUALITY_GOOD_PRACTICE = "quality_good_practice"  # «fungerer bra» answers the leaders share with the office
    # «Har tiltaket virket?» (issue 22): asked once per case closed with actions, then reminded
    EFFECT_CHECK = "effect_check"  # the question to the responsible leader (or the leader channel)
    EFFECT_REMINDER = "effect_reminder"  # an unanswered question again, one per reminder round (its workday)


class TargetKind(StrEnum):
    """What kind of row a message is about."""

    DEVIATION = "deviation"
    ACTION = "action"  # a deviation's action or a quality round's measure
    ROUND = "round"
    NUDGE = "nudge"  # the first of the reminders one message gathers
    DIGEST = "digest"
    EXERCISE = "exercise"
    EVENT = "event"  # in `period`: the audit event a card update, thread line or closure message answers


class UnknownTarget(LookupError):
    """A ledger string names no row this version knows how to find."""


@dataclass(frozen=True)
class Target:
    """One row a message is about: `deviation:42` in the ledger."""

    kind: TargetKind
    id: int

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"

    @classmethod
    def deviation(cls, deviation_id: int) -> Target:
        return cls(TargetKind.DEVIATION, deviation_id)

    @classmethod
    def action(cls, action_id: int) -> Target:
        return cls(TargetKind.ACTION, action_id)

    @classmethod
    def quality_round(cls, round_id: int) -> Target:
        return cls(TargetKind.ROUND, round_id)

    @classmethod
    def nudge(cls, nudge_id: int) -> Target:
        return cls(TargetKind.NUDGE, nudge_id)

    @classmethod
    def digest(cls, digest_id: int) -> Target:
        return cls(TargetKind.DIGEST, digest_id)

    @classmethod
    def exercise(cls, exercise_id: int) -> Target:
        return cls(TargetKind.EXERCISE, exercise_id)

    @classmethod
    def event(cls, event_id: int) -> Target:
        return cls(TargetKind.EVENT, event_id)


@dataclass(frozen=True)
class WholeOffice:
    """No one row: a message about the office as a whole (the leaders' weekly summary)."""

    office_id: str

    def __str__(self) -> str:
        return f"office:{self.office_id}"


def parse_target(text: str) -> Target | WholeOffice:
    """The one reader of a `target` (or an event `period`) string; UnknownTarget when it names nothing."""
    name, _, ident = text.partition(":")
    if name == "office" and ident:
        return WholeOffice(ident)
    try:
        kind = TargetKind(name)
    except ValueError:
        raise UnknownTarget(text) from None
    if not (ident.isascii() and ident.isdigit()):
        raise UnknownTarget(text)
    return Target(kind, int(ident))


def id_of(target: Target | WholeOffice, kind: TargetKind) -> int:
    """The id of the row `target` names, which must be a `kind`: LookupError otherwise."""
    if not isinstance(target, Target) or target.kind is not kind:
        raise UnknownTarget(f"{target} is not a {kind.value}")
    return target.id


@dataclass(frozen=True)
class LedgerKey:
    """What is sent, about what, to whom, in which period: unique in the ledger."""

    what: MessageKind
    target: Target | WholeOffice
    recipient: str
    period: str | Target = ""  # a day or week, or the event (a Target) a message answers

    def columns(self) -> dict[str, str]:
        """The key as the ledger stores it: strings, as rows were always written."""
        return {"what": self.what.value, "target": str(self.target), "recipient": self.recipient,
                "period": str(self.period)}


# Rows this process entered, claimed, in transactions that have committed, by database: the
# messenger of this process takes them (`take_entered`) and sends them without claiming them again.
_ENTERED = "avvik_ledger_entered"
_entered: dict[str, dict[int, str]] = {}  # database → {row id: its kind}
_entered_lock = threading.Lock()


def _database(session: Session) -> str:
    return _rendered(session.get_bind().url)


@lru_cache(maxsize=16)
def _rendered(url: URL) -> str:
    return url.render_as_string(hide_password=True)


@lru_cache(maxsize=4)
def _enter_statement(dialect: str) -> Insert:
    """The INSERT `enter` runs, built once per dialect (a new statement each time cost more CPU
    than running it): Core, on the table, so the ORM's bulk-insert machinery is not involved."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = bindparam("now")
    return (
        insert(LedgerEntry.__table__)
        .values(office_id=bindparam("office_id"), what=bindparam("what"), target=bindparam("target"),
                recipient=bindparam("recipient"), period=bindparam("period"), status=SENDING, attempts=1,
                not_before=now, claimed_at=now, created_at=now)
        .on_conflict_do_nothing(index_elements=["what", "target", "recipient", "period"])
        .returning(LedgerEntry.__table__.c.id)
    )


def enter(session: Session, office_id: str, key: LedgerKey, now: datetime) -> int | None:
    """Enter a message to send, claimed by this process (sent by it once the transaction commits);
    None when the same key is already in the ledger."""
    connection = session.connection()
    statement = _enter_statement(connection.dialect.name)
    entry_id = connection.execute(statement, {"office_id": office_id, **key.columns(), "now": now}).scalar_one_or_none()
    if entry_id is not None:
        session.info.setdefault(_ENTERED, (_database(session), {}))[1][entry_id] = key.what.value
    return entry_id


@listens_for(Session, "after_commit")
def _entered_committed(session: Session) -> None:
    entered = session.info.pop(_ENTERED, None)
    if entered:
        with _entered_lock:
            _entered.setdefault(entered[0], {}).update(entered[1])


@listens_for(Session, "after_rollback")
def _entered_rolled_back(session: Session) -> None:
    session.info.pop(_ENTERED, None)  # never stored: nothing to send


def take_entered(database: str, ids: Iterable[int] | None = None) -> dict[int, str]:
    """The rows (of `ids`, or all) this process entered in `database` and has not handed out yet,
    with their kinds; each is handed out once."""
    with _entered_lock:
        mine = _entered.get(database)
        if not mine:
            return {}
        taken = list(mine) if ids is None else [i for i in ids if i in mine]
        return {entry_id: mine.pop(entry_id) for entry_id in taken}


def entered(database: str) -> list[int]:
    """The rows this process entered and has not handed out yet (their lease is kept fresh too)."""
    with _entered_lock:
        return sorted(_entered.get(database, ()))


def claim(session: Session, now: datetime, lease: timedelta, ids: Sequence[int] | None = None,
          limit: int = 50) -> list[LedgerEntry]:
    """Claim due rows for sending: pending ones, and ones whose sender died mid-send (lease expired)."""
    query = (
        select(LedgerEntry)
        .where(
            or_(
                (LedgerEntry.status == PENDING) & (LedgerEntry.not_before <= now),
                (LedgerEntry.status == SENDING) & (LedgerEntry.claimed_at < now - lease),
            )
        )
        .order_by(LedgerEntry.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if ids is not None:
        query = query.where(LedgerEntry.id.in_(ids))
    entries = list(session.scalars(query))
    for entry in entries:
        if entry.status == SENDING:
            entry.last_error = "claim_expired"  # its sender died, perhaps after Slack had the message
        entry.status = SENDING
        entry.claimed_at = now
        entry.attempts += 1
    return entries


_ROW = select(*(LedgerEntry.__table__.c[name] for name in (
    "id", "office_id", "what", "target", "recipient", "period", "status", "attempts", "created_at",
))).where(LedgerEntry.__table__.c.id == bindparam("entry_id"))


def row(session: Session, entry_id: int) -> Row | None:
    """A row's key, state and attempt, as the messenger checks it before sending (Core: no ORM
    object to build, on every message)."""
    return session.connection().execute(_ROW, {"entry_id": entry_id}).one_or_none()


def heartbeat(session: Session, ids: Sequence[int], now: datetime) -> None:
    """Keep a live sender's claims fresh, so only a dead process's rows are claimed again."""
    if ids:
        session.execute(update(LedgerEntry).where(LedgerEntry.id.in_(ids), LedgerEntry.status == SENDING)
                        .values(claimed_at=now).execution_options(synchronize_session=False))


def mark_sent(session: Session, ids: Sequence[int], now: datetime) -> None:
    """Mark rows sent: one statement, however many rows."""
    if ids:
        session.connection().execute(_MARK_SENT, {"ids": list(ids), "now": now})


_MARK_SENT = (update(LedgerEntry.__table__).where(LedgerEntry.__table__.c.id.in_(bindparam("ids", expanding=True)))
              .values(status=SENT, sent_at=bindparam("now"), last_error=None))


def mark_failed(session: Session, entry_id: int, error: str, retry_at: datetime) -> None:
    """Give the row back for a later run; the error is a Slack error code, never message text."""
    session.execute(update(LedgerEntry).where(LedgerEntry.id == entry_id, LedgerEntry.status != SENT)
                    .values(status=PENDING, not_before=retry_at, last_error=error[:200])
                    .execution_options(synchronize_session=False))


def mark_given_up(session: Session, entry_id: int, error: str) -> LedgerEntry | None:
    """Stop retrying a row Slack refuses for good (a wrong token, a channel the bot is not in); its
    `claimed_at` says when. Nothing is lost: `retry_failed` gives it back once the setting is fixed.
    The row, or None when it is gone or was sent meanwhile (another replica)."""
    entry = session.get(LedgerEntry, entry_id)
    if entry is None or entry.status == SENT:
        return None
    entry.status, entry.last_error = FAILED, error[:200]
    return entry


def failed(session: Session, office_id: str | None = None) -> list[LedgerEntry]:
    """The rows given up on, the latest first."""
    query = select(LedgerEntry).where(LedgerEntry.status == FAILED)
    if office_id is not None:
        query = query.where(LedgerEntry.office_id == office_id)
    return list(session.scalars(query.order_by(LedgerEntry.claimed_at.desc(), LedgerEntry.id.desc())))


def retry_failed(session: Session, now: datetime, office_id: str | None = None) -> list[int]:
    """Give every failed row back to be sent now (after the operator fixed what Slack refused)."""
    rows = failed(session, office_id)
    for entry in rows:
        entry.status, entry.not_before = PENDING, now
    return sorted(entry.id for entry in rows)


def exists(session: Session, key: LedgerKey) -> bool:
    """Whether a message under this key was entered before (a dry run asks, without entering)."""
    columns = key.columns()
    query = select(LedgerEntry.id).where(*(getattr(LedgerEntry, name) == value for name, value in columns.items()))
    return session.scalar(query) is not None


def unsent_ids(session: Session, whats: Sequence[MessageKind], office_id: str | None = None) -> list[int]:
    """Rows of these kinds not yet sent (through the partial index on unsent rows).

    SQLite has no statistics to tell it that index is small, so the query leaves it nothing else: the
    kind is compared as `what || ''`, which no index covers (else it searches the unique key by
    `what = ?`, every row of those kinds ever sent), and the ids are sorted here, not by ORDER BY
    (else it walks the whole table in id order). Years of reminders and digests cost it nothing then
    (bench/many_offices.py). PostgreSQL takes the partial index either way.
    """
    kinds = (LedgerEntry.what + literal_column("''")).in_([str(what) for what in whats])
    query = select(LedgerEntry.id).where(LedgerEntry.status != literal_column(f"'{SENT}'"), kinds)
    if office_id is not None:
        query = query.where(LedgerEntry.office_id == office_id)
    return sorted(session.scalars(query))


def unsent_by_kind(session: Session) -> list[tuple[str, str, int, datetime]]:
    """Rows not yet sent, by kind and state: how many, and when the oldest was entered (for the
    metrics; through the partial index on unsent rows, so years of sent rows cost nothing)."""
    query = (select(LedgerEntry.what, LedgerEntry.status, func.count(), func.min(LedgerEntry.created_at))
             .where(LedgerEntry.status != literal_column(f"'{SENT}'"))
             .group_by(LedgerEntry.what, LedgerEntry.status))
    return [(what, status, count, oldest) for what, status, count, oldest in session.execute(query)]
