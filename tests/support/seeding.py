"""Cases in any state, written through the store as the leader workflow would leave them.

The scheduler's tests need cases that were assessed, given actions, made ready or closed on
given days; until the leader workflow's modals exist these are written with the ORM,
with the same audit events a transition writes (bot/deviations/workflow.py).
"""

from __future__ import annotations

from datetime import date, datetime

from bot.deviations.rules import format_reference
from store import deviations as store
from store.db import Database
from store.models import Action, Deviation, EffectCheck

OFFICE = "lillehammer-gausdal"


def add_deviation(db: Database, at: datetime, *, state: str = "registrert", category: str = "lokal_rutine",
             destination: str = "kontoret", reporter: str | None = "U0STAFF1", title: str = "Vedtak uten begrunnelse",
             severity: str = "middels", kind: str = "brudd", responsible_leader: str | None = None,
             external_reference: str | None = None, office_id: str = OFFICE) -> int:
    """A case registered at `at`, in `state` from then on (one audit event per step)."""
    with db.transaction() as session:
        seq = store.next_sequence(session, office_id, at.year)
        deviation = Deviation(
            office_id=office_id, year=at.year, seq=seq, reference=format_reference(at.year, seq), kind=kind,
            category=category, destination=destination, severity=severity, citizen_rights="nei", title=title,
            what_happened="Brev til bruker manglet begrunnelse; gjelder U0STAFF9.", occurred_on=at.date(),
            anonymous=reporter is None, reporter_id=reporter, state=state, responsible_leader=responsible_leader,
            external_reference=external_reference, created_at=at, updated_at=at,
        )
        session.add(deviation)
        session.flush()
        first = "videresendt" if destination in ("asys", "tqm", "samspillet") else "registrert"
        store.record_event(session, office_id=office_id, kind="registrert", at=at, actor_id=reporter,
                           deviation=deviation, to_state=first)
        if state != first:
            deviation.assessed_at = at
            store.record_event(session, office_id=office_id, kind="vurdert", at=at, actor_id="U0LEADER1",
                               deviation=deviation, from_state=first, to_state=state)
        if state == "klar_for_lukking":
            deviation.ready_at = at
        return deviation.id


def add_action(db: Database, deviation_id: int, owner: str, due_on: date, at: datetime, *, state: str = "apen",
               description: str = "Lag sjekkliste for vedtaksbrev") -> int:
    with db.transaction() as session:
        action = Action(deviation_id=deviation_id, term="kort", description=description, owner_id=owner, due_on=due_on,
                        state=state, created_at=at)
        session.add(action)
        session.flush()
        return action.id


def move(db: Database, deviation_id: int, to_state: str, at: datetime, *, actor: str = "U0LEADER1",
         **fields: object) -> None:
    """A leader moves the case on (assess, finish actions, close, reopen): state, fields and audit event."""
    with db.transaction() as session:
        deviation = store.by_id(session, deviation_id, lock=True)
        before = deviation.state
        deviation.state, deviation.updated_at = to_state, at
        if before == "registrert" and to_state != "registrert":
            deviation.assessed_at = at
        if to_state == "klar_for_lukking":
            deviation.ready_at = at
        if to_state == "lukket":
            deviation.closed_at = at
        for name, value in fields.items():
            setattr(deviation, name, value)
        store.record_event(session, office_id=deviation.office_id, kind=f"til_{to_state}", at=at, actor_id=actor,
                           deviation=deviation, from_state=before, to_state=to_state)


def finish_action(db: Database, action_id: int, at: datetime, *, actor: str = "U0OWNER1") -> None:
    with db.transaction() as session:
        action = session.get(Action, action_id)
        action.state, action.finished_at, action.completion_note = "utfort", at, "Gjort."
        deviation = session.get(Deviation, action.deviation_id)
        store.record_event(session, office_id=deviation.office_id, kind="tiltak_utfort", at=at, actor_id=actor,
                           deviation=deviation, action=action)


def close(db: Database, deviation_id: int, at: datetime, *, feedback: str, lesson: str | None = None) -> None:
    """Through klar_for_lukking to lukket, with the feedback for the office."""
    with db.transaction() as session:
        state = store.by_id(session, deviation_id).state
    if state != "klar_for_lukking":
        move(db, deviation_id, "klar_for_lukking", at)
    move(db, deviation_id, "lukket", at, closure_feedback=feedback, lesson=lesson)


# --- issue 22: risk, cause and «Har tiltaket virket?», as the assessment and the effect check leave them ---

def set_risk(db: Database, deviation_id: int, likelihood: int | None, consequence: int | None,
             causes: list[str] | None) -> None:
    """Sannsynlighet, konsekvens and cause types as a leader's assessment stores them (None: «ikke vurdert»)."""
    with db.transaction() as session:
        deviation = session.get(Deviation, deviation_id)
        deviation.risk_likelihood, deviation.risk_consequence, deviation.cause_types = likelihood, consequence, causes


def add_effect_check(db: Database, deviation_id: int, due_on: date, *, answer: str | None = None,
                     answered_at: datetime | None = None, note: str | None = None,
                     leader: str = "U0LEADER1") -> int:
    """An effect check on a case, asked on `due_on`; answered when `answer` is given."""
    with db.transaction() as session:
        deviation = session.get(Deviation, deviation_id)
        check = EffectCheck(deviation_id=deviation_id, office_id=deviation.office_id, due_on=due_on, leader_id=leader,
                            answer=answer, note=note, answered_by=leader if answer else None, answered_at=answered_at,
                            created_at=deviation.closed_at or deviation.created_at)
        session.add(check)
        session.flush()
        return check.id
