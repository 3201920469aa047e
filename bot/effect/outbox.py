"""What the effect check's ledger messages read when they are sent: the check, its case and the
actions that were carried out, as they are now (an answer given meanwhile is seen)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.messenger import Entry
from store import deviations as deviations_store
from store import effect as store
from store.ledger import TargetKind, id_of
from store.models import Action, Deviation, EffectCheck


@dataclass(frozen=True)
class Question:
    check: EffectCheck
    deviation: Deviation
    actions: Sequence[Action]  # the actions carried out, with their completion notes

    @property
    def open(self) -> bool:
        """Still waiting for an answer, and the case still closed since it was asked (a reopened case is
        followed up anew, and asked again when it closes with actions)."""
        closed_at = self.deviation.closed_at
        return self.check.answered_at is None and closed_at is not None and self.check.created_at >= closed_at


def question(session: Session, entry: Entry) -> Question:
    deviation_id = id_of(entry.target, TargetKind.DEVIATION)
    deviation = deviations_store.by_id(session, deviation_id)
    check = store.check_of(session, deviation_id)
    if deviation is None or check is None or deviation.office_id != entry.office.id:
        raise LookupError(f"ledger target {entry.target} is gone")
    return Question(check, deviation, store.done_actions(session, deviation_id))
