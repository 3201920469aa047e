"""Requests Slack could not have sent, and listener failures: refused or reported, never leaked.

A request whose outer shape is not Slack's (see `payloads.Envelope`) gets a plain 400 before
any listener runs, and so does one that made Bolt's own routing fail. A listener that fails
on a well-formed request is a bug: it is logged by type and place (Bolt's own report quotes
the error's text, which can hold what a person typed) and Slack gets Bolt's bare 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import ValidationError
from slack_bolt import App, BoltRequest, BoltResponse

from handlers.payloads import Envelope

log = logging.getLogger(__name__)


def well_formed(body: object) -> bool:
    try:
        Envelope.model_validate(body)
    except ValidationError:
        return False
    return True


def register(app: App) -> None:
    @app.middleware
    def refuse_malformed(req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        if not well_formed(req.body):
            log.warning("refused a request not shaped as Slack's")
            return BoltResponse(status=400, body="")
        return next()

    @app.error
    def on_error(error: Exception, request: BoltRequest) -> BoltResponse | None:
        if not well_formed(request.body):  # Bolt's built-in middleware, which runs first, choked on it
            log.warning("refused a request not shaped as Slack's: %s", type(error).__name__)
            return BoltResponse(status=400, body="")
        log.error("listener failed: %s", type(error).__name__, exc_info=error)
        return None
