"""Slack payloads parsed into pydantic models at the edge; the rest of the code sees typed values.

Only the fields the bot reads are declared; Slack sends many more, which are ignored.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(_Payload):
    id: str = Field(pattern=r"^[UW][A-Z0-9]{2,30}$")


class Team(_Payload):
    id: str | None = None


class SlashCommand(_Payload):
    command: str
    text: str = ""
    user_id: str = Field(pattern=r"^[UW][A-Z0-9]{2,30}$")
    team_id: str | None = None
    channel_id: str | None = None
    trigger_id: str

    @property
    def words(self) -> list[str]:
        return self.text.split()


class Shortcut(_Payload):
    callback_id: str
    trigger_id: str
    user: User
    team: Team | None = None


class Channel(_Payload):
    id: str


class Message(_Payload):
    text: str = ""


class MessageShortcut(Shortcut):
    channel: Channel
    message: Message


class ViewState(_Payload):
    values: dict[str, dict[str, dict[str, Any]]] = {}


class SubmittedView(_Payload):
    id: str
    callback_id: str
    private_metadata: str = ""
    state: ViewState = ViewState()

    @property
    def metadata(self) -> dict[str, Any]:
        try:
            data = json.loads(self.private_metadata or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def values(self) -> dict[str, object]:
        """Each block's value by block id, whatever the element type."""
        out: dict[str, object] = {}
        for block_id, actions in self.state.values.items():
            for element in actions.values():
                out[block_id] = element_value(element)
        return out


class ViewSubmission(_Payload):
    user: User
    team: Team | None = None
    view: SubmittedView


class BlockAction(_Payload):
    user: User
    team: Team | None = None
    trigger_id: str | None = None
    actions: list[dict[str, Any]] = Field(min_length=1)

    @field_validator("actions")
    @classmethod
    def _ids(cls, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not all(isinstance(a.get("action_id"), str) for a in actions):
            raise ValueError("every action needs an action_id")
        return actions

    @property
    def value(self) -> str | None:
        value = self.actions[0].get("value")
        return value if isinstance(value, str) else None


def element_value(element: dict[str, Any]) -> object:
    """The value of one input element in a submitted view's state."""
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "external_select"):
        option = element.get("selected_option") or {}
        return option.get("value") if isinstance(option, dict) else None
    if kind == "checkboxes":
        return [o.get("value") for o in element.get("selected_options") or [] if isinstance(o, dict)]
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        return element.get("selected_users") or []
    return element.get("value")


class ActionView(SubmittedView):
    """The modal a block action happened in; `hash` guards views.update against a stale view."""

    hash: str | None = None


class Container(_Payload):
    type: str = ""
    message_ts: str | None = None
    channel_id: str | None = None


class ViewAction(BlockAction):
    """A block action with where it happened: in a modal (`view`) or in a message (`container`)."""

    view: ActionView | None = None
    container: Container = Container()

    @property
    def selected(self) -> str | None:
        """The chosen option's value, for a select or radio buttons."""
        option = self.actions[0].get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        return value if isinstance(value, str) else None

    @property
    def in_message(self) -> dict[str, str] | None:
        """The message the button was in (channel and ts), to update it afterwards."""
        if self.container.type == "message" and self.container.channel_id and self.container.message_ts:
            return {"channel": self.container.channel_id, "ts": self.container.message_ts}
        return None
