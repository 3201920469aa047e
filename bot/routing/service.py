"""Following up a case reported in another system: ASYS, TQM or Samspillet.

Seed 000, «Hvor melder jeg hva?»: information security and HMS are reported «i ASYS», the
Social Services Act and municipal cooperation in TQM, feedback between NAV units in
Samspillet. The bot cannot see those systems, so a case it routes there waits in
`videresendt` until the person tells it the reference they got; then it is ready for the
leaders to close (bot/deviations/rules.py: videresendt → klar_for_lukking).

Who may add the reference, checked here on the server whatever a button says:
- the person who reported the case (their Slack id is on the case);
- a leader of the office (e.g. from the case card, or when told the reference);
- the anonymous reporter, who has no id on the case, through the receipt modal itself: that
  modal is the very view their form was submitted from, and the case keeps a digest of its
  view id (`submission_key`, kept anyway to recognise Slack's retries). Only the person who
  submitted the form has that view, so the view proves it without storing who they are;
- later, the anonymous reporter with their case code (bot/dialogue, issue 20): `confirm_by_code`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from bot.clock import Clock
from bot.deviations.audit import record_refusal
from bot.deviations.rules import Command, State
from bot.deviations.workflow import Moved, transition
from bot.errors import (
    DeviationNotFound,
    InvalidTransition,
    NotReporterOrLeader,
    ReferenceAlreadySet,
    StorageUnavailable,
)
from bot.forms import FieldErrors, clean_text
from bot.office import Office
from bot.privacy import contains_national_id
from bot.registration.service import submission_key
from bot.routing.rules import Destination
from store import deviations as store
from store.db import Database, Unavailable
from store.models import Deviation

REFERENCE_MAX = 100  # the column's width
FIELD = "external_reference"


class Via(StrEnum):
    """How a person showed they may add the reference (stored in the audit event)."""

    RECEIPT = "kvittering"
    CODE = "kode"  # the anonymous reporter's case code (bot/dialogue)
    REPORTER = "melder"
    LEADER = "leder"


class _ReferenceForm(BaseModel):
    model_config = ConfigDict(frozen=True)

    reference: Annotated[str, BeforeValidator(clean_text), Field(min_length=2, max_length=REFERENCE_MAX)]


def parse_reference(value: object) -> str:
    """The reference the person typed, checked; FieldErrors names the field when it is wrong."""
    if isinstance(value, str) and contains_national_id(value):
        raise FieldErrors({FIELD: "error.field.national_id"})
    try:
        return _ReferenceForm(reference=value).reference  # type: ignore[arg-type]
    except ValidationError as exc:
        kind = exc.errors()[0]["type"]
        key = {"string_too_short": "error.field.too_short", "string_too_long": "error.field.too_long"}
        raise FieldErrors({FIELD: key.get(kind, "error.field.required")}) from None


@dataclass(frozen=True)
class Forwarded:
    """What the follow-up screens show about a case reported elsewhere."""

    deviation_id: int
    reference: str
    destination: Destination
    state: State
    external_reference: str | None
    anonymous: bool
    via: Via


@dataclass(frozen=True)
class Confirmed:
    deviation: Forwarded
    external_reference: str
    moved: Moved | None  # None when this was a retry of a submission that already went through

    @property
    def ledger_ids(self) -> list[int]:
        return self.moved.ledger_ids if self.moved else []


def authorise(deviation: Deviation, user_id: str, view_id: str | None, is_leader: Callable[[], bool]) -> Via:
    """Why `user_id` may add the reference, or NotReporterOrLeader.

    The receipt view is checked first: a leader who reported anonymously stays anonymous.
    The leader lookup (a cached Web API call) is asked last, only when it is needed.
    """
    if view_id and deviation.submission_key and submission_key(view_id, user_id) == deviation.submission_key:
        return Via.RECEIPT
    if deviation.reporter_id and deviation.reporter_id == user_id:
        return Via.REPORTER
    if is_leader():
        return Via.LEADER
    raise NotReporterOrLeader(reference=deviation.reference)


def may_confirm(db: Database, clock: Clock, office: Office, deviation_id: int, *, user_id: str,
                view_id: str | None, is_leader: Callable[[], bool]) -> Forwarded:
    """Check that the person may add the reference to this case; a refusal is written to the audit log.

    The check runs after the read's transaction has ended: the leader lookup may ask Slack, and
    no database lock waits on that.
    """
    deviation = _read(db, deviation_id)
    if deviation.office_id != office.id:
        raise DeviationNotFound()
    try:
        via = authorise(deviation, user_id, view_id, is_leader)
    except NotReporterOrLeader:
        record_refusal(db, clock, office, deviation_id=deviation_id, actor_id=user_id,
                       attempted=Command.CONFIRM_EXTERNAL.value)
        raise
    return _forwarded(deviation, via)


def awaiting_reference(db: Database, clock: Clock, office: Office, deviation_id: int, *, user_id: str,
                       view_id: str | None, is_leader: Callable[[], bool]) -> Forwarded:
    """The case whose reference the person is about to add: theirs to add (`may_confirm`), and still
    waiting for one. ReferenceAlreadySet or InvalidTransition when it is not waiting any more."""
    deviation = may_confirm(db, clock, office, deviation_id, user_id=user_id, view_id=view_id, is_leader=is_leader)
    if deviation.state is State.FORWARDED:
        return deviation
    if deviation.external_reference:
        raise ReferenceAlreadySet(reference=deviation.external_reference)
    raise InvalidTransition(state=deviation.state.value, command=Command.CONFIRM_EXTERNAL.value)


def confirm_external(db: Database, clock: Clock, office: Office, deviation_id: int, external_reference: str, *,
                     user_id: str, view_id: str | None, is_leader: Callable[[], bool]) -> Confirmed:
    """Store the other system's reference; the case leaves `videresendt` and its card is updated.

    The returned ledger ids (the card update) are delivered by the caller after its ack.
    """
    deviation = may_confirm(db, clock, office, deviation_id, user_id=user_id, view_id=view_id, is_leader=is_leader)
    # The anonymous reporter is never named in the audit log, not even by the id they clicked with.
    anonymous_reporter = deviation.via is Via.RECEIPT and deviation.anonymous
    return _confirm(db, clock, office, deviation, external_reference, None if anonymous_reporter else user_id)


def confirm_by_code(db: Database, clock: Clock, office: Office, deviation_id: int,
                    external_reference: str) -> Confirmed:
    """The anonymous reporter adds the reference with their case code: the caller has checked the code
    (a sealed dialogue view, bot/dialogue); the audit log has no actor for them."""
    deviation = _read(db, deviation_id)
    if deviation.office_id != office.id or not deviation.anonymous:
        raise DeviationNotFound()
    return _confirm(db, clock, office, _forwarded(deviation, Via.CODE), external_reference, None)


def _confirm(db: Database, clock: Clock, office: Office, deviation: Forwarded, external_reference: str,
             actor_id: str | None) -> Confirmed:
    def add_reference(case: Deviation) -> None:
        case.external_reference = external_reference

    try:
        moved = transition(db, clock, office, deviation.deviation_id, Command.CONFIRM_EXTERNAL, actor_id=actor_id,
                           change=add_reference, detail={"via": deviation.via.value})
    except InvalidTransition:
        current = _read(db, deviation.deviation_id)
        if current.external_reference == external_reference:
            return Confirmed(_forwarded(current, deviation.via), external_reference, None)
        if current.external_reference:
            raise ReferenceAlreadySet(reference=current.external_reference) from None
        raise
    return Confirmed(deviation, external_reference, moved)


def as_reported(db: Database, office: Office, deviation_id: int) -> Deviation:
    """The case as it is now, for the reporter's receipt."""
    deviation = _read(db, deviation_id)
    if deviation.office_id != office.id:
        raise DeviationNotFound()
    return deviation


def _read(db: Database, deviation_id: int) -> Deviation:
    try:
        with db.transaction() as session:
            deviation = store.by_id(session, deviation_id)
    except Unavailable as exc:
        raise StorageUnavailable() from exc
    if deviation is None:
        raise DeviationNotFound()
    return deviation


def _forwarded(deviation: Deviation, via: Via) -> Forwarded:
    return Forwarded(deviation.id, deviation.reference, Destination(deviation.destination), State(deviation.state),
                     deviation.external_reference, deviation.anonymous, via)
