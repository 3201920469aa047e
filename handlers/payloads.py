"""Slack payloads parsed into pydantic models at the edge; the rest of the code sees typed values.

Only the fields the bot reads are declared; Slack sends many more, which are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,30}")


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(_Payload):
    id: str = Field(pattern=r"^[UW][A-Z0-9]{2,30}$")


class Team(_Payload):
    id: str | None = None


class _FromTeam(_Payload):
    """A payload that names its Slack team (the office it is for)."""

    team: Team | None = None

    @property
    def team_id(self) -> str | None:
        return self.team.id if self.team else None


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


class Shortcut(_FromTeam):
    callback_id: str
    trigger_id: str
    user: User


class Channel(_Payload):
    id: str


class Message(_Payload):
    text: str = ""


class MessageShortcut(Shortcut):
    channel: Channel
    message: Message


# --- a view's private_metadata: sealed by the server, read through a schema ---------------------

METADATA_MAX = 3000  # Slack's own limit on private_metadata
_SEAL = "~"
_seal_key: bytes | None = None

RowId = Annotated[int, Field(strict=True, ge=0, lt=100)]
RowIds = Annotated[list[RowId], Field(max_length=50)]
Id = Annotated[int, Field(strict=True, gt=0, lt=2**63)]  # as the bot wrote it: a number, never "1" or true
ChannelId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{2,30}$")]
Ts = Annotated[str, Field(pattern=r"^[0-9]{1,12}\.[0-9]{1,9}$")]
Code = Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")]  # an office config code, e.g. a category
OfficeId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


class MessageRef(_Payload):
    channel: ChannelId
    ts: Ts


class ViewMetadata(_Payload):
    """Everything a modal of ours keeps in its private_metadata, and nothing else."""

    case: Id | None = None
    round: Id | None = None
    action: Id | None = None
    nudge: Id | None = None  # «Utsett» (issue 16): the reminder, a nudges row, being snoozed
    rows: RowIds | None = None
    channel: ChannelId | None = None  # where a message shortcut came from, or the DM an «Utført» was in
    ts: Ts | None = None
    message: MessageRef | None = None  # the receipt DM to refresh
    category: Code | None = None  # the category the registration form was last built for
    until: Id | None = None  # an anonymous reporter's case modal: its permit runs out then (bot/dialogue/codes.py)
    sig: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")] | None = None  # … and the permit's own signature
    office: OfficeId | None = None  # issue 24: the office the bot found when it opened the modal
    asked: Id | None = None  # issue 22: the round of the effect check the answer's modal is for


# What only a sealed metadata is trusted with: where the bot will write (chat.update) afterwards, and
# the office the bot found for the modal.
_MESSAGE_REFS = ("channel", "ts", "message", "office")


def use_seal_key(signing_secret: str) -> None:
    """Seal metadata with a key derived from the signing secret (once, when the app is built)."""
    global _seal_key
    _seal_key = hmac.new(signing_secret.encode(), b"avviksboten private_metadata", hashlib.sha256).digest()


def _signature(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]


def seal(values: dict[str, object]) -> str:
    """A view's private_metadata: the values as compact JSON, with the server's HMAC after it.
    (Without a key, as in a builder called outside the app, it stays unsealed: ids only.)"""
    text = json.dumps({k: v for k, v in values.items() if v is not None}, separators=(",", ":"))
    return f"{text}{_SEAL}{_signature(_seal_key, text)}" if _seal_key else text


def unseal(metadata: str) -> dict[str, Any]:
    """The values of a private_metadata, checked: within Slack's size, shaped as `ViewMetadata`, and a
    message reference (channel, ts) only when the server's seal holds. A modal opened before metadata
    was sealed keeps its ids (the server checks those against the database anyway); anything else
    reads as empty, and the listener answers with its own error."""
    if not metadata or len(metadata) > METADATA_MAX:
        return {}
    text, _, signature = metadata.rpartition(_SEAL)
    # Compared as bytes: a forged signature may hold any character, and compare_digest takes only ASCII str.
    sealed = bool(text) and _seal_key is not None and hmac.compare_digest(
        signature.encode("utf-8", "surrogatepass"), _signature(_seal_key, text).encode())
    if not sealed:
        text = metadata
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than any view of ours
        return {}
    if not isinstance(data, dict):
        return {}
    if not sealed:
        data = {k: v for k, v in data.items() if k not in _MESSAGE_REFS}
    return _known(data)


def _known(data: dict[str, Any]) -> dict[str, Any]:
    """The fields of `data` that fit `ViewMetadata`; one that does not is left out, not the rest."""
    try:
        return ViewMetadata.model_validate(data).model_dump(exclude_none=True)
    except ValidationError as exc:
        wrong = {error["loc"][0] for error in exc.errors() if error["loc"]}
    try:
        return ViewMetadata.model_validate({k: v for k, v in data.items() if k not in wrong}).model_dump(
            exclude_none=True)
    except ValidationError:
        return {}


class ViewState(_Payload):
    values: dict[str, dict[str, dict[str, Any]]] = {}


class SubmittedView(_Payload):
    id: str
    callback_id: str
    hash: str | None = None  # views.update with it refuses to overwrite a newer version of the view
    private_metadata: str = ""
    state: ViewState = ViewState()

    @property
    def metadata(self) -> dict[str, Any]:
        return unseal(self.private_metadata)

    @property
    def channel(self) -> str | None:
        """The channel a message shortcut came from, kept in our own metadata; anything else is ignored."""
        value = self.metadata.get("channel")
        return value if isinstance(value, str) and _CHANNEL_ID.fullmatch(value) else None

    def values(self) -> dict[str, object]:
        """Each block's value by block id, whatever the element type."""
        out: dict[str, object] = {}
        for block_id, actions in self.state.values.items():
            for element in actions.values():
                out[block_id] = element_value(element)
        return out


class ViewSubmission(_FromTeam):
    user: User
    view: SubmittedView


class ActionView(SubmittedView):
    """The view a button was pressed in (a modal, or App Home, which has no callback id)."""

    callback_id: str = ""


class Container(_Payload):
    """Where a button was pressed: a message (channel and ts) or a view."""

    type: str = ""
    channel_id: str | None = None
    message_ts: str | None = None


class BlockAction(_FromTeam):
    user: User
    trigger_id: str | None = None
    container: Container | None = None
    view: ActionView | None = None  # set when the button is inside a modal or App Home
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

    @property
    def message_at(self) -> tuple[str | None, str | None]:
        """The channel and ts of the message the button is in (a DM to update once the work is done)."""
        container = self.container
        return (container.channel_id, container.message_ts) if container else (None, None)

    @property
    def in_modal(self) -> bool:
        """Pressed inside a view (a modal): what the bot shows next goes on top of it."""
        return self.view is not None and self.container is not None and self.container.type == "view"


def element_value(element: dict[str, Any]) -> object:
    """The value of one input element in a submitted view's state."""
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "external_select"):
        option = element.get("selected_option") or {}
        return option.get("value") if isinstance(option, dict) else None
    if kind in ("checkboxes", "multi_static_select"):
        return [o.get("value") for o in _list(element.get("selected_options")) if isinstance(o, dict)]
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "datetimepicker":
        return element.get("selected_date_time")
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        return [u for u in _list(element.get("selected_users")) if isinstance(u, str)]
    return element.get("value")


class ViewAction(BlockAction):
    """A block action with where it happened: in a modal (`view`) or in a message (`container`)."""

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


class ModalAction(ViewAction):
    """A button that only exists inside a modal (its view is what the click is about)."""

    view: ActionView


class HomeTab(_Payload):
    user: str
    tab: str | None = None


class HomeOpened(_Payload):
    """The `app_home_opened` event, with the team it came from."""

    team_id: str | None = None
    event: HomeTab


def _list(value: object) -> list:
    """A list Slack sent, or nothing: a forged scalar in its place is not iterated."""
    return value if isinstance(value, list) else []


# --- the envelope: the outer shape Bolt's routing assumes -----------------------------------

Obj = dict[str, Any]


class _Shape(BaseModel):
    """Only the types of what is there; everything else Slack sends passes untouched."""

    model_config = ConfigDict(extra="allow", frozen=True)


class _EventShape(_Shape):
    type: str
    subtype: str | None = None
    message: Obj | None = None
    previous_message: Obj | None = None
    item: Obj | None = None
    assistant_thread: Obj | None = None


class _ViewShape(_Shape):
    type: str
    id: str | None = None
    callback_id: str | None = None
    private_metadata: str | None = None
    state: Obj | None = None


class _ActionShape(_Shape):
    action_id: str
    block_id: str | None = None


class Envelope(_Shape):
    """What every request from Slack looks like from the outside, whatever its kind.

    Bolt's own routing indexes into these fields as Slack shapes them; a request shaped
    otherwise (which Slack never sends) is refused before it, so it cannot crash the router.
    """

    type: str | None = None
    token: str | None = None
    team: Obj | None = None
    team_id: str | None = None
    enterprise: Obj | str | None = None
    enterprise_id: str | None = None
    user: Obj | str | None = None
    user_id: str | None = None
    channel: Obj | str | None = None
    channel_id: str | None = None
    api_app_id: str | None = None
    command: str | None = None
    text: str | None = None
    callback_id: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    response_urls: list[Obj] | None = None
    authorizations: list[Obj] | None = None
    event: _EventShape | None = None
    view: _ViewShape | None = None
    actions: list[_ActionShape] | None = Field(default=None, min_length=1)
    container: Obj | None = None
    message: Obj | None = None
    function_data: Obj | None = None
    workflow_step: Obj | None = None

    @field_validator("event", "view", "actions", mode="before")
    @classmethod
    def _object_when_present(cls, value: object) -> object:
        # Bolt reads these whenever the key is there: present means a real value, never null.
        if value is None:
            raise ValueError("present but null")
        return value
