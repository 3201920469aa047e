"""The breach track's use cases: starting it at registration (in the registration's transaction)
and recording the leaders' assessment of whether Datatilsynet is to be notified.

GDPR art. 33(1): notify «snarest, senest innen 72 timer»; art. 33(5): every breach is documented,
so «Ikke meldepliktig» needs its reason. The narrative stays in ASYS (seed 000's minimal-data rule):
only discovery, kind, the reference's arrival and the decision are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.breach import rules
from bot.clock import Clock
from bot.deviations.rules import Command
from bot.errors import DeviationNotFound, StorageUnavailable
from bot.forms import FieldErrors
from bot.office import Office
from store import breach as store
from store import deviations as deviation_store
from store import ledger
from store.db import Database, Unavailable
from store.ledger import LedgerKey, MessageKind, Target
from store.models import Deviation

DECISION_EVENT = "personvernvurdering"  # the audit log's kind for the recorded assessment


def alert_keys(office: Office, deviation: Deviation) -> list[LedgerKey]:
    """Who hears at once: the leader channel, and the privacy contact when it is a person (a user
    group is @-mentioned in the leader channel's alert instead: a group has no DM)."""
    about = Target.deviation(deviation.id)
    keys = [LedgerKey(MessageKind.BREACH_ALERT, about, office.leader_channel)]
    if office.privacy_contact and not office.privacy_contact.startswith("S"):
        keys.append(LedgerKey(MessageKind.BREACH_ALERT, about, office.privacy_contact))
    return keys


def start(session: Session, office: Office, deviation: Deviation, *, answer: rules.Answer, kind: rules.BreachKind,
          discovered_at: datetime, now: datetime) -> list[int]:
    """Start the 72-hour clock for a case just registered; returns the alerts' ledger ids."""
    store.add(session, deviation=deviation, answer=answer.value, kind=kind.value, discovered_at=discovered_at,
              deadline_at=rules.deadline(discovered_at), now=now)
    return [entry_id for key in alert_keys(office, deviation)
            if (entry_id := ledger.enter(session, office.id, key, now)) is not None]


@dataclass(frozen=True)
class Assessment:
    """A leader's answer to «Skal Datatilsynet varsles?»."""

    decision: rules.Decision
    notified_on: date | None = None
    reason: str | None = None


def parse_assessment(decision: object, notified_on: object, reason: object, today: date) -> Assessment:
    """The modal's values checked; FieldErrors names each field that is wrong."""
    try:
        chosen = rules.Decision(str(decision))
    except ValueError:
        raise FieldErrors({"breach_decision": "error.field.required"}) from None
    if chosen is rules.Decision.NOTIFIED:
        try:
            day = date.fromisoformat(str(notified_on))
        except ValueError:
            raise FieldErrors({"breach_notified_on": "error.field.required"}) from None
        if day > today:
            raise FieldErrors({"breach_notified_on": "error.field.future_date"})
        return Assessment(chosen, notified_on=day)
    text = reason.strip() if isinstance(reason, str) else ""
    if len(text) < 3:
        raise FieldErrors({"breach_reason": "breach.error.reason_required"})
    return Assessment(chosen, reason=text)


def record_assessment(db: Database, clock: Clock, office: Office, deviation_id: int, assessment: Assessment, *,
                      actor_id: str) -> list[int]:
    """Store the decision with an audit event, and refresh the card's countdown (ledger ids returned).
    A second answer replaces the first (a leader may correct it); the audit log keeps both."""
    now = clock.now()
    try:
        with db.transaction() as session:
            deviation = deviation_store.by_id(session, deviation_id)
            breach = store.of_deviation(session, deviation_id)
            if deviation is None or deviation.office_id != office.id or breach is None:
                raise DeviationNotFound()
            if deviation.external_reference and breach.reference_at is None:  # in before the hourly job saw it
                breach.reference_at = store.first_event_at(session, deviation_id, Command.CONFIRM_EXTERNAL.value) \
                    or now
            store.decide(session, breach, decision=assessment.decision.value, decision_date=assessment.notified_on,
                         reason=assessment.reason, actor_id=actor_id, now=now)
            event = deviation_store.record_event(session, office_id=office.id, kind=DECISION_EVENT, at=now,
                                                 actor_id=actor_id, deviation=deviation,
                                                 detail={"decision": assessment.decision.value})
            session.flush()
            key = LedgerKey(MessageKind.BREACH_COUNTDOWN, Target.deviation(deviation_id), office.leader_channel,
                            Target.event(event.id))
            entry_id = ledger.enter(session, office.id, key, now)
            return [entry_id] if entry_id is not None else []
    except Unavailable as exc:
        raise StorageUnavailable() from exc

