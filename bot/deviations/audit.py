"""The audit log's record of refused attempts: who tried what on which case.

A refused request changes nothing, so its transaction is rolled back; the refusal is
written on its own afterwards, so the attempt is never lost with the rollback.
"""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.office import Office
from store import deviations as store
from store.db import Database, Unavailable

log = logging.getLogger(__name__)

REFUSED = "nektet"


def record_refusal(db: Database, clock: Clock, office: Office | None, *, deviation_id: int | None, actor_id: str,
                   attempted: str) -> None:
    """Write one `nektet` event under `office`; the log line carries the case id only, never a person.

    `office` None: the request's office could not be told (in a workspace of several offices, nothing
    placed the person in one), so the attempt is only logged: audited under a guessed office, it would
    be in the audit log of an office the person has nothing to do with."""
    if office is None:
        log.warning("refused %s by someone of no office found; not audited under any office", attempted)
        return
    try:
        with db.transaction() as session:
            deviation = store.by_id(session, deviation_id) if deviation_id is not None else None
            store.record_event(session, office_id=office.id, kind=REFUSED, at=clock.now(), actor_id=actor_id,
                               deviation=deviation, detail={"attempted": attempted})
    except Unavailable:
        log.error("audit: could not record a refused %s on case %s", attempted, deviation_id)
        return
    log.warning("refused %s on case %s", attempted, deviation_id)
