"""The dialogue's use cases: a code issued with an anonymous case, a case followed by its code, a
leader's question, the reporter's answer or added information, and the reference the reporter got
in another system. Each is one transaction; its messages go through the ledger.

What is stored about the reporter: nothing. The code is kept as a scrypt hash with a short keyed
lookup prefix (bot/dialogue/codes.py); the reporter's messages have no author id and their audit
events no actor; wrong attempts are counted in memory only (bot/dialogue/throttle.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.deviations.rules import OPEN_STATES, State, by_risk
from bot.deviations.workflow import enter, locked_deviation
from bot.dialogue import codes
from bot.dialogue.rules import Author, Waiting, normalise, waiting_for
from bot.dialogue.throttle import CodeThrottle
from bot.errors import DeviationNotFound, DomainError, InvalidTransition, StorageUnavailable
from bot.forms import TEXT_MAX, FieldErrors, clean_text
from bot.office import Office
from bot.privacy import contains_national_id
from store import deviations as deviation_store
from store import dialogue as store
from store.db import Database, Unavailable
from store.ledger import LedgerKey, MessageKind, Target
from store.models import Deviation, DialogueMessage

ASKED = "sporsmal_til_melder"  # audit kinds: the leader who asked is the actor
ANSWERED = "svar_fra_melder"  # the reporter is no actor: None, always


class WrongCode(DomainError):
    """One neutral answer for every code that opens nothing: it never says whether a case exists."""

    key = "dialogue.error.wrong_code"


class TooManyAttempts(DomainError):
    key = "dialogue.error.too_many"


class NotAnonymous(DomainError):
    """«Spør melderen» is for anonymous cases: a named reporter is asked in Slack directly."""

    key = "dialogue.error.not_anonymous"


class NothingToSend(DomainError):
    key = "dialogue.error.nothing"


@dataclass(frozen=True)
class Followed:
    """An anonymous case as its code shows it: the case with its dialogue, what it waits for, and
    whether retention has erased its words (then only its state is shown)."""

    deviation: Deviation
    messages: list[DialogueMessage]
    waiting: Waiting | None

    @property
    def erased(self) -> bool:
        return self.deviation.text_erased_at is not None


@dataclass(frozen=True)
class Said:
    deviation_id: int
    ledger_ids: list[int] = field(default_factory=list)


class _Text(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: Annotated[str, BeforeValidator(clean_text), Field(min_length=2, max_length=TEXT_MAX)]


def parse_text(value: object, field_name: str, *, optional: bool = False) -> str | None:
    """A question or an answer, cleaned and bounded; a national identity number is refused, as in every
    free-text field (bot/privacy.py)."""
    if isinstance(value, str) and contains_national_id(value):
        raise FieldErrors({field_name: "error.field.national_id"})
    if optional and clean_text(value) is None:
        return None
    try:
        return _Text(text=value).text  # type: ignore[arg-type]
    except ValidationError as exc:
        kind = exc.errors()[0]["type"]
        keys = {"string_too_short": "error.field.too_short", "string_too_long": "error.field.too_long"}
        raise FieldErrors({field_name: keys.get(kind, "error.field.required")}) from None


# --- the code -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewCode:
    """A code made and hashed before the registration's transaction (scrypt is slow on purpose, and
    no lock should wait for it)."""

    code: str
    lookup: str
    secret_hash: str


def new_code(key: bytes) -> NewCode:
    code = codes.new_code()
    return NewCode(code, codes.lookup(key, code), codes.hashed(code))


def keep_code(session: Session, new: NewCode, deviation_id: int, now: datetime) -> str:
    """The case's code, inside the registration's transaction: returned once, to be shown once, and
    stored only as its hash."""
    store.set_code(session, deviation_id, new.lookup, new.secret_hash, now)
    return new.code


def follow(db: Database, clock: Clock, throttle: CodeThrottle, key: bytes, office: Office, *, requester: str,
           typed: str, within: Sequence[Office] = ()) -> Followed:
    """The case a typed code opens. TooManyAttempts before anything is verified when the requester (or
    the office as a whole) has tried too many wrong codes lately; WrongCode, the same for every code
    that opens nothing here, after the same work. `within`: the offices of the requester's workspace
    (issue 24), any of whose cases the code may open; by default `office` only."""
    now = clock.now()
    if not throttle.allows(office.id, requester, now):
        raise TooManyAttempts()
    code = normalise(typed)
    deviation_id = _find(db, key, code) if code else None
    if deviation_id is not None:
        try:
            return _followed(db, within or (office,), deviation_id)
        except DeviationNotFound:
            pass  # another office's case: as wrong as any other code here
    throttle.wrong(office.id, requester, now)
    raise WrongCode()


def _find(db: Database, key: bytes, code: str) -> int | None:
    try:
        with db.reading() as session:
            rows = store.codes_with_lookup(session, codes.lookup(key, code))
            candidates = [(row.deviation_id, row.secret_hash) for row in rows]
    except Unavailable as exc:
        raise StorageUnavailable() from exc
    if not candidates:
        codes.verify_none(code)
        return None
    found = [deviation_id for deviation_id, secret_hash in candidates if codes.matches(code, secret_hash)]
    return found[0] if found else None


def followed(db: Database, office: Office, deviation_id: int) -> Followed:
    """An anonymous case of this office, as its code shows it."""
    return _followed(db, (office,), deviation_id)


def _followed(db: Database, offices: Sequence[Office], deviation_id: int) -> Followed:
    """An anonymous case of one of these offices."""
    try:
        with db.transaction() as session:  # read only; committed, so what it loaded stays readable after
            deviation = deviation_store.by_id(session, deviation_id)
            if deviation is None or deviation.office_id not in {o.id for o in offices} or not deviation.anonymous:
                raise DeviationNotFound()
            messages = list(store.messages_of(session, deviation_id))
            return Followed(deviation, messages, _waiting(deviation, messages))
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def _waiting(deviation: Deviation, messages: list[DialogueMessage]) -> Waiting | None:
    return waiting_for(deviation.anonymous, deviation.state, deviation.external_reference,
                       [Author(m.author) for m in messages])


# --- questions and answers ------------------------------------------------------------------------

def ask(db: Database, clock: Clock, office: Office, deviation_id: int, question: str, *, leader_id: str) -> Said:
    """«Spør melderen»: the question joins the case's dialogue; the card and its thread say a question
    was asked. The assessment may wait for the answer (nothing here moves the case)."""
    now = clock.now()
    try:
        with db.transaction() as session:
            deviation = locked_deviation(session, office, deviation_id)
            _open_anonymous(deviation, ASKED)
            message = store.add_message(session, deviation.id, Author.LEADER.value, question, now,
                                        leader_id=leader_id)
            return Said(deviation.id, _step(session, office, deviation, ASKED, now, leader_id, message))
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def answer(db: Database, clock: Clock, office: Office, deviation_id: int, text: str) -> Said:
    """The reporter's answer or added information, proven by their code (a sealed view): the card's
    thread gets it as «Melderen», and the responsible leader (else the leader who asked) a DM."""
    now = clock.now()
    try:
        with db.transaction() as session:
            deviation = locked_deviation(session, office, deviation_id)
            _open_anonymous(deviation, ANSWERED)
            asked = [m for m in store.messages_of(session, deviation.id) if m.author == Author.LEADER.value]
            message = store.add_message(session, deviation.id, Author.REPORTER.value, text, now)
            leader = deviation.responsible_leader or (asked[-1].leader_id if asked else None)
            return Said(deviation.id, _step(session, office, deviation, ANSWERED, now, None, message, leader))
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def _open_anonymous(deviation: Deviation, attempted: str) -> None:
    if not deviation.anonymous:
        raise NotAnonymous()
    if deviation.state == State.CLOSED.value:
        raise InvalidTransition(state=deviation.state, command=attempted)


def _step(session: Session, office: Office, deviation: Deviation, kind: str, now: datetime, actor_id: str | None,
          message: DialogueMessage, dm_to: str | None = None) -> list[int]:
    """The audit event (the message by id only: its words stay in the dialogue, erased with the case's),
    the card updated in place, and the line in its thread."""
    deviation.updated_at = now
    event = deviation_store.record_event(session, office_id=office.id, kind=kind, at=now, actor_id=actor_id,
                                         deviation=deviation, detail={"message": message.id})
    session.flush()
    about, period = Target.deviation(deviation.id), Target.event(event.id)
    # The card is updated in place; the thread's line is the dialogue's own (MessageKind.DIALOGUE_THREAD).
    keys = [LedgerKey(MessageKind.LEADER_CARD, about, office.leader_channel, period),
            LedgerKey(MessageKind.DIALOGUE_THREAD, about, office.leader_channel, period)]
    if dm_to:
        keys.append(LedgerKey(MessageKind.DIALOGUE_ANSWER, about, dm_to, period))
    return enter(session, office, keys, now)


OPEN = sorted(state.value for state in OPEN_STATES)  # every open state, for the index (store.deviations)


# --- what waits on a reporter ---------------------------------------------------------------------

def waiting_on_reporter(session: Session, office_id: str) -> list[tuple[Deviation, Waiting]]:
    """The office's open anonymous cases that wait for their reporter, and for what: by risk then age, as
    the leaders' other lists of open cases (issue 22)."""
    found = ((deviation, _waiting(deviation, list(deviation.dialogue)))
             for deviation in by_risk(store.open_anonymous(session, office_id, OPEN)))
    return [(deviation, what) for deviation, what in found if what is not None]


def waiting(session: Session, office_id: str) -> dict[int, Waiting]:
    return {deviation.id: what for deviation, what in waiting_on_reporter(session, office_id)}


def waiting_cases(db: Database, office: Office) -> dict[int, Waiting]:
    try:
        with db.reading() as session:
            return waiting(session, office.id)
    except Unavailable as exc:
        raise StorageUnavailable() from exc

