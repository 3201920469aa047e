"""Erasing the free text of closed cases, keeping everything that counts.

What stays: reference, kind, category, destination, severity, citizen-rights answer, state,
every date, the actions (term, owner, due date, state) and the audit log's who and when.
What goes: everything a person wrote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from store.deviations import CLOSED
from store.models import Deviation, DialogueMessage, EffectCheck, Event

DEVIATION_TEXT = ("what_happened", "cause", "immediate_action", "suggested_action", "assessment_note",
                  "closure_feedback", "lesson")
# An audit detail value that reads as a code or an id (a category, a Slack id, a date) is kept;
# anything with spaces in it is text a person wrote.
_CODE = re.compile(r"[\w.:\-/]{1,64}")


def closed_before(session: Session, office_id: str, cutoff: datetime, *, lock: bool = False) -> Sequence[Deviation]:
    """Closed cases of an office, closed before `cutoff`, whose text is still there.

    With `lock`, rows another process is erasing right now are skipped, not waited for.
    """
    closed_at = func.coalesce(Deviation.closed_at, Deviation.updated_at)
    query = (
        select(Deviation)
        .where(Deviation.office_id == office_id, Deviation.state == CLOSED, Deviation.text_erased_at.is_(None),
               closed_at < cutoff)
        .order_by(Deviation.id)
        .options(selectinload(Deviation.actions))
    )
    if lock:
        query = query.with_for_update(skip_locked=True, of=Deviation)
    return session.scalars(query).all()


def text_fields(deviation: Deviation) -> list[str]:
    """The names of the fields that still hold text a person wrote."""
    names = [name for name in DEVIATION_TEXT if getattr(deviation, name)]
    if deviation.title != deviation.category:
        names.insert(0, "title")
    if any(a.description for a in deviation.actions):
        names.append("actions.description")
    if any(a.completion_note for a in deviation.actions):
        names.append("actions.completion_note")
    if any(m.text for m in deviation.dialogue):
        names.append("dialogue")
    return names


def erase_text(session: Session, deviation: Deviation, now: datetime) -> list[str]:
    """Erase the case's free text (and its actions' and audit details'); returns what was erased."""
    erased = text_fields(deviation)
    deviation.title = deviation.category  # the title is required; the category is what it was about
    for name in DEVIATION_TEXT:
        setattr(deviation, name, None)
    for action in deviation.actions:
        action.description, action.completion_note = "", None
    # Issue 20: the questions to an anonymous reporter and their answers go with the rest of the words.
    session.execute(update(DialogueMessage).where(DialogueMessage.deviation_id == deviation.id).values(text=None))
    # Issue 22: the note answering «Har tiltaket virket?» is words too; the answer itself is kept.
    noted = session.execute(update(EffectCheck).where(EffectCheck.deviation_id == deviation.id,
                                                      EffectCheck.note.is_not(None)).values(note=None))
    if noted.rowcount:
        erased.append("effect_check.note")
    for event in session.scalars(select(Event).where(Event.deviation_id == deviation.id)):
        kept = {k: v for k, v in (event.detail or {}).items() if not isinstance(v, str) or _CODE.fullmatch(v)}
        if kept != event.detail:
            event.detail = kept
    deviation.text_erased_at = now
    return erased
