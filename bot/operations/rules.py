"""What an id in the office config must look like, and which Slack errors no retry can cure.

Pure: the checks that ask Slack (bot/operations/checks.py) and the messenger use these.
"""

from __future__ import annotations

import re
from enum import StrEnum

CHANNEL_HINT = "use the channel id, e.g. C0123ABCD: right-click the channel → Copy link"
USER_HINT = "use the member id, e.g. U0123ABCD: open the profile → ⋮ → Copy member ID"
USERGROUP_HINT = "use the user group's id, e.g. S0123ABCD: open the group under «People» → ⋮ → Copy group ID"


class IdKind(StrEnum):
    CHANNEL = "channel"
    USER = "user"
    USERGROUP = "usergroup"


_SHAPES = {
    IdKind.CHANNEL: (re.compile(r"[CG][A-Z0-9]{2,}"), CHANNEL_HINT),
    IdKind.USER: (re.compile(r"[UW][A-Z0-9]{2,}"), USER_HINT),
    IdKind.USERGROUP: (re.compile(r"S[A-Z0-9]{2,}"), USERGROUP_HINT),
}

# Slack's answers that stay the same however often the bot asks again, until someone fixes a
# setting: the token, the channel, the bot's membership, a person or group that does not exist.
PERMANENT_ERRORS = frozenset({
    "invalid_auth", "account_inactive", "token_revoked", "token_expired", "not_authed", "no_permission",
    "missing_scope", "not_in_channel", "channel_not_found", "is_archived", "user_not_found", "user_disabled",
    "cannot_dm_bot", "no_such_subteam",
})
# Of those, the ones that concern the whole token, not one channel or person.
TOKEN_ERRORS = frozenset({"invalid_auth", "account_inactive", "token_revoked", "token_expired", "not_authed"})

_FIXES = {
    "invalid_auth": "Slack rejects the bot token: copy the Bot User OAuth Token (xoxb-…) from «OAuth & "
                    "Permissions» into SLACK_BOT_TOKEN again",
    "account_inactive": "the app's token belongs to a deactivated account or an uninstalled app: reinstall the app "
                        "and set SLACK_BOT_TOKEN to its new token",
    "token_revoked": "the token was revoked: reinstall the app and set SLACK_BOT_TOKEN to its new token",
    "token_expired": "the token expired: reinstall the app and set SLACK_BOT_TOKEN to its new token",
    "not_authed": "no token reached Slack: set SLACK_BOT_TOKEN",
    "missing_scope": "the app lacks a scope: paste manifest.yml into the app's settings again and reinstall it",
    "not_in_channel": "the bot is not in the channel: type /invite @Avviksboten in it",
    "channel_not_found": "no such channel, or a private one the bot is not in: check the id in the office config "
                         "and /invite @Avviksboten",
    "is_archived": "the channel is archived: unarchive it or name another in the office config",
    "user_not_found": "no such person in this workspace: check the id in the office config",
    "user_disabled": "the person's account is deactivated: remove them from the office config",
    "no_such_subteam": "no such user group: check the id in the office config",
}


def is_permanent(error: str) -> bool:
    """True for a Slack error a retry cannot cure; the message waits for `avvik-bot deliver --failed`."""
    return error in PERMANENT_ERRORS


def fix_for(error: str) -> str:
    """How an operator cures a permanent Slack error, in one clause."""
    return _FIXES.get(error, "fix the setting Slack names, then run avvik-bot deliver --failed")


def shape_problem(value: str, kind: IdKind) -> str | None:
    """Why `value` cannot be a Slack id of this kind (a `#name` or `@name`, say), with the fix; None if it can."""
    pattern, hint = _SHAPES[kind]
    if pattern.fullmatch(value):
        return None
    if value.startswith(("#", "@")):
        return f"a name, not an id: {hint}"
    return f"not a Slack {kind.value} id: {hint}"


# psycopg's reasons, each with what the operator does about it.
_DATABASE_FIXES = (
    ("server does not support SSL", "remove sslmode=require from the URL, or turn on SSL in PostgreSQL"),
    ("does not exist", "create it, or correct the name in the URL"),
    ("password authentication failed", "correct the user name or password in the URL"),
    ("no password supplied", "add the password to the URL (postgresql+psycopg://user:password@host/db)"),
    ("Connection refused", "check the host and port in the URL, and that PostgreSQL runs"),
    ("timeout expired", "check the host in the URL, the network, and that PostgreSQL runs"),
    ("could not translate host name", "correct the host name in the URL"),
    ("unable to open database file", "check that the SQLite file's folder exists and may be written"),
)


def database_reason(message: str) -> str:
    """The database driver's own reason for refusing a connection, in one line, with the fix.

    psycopg says «connection failed: connection to server at "h", port 5432 failed: FATAL:  database
    "x" does not exist»; the operator needs the last part, not «the database does not answer»."""
    reason = message.strip().splitlines()[0] if message.strip() else "no reason given"
    reason = reason.rpartition(" failed: ")[2] if " failed: " in reason else reason
    reason = re.sub(r"^(FATAL|ERROR):\s+", "", reason).strip()
    for clue, fix in _DATABASE_FIXES:
        if clue in message:
            return f"the database refuses the connection ({reason}): {fix}."
    return f"the database does not answer ({reason}): check the URL and that it runs."
