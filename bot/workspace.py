"""The offices of one Slack workspace, and which of them a request is for (issue 24: many offices
in one workspace).

A workspace with one office: that office, as always. With several, in this order:

1. the row the request is about (a case, an action or measure, a reminder, a quality round, an
   exercise): its office, whatever else the payload says, so a leader acts only within the office
   the case belongs to (and is checked as a leader of *that* office);
2. the office the bot itself sealed into the modal (it knew when it opened it);
3. the channel the command, shortcut or button is used in: an office's `channels`, its leader
   channel and its office channel (for leaders' work, only an office the person leads: a leader of
   Hamar typing `/avvik oversikt` in Lillehammer's channel gets Hamar's, not a refusal);
4. for leaders' work: the first office, in the config's order, the person leads;
5. the person's membership of an office's `staff_usergroup` (the Web API, cached as leader groups are),
   when they are in one office's staff group only;
6. the office the person last chose in the registration form's «Kontor» select.

Nothing found: the workspace's first office, marked as a guess; the registration form then asks
«Kontor» (the 6th step only preselects it). Team ids still separate workspaces: no step looks beyond
the offices of the request's own team.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.leaders.directory import LeaderDirectory
from bot.office import Office
from store import offices as store
from store.db import Database, Unavailable
from store.offices import Subject

log = logging.getLogger(__name__)


class Found(StrEnum):
    """How the office was found: the registration form asks «Kontor» unless it was by a fact."""

    ONLY = "only"  # the workspace has one office
    ROW = "row"
    SEALED = "sealed"
    CHANNEL = "channel"
    LEADER = "leader"
    GROUP = "group"
    CHOSEN = "chosen"  # remembered from last time: a preselection, not a fact
    GUESS = "guess"

    @property
    def settled(self) -> bool:
        return self not in (Found.CHOSEN, Found.GUESS, Found.LEADER)


@dataclass(frozen=True)
class Which:
    office: Office
    found: Found
    offices: tuple[Office, ...]  # every office of the request's workspace


@dataclass(frozen=True)
class Hints:
    """What a request says about where it comes from; each is checked, none is trusted alone."""

    user_id: str | None = None
    team_id: str | None = None
    about: tuple[Subject, int] | None = None
    sealed_office: str | None = None
    channel: str | None = None
    reference: str | None = None  # `/avvik status AVV-LHG-2026-0042`: the prefix names the office
    for_leaders: bool = False


def which(db: Database, leaders: LeaderDirectory, offices: Sequence[Office], hints: Hints) -> Which:
    """The office of a request from a workspace with these `offices` (at least one)."""
    team = tuple(offices)
    if len(team) == 1:
        return Which(team[0], Found.ONLY, team)
    by_id = {o.id: o for o in team}
    row = _of_row(db, hints.about) if hints.about else None
    if row in by_id:
        return Which(by_id[row], Found.ROW, team)
    if hints.sealed_office in by_id:
        return Which(by_id[hints.sealed_office], Found.SEALED, team)  # type: ignore[index]
    prefixed = _by_reference(team, hints.reference)
    if prefixed:
        return Which(prefixed, Found.ROW, team)
    channel = next((o for o in team if hints.channel and hints.channel in owned_channels(o)), None)
    user = hints.user_id
    leaders_work = bool(user and hints.for_leaders)
    if channel and (not leaders_work or leaders.is_leader(channel, user)):  # type: ignore[arg-type]
        return Which(channel, Found.CHANNEL, team)
    if leaders_work:  # in another office's channel too: the office they lead, not a refusal
        leaders.warm(o.leader_usergroup for o in team if o.leader_usergroup)
        led = next((o for o in team if leaders.is_leader(o, user)), None)  # type: ignore[arg-type]
        if led:
            return Which(led, Found.LEADER, team)
    if channel:
        return Which(channel, Found.CHANNEL, team)
    if user:
        leaders.warm(o.staff_usergroup for o in team if o.staff_usergroup)
        staff = [o for o in team if o.staff_usergroup and user in leaders.group_members(o.staff_usergroup)]
        if len(staff) == 1:  # in the staff of several offices: the form asks «Kontor»
            return Which(staff[0], Found.GROUP, team)
    chosen = _remembered(db, hints.team_id, user)
    if chosen in by_id:
        return Which(by_id[chosen], Found.CHOSEN, team)  # type: ignore[index]
    return Which(team[0], Found.GUESS, team)


def owned_channels(office: Office) -> frozenset[str]:
    return frozenset((*office.channels, office.leader_channel, office.office_channel))


def led_by(leaders: LeaderDirectory, offices: Sequence[Office], user_id: str) -> tuple[Office, ...]:
    """The offices of a workspace a person leads, in the config's order."""
    leaders.warm(o.leader_usergroup for o in offices if o.leader_usergroup)
    return tuple(o for o in offices if leaders.is_leader(o, user_id))


def _by_reference(offices: Sequence[Office], reference: str | None) -> Office | None:
    if not reference:
        return None
    parts = reference.strip().upper().split("-")
    prefix = parts[1] if len(parts) == 4 else None  # AVV-LHG-2026-0042
    return next((o for o in offices if prefix and o.reference_prefix == prefix), None)


def _of_row(db: Database, about: tuple[Subject, int]) -> str | None:
    try:
        with db.reading() as session:
            return store.office_of(session, *about)
    except Unavailable:
        log.warning("offices: the database could not say whose %s it is", about[0].value)
        return None


def _remembered(db: Database, team_id: str | None, user_id: str | None) -> str | None:
    if not (team_id and user_id):
        return None
    try:
        with db.reading() as session:
            return store.remembered(session, team_id, user_id)
    except Unavailable:
        return None
