"""Who is a leader: the office config's user ids and/or a Slack user group; and who leads a county
(issue 24: `[[county]]` with its own `leaders` and/or `leader_usergroup`).

The user group is resolved through the Web API and cached for minutes, not per request.
Every leader action is checked here on the server, whatever the button payload says.

While a person waits (a button's trigger lives 3 seconds, a form's answer must come within 3),
Slack is never waited on for long: a group is read in the background, once however many requests
ask, with the full client's retries, and a request waits at most `wait` seconds from the read's
start, then answers from the members last known. A command whose answer depends on who leads acks
first when Slack is slower than that, and answers once it has `settle`d (handlers.common.answer_in_time).
A scheduled job asks `patient=True`, and waits. Either way a failed lookup keeps the members last
known, and a request does not ask again for `BACK_OFF`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.clock import Clock
from bot.errors import NotALeader
from bot.office import County, Office

log = logging.getLogger(__name__)

CACHE_FOR = timedelta(minutes=5)
BACK_OFF = timedelta(seconds=30)  # after a group (or all the workspace's) could not be read, before requests ask again
WAIT = 1.0  # seconds a request waits for a user group's read, from the moment that read began


class _Read:
    """One background read of a user group: when it began, and whether it is over."""

    def __init__(self) -> None:
        self.began, self.done = time.monotonic(), threading.Event()

    def wait(self, seconds: float) -> bool:
        return self.done.wait(max(0.0, self.began + seconds - time.monotonic()))


class LeaderDirectory:
    def __init__(self, client: WebClient, clock: Clock, wait: float = WAIT) -> None:
        self.client, self.clock, self.wait = client, clock, wait
        self._cache: dict[str, tuple[object, frozenset[str]]] = {}
        self._failed_at: datetime | None = None  # when reading every group at once last failed
        self._group_failed: dict[str, datetime] = {}  # when a group's own read last failed
        self._reading: dict[str, _Read] = {}  # groups being read in the background now
        self._lock = threading.Lock()

    def leaders(self, office: Office, *, patient: bool = False) -> frozenset[str]:
        """The office's leaders: configured ids plus the user group's current members."""
        members = frozenset(office.leaders)
        if office.leader_usergroup:
            members |= self.group_members(office.leader_usergroup, patient=patient)
        return members

    def is_leader(self, office: Office, user_id: str) -> bool:
        return user_id in self.leaders(office)

    def require(self, office: Office, user_id: str) -> None:
        if not self.is_leader(office, user_id):
            raise NotALeader()

    def county_leaders(self, county: County, *, patient: bool = False) -> frozenset[str]:
        """A county's leaders: configured ids plus its user group's current members."""
        members = frozenset(county.leaders)
        if county.leader_usergroup:
            members |= self.group_members(county.leader_usergroup, patient=patient)
        return members

    def counties_led(self, counties: Iterable[County], user_id: str) -> tuple[County, ...]:
        """The counties among `counties` that `user_id` is a leader of."""
        return tuple(c for c in counties if user_id in self.county_leaders(c))

    def warm(self, usergroups: Iterable[str | None]) -> None:
        """Read every user group of the workspace in one call (`usergroups.list` with their members)
        when more than one of `usergroups` is not known: finding the office of a request in a workspace
        of many offices must not cost one Slack call per office before Slack's 3 seconds. A failure
        leaves Slack resting for `BACK_OFF`: no group is then asked one by one either."""
        for read in self._begin(usergroups):
            read.wait(self.wait)

    def settle(self, usergroups: Iterable[str | None], within: float) -> bool:
        """Ask Slack in the background about each of `usergroups` whose members are not known from the last
        minutes, and wait at most `within` seconds from each read's start: True when nothing is left to
        wait for (each group known, or Slack failed and the members last known stand). `within=0` only
        begins the reads, so that whatever waits for them later waits no longer than from now.
        A listener answers at once when True; else it acks first, and may settle longer after the ack."""
        return all(read.wait(within) for read in self._begin(usergroups))

    def group_members(self, usergroup: str, *, patient: bool = False) -> frozenset[str]:
        """A Slack user group's members, cached for minutes (`patient`: a job, which waits for Slack)."""
        if patient:
            now = self.clock.now()
            with self._lock:
                cached = self._cache.get(usergroup)
                if self._fresh(usergroup, now) or self._resting(None, now):
                    return cached[1] if cached else frozenset()
            return self._fetch(usergroup)
        self.warm([usergroup])
        with self._lock:
            cached = self._cache.get(usergroup)
        return cached[1] if cached else frozenset()

    def _fresh(self, usergroup: str, now: datetime) -> bool:
        cached = self._cache.get(usergroup)
        return bool(cached and now - cached[0] < CACHE_FOR)  # type: ignore[operator]

    def _resting(self, usergroup: str | None, now: datetime) -> bool:
        """Slack failed a moment ago (for every group, or this one): asking again would only pile slow calls."""
        return any(failed is not None and now - failed < BACK_OFF
                   for failed in (self._failed_at, self._group_failed.get(usergroup) if usergroup else None))

    def _begin(self, usergroups: Iterable[str | None]) -> list[_Read]:
        """The reads to wait for, of each of `usergroups` not known from the last minutes: those under way,
        and one begun now in the background for the rest (`usergroups.list` for all of them when there are
        several, else the group's own `usergroups.users.list`). None while Slack rests after a failure."""
        now = self.clock.now()
        with self._lock:
            unknown = {g for g in usergroups if g and not self._fresh(g, now) and not self._resting(g, now)}
            new = frozenset(unknown - self._reading.keys())
            if new:
                read = _Read()
                for group in new:
                    self._reading[group] = read
                threading.Thread(target=self._read_in_background, args=(new, read), daemon=True,
                                 name="leaders-read").start()
            return list({id(r): r for g in unknown if (r := self._reading.get(g)) is not None}.values())

    def _read_in_background(self, usergroups: frozenset[str], read: _Read) -> None:
        try:
            if len(usergroups) > 1:
                self._fetch_all(usergroups)
            else:
                self._fetch(next(iter(usergroups)))
        finally:
            with self._lock:
                for group in usergroups:
                    if self._reading.get(group) is read:
                        del self._reading[group]
            read.done.set()

    def _fetch_all(self, usergroups: frozenset[str]) -> None:
        """Read every group of the workspace with its members in one call, and keep those of `usergroups`."""
        now = self.clock.now()
        try:
            response = self.client.usergroups_list(include_users=True)
            groups = {g.get("id"): frozenset(g.get("users") or []) for g in response.get("usergroups") or []}
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("leaders: could not read the workspace's user groups (%s)", type(exc).__name__)
            with self._lock:  # Slack is struggling: no group is asked one by one for a while either
                self._failed_at = now
            return
        with self._lock:  # a group the workspace does not list (deleted, disabled) has no members
            for group in usergroups:
                self._cache[group] = (now, groups.get(group, frozenset()))
                self._group_failed.pop(group, None)

    def _fetch(self, usergroup: str) -> frozenset[str]:
        """Read a group's members from Slack now; on a failure, the members last known."""
        now = self.clock.now()
        try:
            response = self.client.usergroups_users_list(usergroup=usergroup)
            members = frozenset(response.get("users") or [])
        except (SlackApiError, SlackClientError, OSError) as exc:  # OSError: a timeout, a refused connection
            log.warning("leaders: could not read user group %s (%s)", usergroup, type(exc).__name__)
            with self._lock:  # keep the last known members rather than lock every leader out
                self._group_failed[usergroup] = now
                cached = self._cache.get(usergroup)
            return cached[1] if cached else frozenset()
        with self._lock:
            self._cache[usergroup] = (now, members)
            self._group_failed.pop(usergroup, None)
        return members
