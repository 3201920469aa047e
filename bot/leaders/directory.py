"""Who is a leader: the office config's user ids and/or a Slack user group; and who leads a county
(issue 24: `[[county]]` with its own `leaders` and/or `leader_usergroup`).

The user group is resolved through the Web API and cached for minutes, not per request.
Every leader action is checked here on the server, whatever the button payload says.

While a person waits (a button's trigger lives 3 seconds, a form's answer must come within 3),
the user group is asked once, briefly (`quick_client`); a scheduled job asks `patient=True`,
with the full client's retries. Either way a failed lookup keeps the members last known.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.clock import Clock
from bot.errors import NotALeader
from bot.office import County, Office

log = logging.getLogger(__name__)

CACHE_FOR = timedelta(minutes=5)
BACK_OFF = timedelta(seconds=30)  # after the workspace's groups could not be read, before asking Slack again


class LeaderDirectory:
    def __init__(self, client: WebClient, clock: Clock, quick_client: WebClient | None = None) -> None:
        self.client, self.clock = client, clock
        self.quick_client = quick_client or client
        self._cache: dict[str, tuple[object, frozenset[str]]] = {}
        self._failed_at: datetime | None = None  # when reading every group at once last failed
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

    def warm(self, usergroups: Iterable[str]) -> None:
        """Read every user group of the workspace in one call (`usergroups.list` with their members)
        when more than one of `usergroups` is not cached: finding the office of a request in a
        workspace of many offices must not cost one Slack call per office before Slack's 3 seconds.
        A failure leaves the groups to be read one by one, as before."""
        now = self.clock.now()
        with self._lock:
            cold = {g for g in usergroups if not ((c := self._cache.get(g)) and now - c[0] < CACHE_FOR)}
        if len(cold) < 2:
            return
        try:
            response = self.quick_client.usergroups_list(include_users=True)
            groups = {g.get("id"): frozenset(g.get("users") or []) for g in response.get("usergroups") or []}
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("leaders: could not read the workspace's user groups (%s)", type(exc).__name__)
            with self._lock:  # Slack is struggling: no group is asked one by one for a while either
                self._failed_at = now
            return
        with self._lock:  # a group the workspace does not list (deleted, disabled) has no members
            for group in cold:
                self._cache[group] = (now, groups.get(group, frozenset()))

    def group_members(self, usergroup: str, *, patient: bool = False) -> frozenset[str]:
        """A Slack user group's members, cached for minutes."""
        now = self.clock.now()
        with self._lock:
            cached = self._cache.get(usergroup)
            if cached and now - cached[0] < CACHE_FOR:  # type: ignore[operator]
                return cached[1]
            if self._failed_at is not None and now - self._failed_at < BACK_OFF:
                # Reading the whole workspace failed a moment ago: asking each of many groups in turn
                # would only pile slow calls before Slack's 3 seconds. The last known members, as on a failure.
                return cached[1] if cached else frozenset()
        try:
            client = self.client if patient else self.quick_client
            response = client.usergroups_users_list(usergroup=usergroup)
            members = frozenset(response.get("users") or [])
        except (SlackApiError, SlackClientError, OSError) as exc:  # OSError: a timeout, a refused connection
            log.warning("leaders: could not read user group %s (%s)", usergroup, type(exc).__name__)
            # Keep the last known members rather than lock every leader out.
            return cached[1] if cached else frozenset()
        with self._lock:
            self._cache[usergroup] = (now, members)
        return members
