"""manifest.yml is valid for Slack, and asks for exactly the scopes the code needs."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import jsonschema
import yaml
from slack_sdk import WebClient

from handlers import ids

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "support" / "slack" / "manifest.schema.1.0.0.json"  # Slack's own, kept beside the tests

# History of the conversations the bot posts in (public or private channels, direct messages): the
# ledger looks a retried message up there before posting it again.
HISTORY = frozenset({"channels:history", "groups:history", "im:history"})
# The bot scope(s) each Web API method needs (None: none needed, e.g. views.* with a trigger;
# apps.connections.open takes the app-level token's connections:write, not a bot scope).
SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "views.publish": None,
    "usergroups.users.list": "usergroups:read",
    "usergroups.list": "usergroups:read",
    "users.info": "users:read",
    "conversations.open": "im:write",
    "conversations.history": HISTORY,
    "conversations.replies": HISTORY,
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "auth.test": None,
    "conversations.info": ("channels:read", "groups:read"),  # public and private channels
    "apps.connections.open": None,
    "chat.getPermalink": None,
}
# Features that need a scope of their own, whatever methods are called.
FEATURE_SCOPES = {"commands"}  # slash commands and shortcuts


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def api_methods_called() -> set[str]:
    """Every Web API method the code calls, read from the source of bot/ and handlers/."""
    called = set()
    for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]:
        for name in re.findall(r"\.((?:chat|views|usergroups|users|conversations|files|auth|apps)_\w+)\(",
                               path.read_text(encoding="utf-8")):
            source = inspect.getsource(getattr(WebClient, name))
            called.update(re.findall(r'api_call\(\s*"([a-zA-Z.]+)"', source))
            if name == "files_upload_v2":
                called.update({"files.getUploadURLExternal", "files.completeUploadExternal"})
    return called


def test_manifest_is_valid_against_slacks_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(manifest(), schema)


def test_bot_scopes_are_exactly_what_the_code_uses():
    methods = api_methods_called()
    unknown = methods - set(SCOPES)
    assert not unknown, f"add the scope for {unknown} to SCOPES in this test"
    needed = {scope for m in methods if SCOPES[m]
              for scope in ([SCOPES[m]] if isinstance(SCOPES[m], str) else SCOPES[m])} | FEATURE_SCOPES
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == needed


def test_manifest_declares_the_command_shortcuts_events_and_home_the_code_handles():
    m = manifest()
    assert [c["command"] for c in m["features"]["slash_commands"]] == [ids.COMMAND, ids.QUALITY_COMMAND]
    assert {s["callback_id"] for s in m["features"]["shortcuts"]} == {ids.GLOBAL_SHORTCUT, ids.MESSAGE_SHORTCUT}
    assert "app_home_opened" in m["settings"]["event_subscriptions"]["bot_events"]
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert m["settings"]["interactivity"]["is_enabled"] is True
