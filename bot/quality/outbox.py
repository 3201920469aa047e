"""What the quality rounds' ledger messages read when they are sent: a round (opened, invitation,
progress, assessment) and a measure for its owner.

Each loader runs in the messenger's read-only session at send time, so a retried message tells
the round as it is now; it raises LookupError when what it names is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.messenger import Entry
from bot.quality.service import Assessment, MeasureParent, SharedPractices, measure_parent, shared_practices
from bot.quality.service import assessment as round_assessment
from store import quality as store
from store.ledger import TargetKind, id_of
from store.models import Action, QualityRound


def quality_round(session: Session, entry: Entry) -> QualityRound:
    found = store.by_id(session, id_of(entry.target, TargetKind.ROUND))
    if found is None:
        raise LookupError(f"ledger target {entry.target} is gone")
    return found


@dataclass(frozen=True)
class ReviewerProgress:
    """A round and how many reviews the reminder's recipient has done in it."""

    round: QualityRound
    done: int  # the recipient's reviews in the round so far


def progress(session: Session, entry: Entry) -> ReviewerProgress:
    found = quality_round(session, entry)
    return ReviewerProgress(found, store.reviews_per_reviewer(session, found.id).get(entry.recipient, 0))


def assessment(session: Session, entry: Entry) -> Assessment:
    return round_assessment(session, quality_round(session, entry).id)


@dataclass(frozen=True)
class Measure:
    """A measure with what its owner's DM shows where a deviation's reference and title would stand."""

    action: Action
    parent: MeasureParent


def measure(session: Session, entry: Entry) -> Measure:
    action = session.get(Action, id_of(entry.target, TargetKind.ACTION))
    parent = measure_parent(session, entry.office, action) if action is not None else None
    if action is None or parent is None:
        raise LookupError(f"ledger target {entry.target} is gone")
    return Measure(action, MeasureParent(*parent))


def good_practices(session: Session, entry: Entry) -> SharedPractices:
    """The «gode grep» a leader shared in one go (the ledger's period names the batch)."""
    shared = shared_practices(session, quality_round(session, entry).id, entry.period.removeprefix("grep:"))
    if not shared.practices:
        raise LookupError(f"no shared practices for {entry.period}")
    return shared
