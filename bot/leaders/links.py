"""Each case's card in the leader channel as a link (chat.getPermalink), so a leader acts from where
they look: `/avvik oversikt`, App Home and the reminders link every case to its card.

A permalink never changes, so each is asked once per process and kept (per channel and message).
While a person waits (a slash command answers within 3 s), the links are asked side by side for at
most `wait` seconds; one not back by then is left out of this answer and kept for the next.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.office import Office
from store.models import Deviation

log = logging.getLogger(__name__)

MAX_ASKED = 50  # per answer: Slack's rate limit for chat.getPermalink is generous, a burst is not
_known: dict[tuple[str, str], str] = {}
_lock = threading.Lock()
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="permalink")


def card_links(client: WebClient, office: Office, deviations: Iterable[Deviation], wait: float = 1.0) -> dict[int, str]:
    """{deviation id: its card's permalink} for the cases whose card is posted and whose link is known
    now or arrives within `wait` seconds."""
    cards = {d.id: (office.leader_channel, d.card_ts) for d in deviations if d.card_ts}
    with _lock:
        missing = [key for key in dict.fromkeys(cards.values()) if key not in _known][:MAX_ASKED]
    if missing:
        futures: list[Future[None]] = [_pool.submit(_ask, client, *key) for key in missing]
        wait_for(futures, timeout=wait)
    with _lock:
        return {deviation_id: _known[key] for deviation_id, key in cards.items() if key in _known}


def _ask(client: WebClient, channel: str, ts: str) -> None:
    try:
        link = client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except (SlackApiError, SlackClientError, OSError) as exc:
        log.warning("links: no permalink for a card (%s)", type(exc).__name__)
        return
    if link:
        with _lock:
            _known[(channel, ts)] = link
