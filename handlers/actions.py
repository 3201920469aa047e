"""«Utført»: one button and one completion modal for a deviation's action and for a quality round's
measure (owners have DMs with this button from before measures had code of their own). The button
acks first; then, as the form does, the listener asks the database once which kind of action it is
(never the payload) and hands it to that feature."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.errors import StorageUnavailable
from bot.office import Office
from bot.quality import service as quality_service
from bot.services import Services
from bot.workspace import Subject
from handlers import ids
from handlers.common import id_of
from handlers.leaders import listeners as leaders
from handlers.middleware import by_value, parse
from handlers.payloads import BlockAction, ViewSubmission
from handlers.quality import listeners as quality


def open_completion(ack: Ack, client: WebClient, services: Services, office: Office, parsed: BlockAction) -> None:
    ack()
    show = quality.show_measure_completion if _is_measure(services, parsed.value) else leaders.show_completion
    show(client, services, office, parsed)


def submit_completion(ack: Ack, client: WebClient, services: Services, office: Office,
                      parsed: ViewSubmission) -> None:
    measure = _is_measure(services, parsed.view.metadata.get("action"))
    submit = quality.submit_measure_completion if measure else leaders.submit_completion
    submit(ack, client, services, office, parsed)


def _is_measure(services: Services, value: object) -> bool:
    """One the database cannot tell (a crafted id, the database away) goes to the deviation's
    action, which answers it as it always has."""
    action_id = id_of(value)
    if action_id is None:
        return False
    try:
        return quality_service.is_measure(services.db, action_id)
    except StorageUnavailable:
        return False


def register(app: App) -> None:
    app.action(ids.ACTION_DONE, middleware=[parse(BlockAction, about=by_value(Subject.ACTION))])(open_completion)
    app.view(ids.COMPLETION_VIEW, middleware=[parse(ViewSubmission, errors_on=ids.COMPLETION_NOTE)])(submit_completion)
