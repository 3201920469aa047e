"""People's names for the leaders' reports: a Slack user id as the display name colleagues know.

Looked up through the Web API (users.info) and kept in memory for the one report being written;
never stored, so a report file names people as Slack names them today.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)


class DisplayNames:
    """`names(user_id)`: the person's display name, else their full name, else the id itself."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._known: dict[str, str] = {}

    def __call__(self, user_id: str) -> str:
        if user_id not in self._known:
            self._known[user_id] = self._look_up(user_id)
        return self._known[user_id]

    def _look_up(self, user_id: str) -> str:
        try:
            user = self.client.users_info(user=user_id).get("user") or {}
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("reports: no name for a user (%s); the id is written instead", type(exc).__name__)
            return user_id
        profile = user.get("profile") or {}
        return profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user_id
