"""Start-up says what the bot runs on in one line, refuses a token Slack rejects, and every bad setting
is one line with its fix: never a traceback, never gunicorn's retries."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.operations.rules import database_reason
from tests.support.servers import environment, free_port, serve

PG = os.environ.get("TEST_DATABASE_URL")


def run(slack, database_url: str, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd,
                          env=environment(slack, database_url, env), capture_output=True, text=True, timeout=60)


def test_serve_says_in_one_line_what_it_runs_on_and_starts_quietly(slack, db, tmp_path):
    with serve(slack, db.url, tmp_path, workers=1) as url:
        pass
    log = (tmp_path / f"serve-{url.rsplit(':', 1)[1]}.log").read_text()
    [line] = [line for line in log.splitlines() if "office config" in line]
    assert "the example config: replace it before real use" in line
    assert "NAV Lillehammer–Gausdal (lillehammer-gausdal)" in line
    assert f"database {db.url.split('://')[0]}" in line and "HTTP on 127.0.0.1" in line
    assert "scheduler on" in line
    for noise in ("alembic", "Adding job", "Added job", "token` will be unused"):
        assert noise not in log, noise


def test_the_database_password_is_never_in_the_start_up_line(slack, tmp_path):
    from bot.office import load_offices
    from bot.operations.startup import describe
    from bot.settings import EXAMPLE_OFFICE_CONFIG, load_settings

    settings = load_settings(database_url="postgresql+psycopg://avvik:hemmelig@db.example.no/avvik", _env_file=None)
    line = describe(settings, load_offices(EXAMPLE_OFFICE_CONFIG), "Socket Mode", False)
    assert "hemmelig" not in line and "avvik:***@db.example.no/avvik" in line and line.endswith("scheduler off")


@pytest.mark.parametrize("command", ["serve", "socket"])
def test_a_token_slack_rejects_stops_start_up_in_one_line(slack, db, tmp_path, command):
    args = ["--host", "127.0.0.1", "--port", str(free_port()), "--workers", "1"] if command == "serve" else []
    result = run(slack, db.url, tmp_path, command, *args, SLACK_BOT_TOKEN="xoxb-your-token",
                 SLACK_APP_TOKEN=slack.app_token)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "avvik-bot: SLACK_BOT_TOKEN: Slack rejects the bot token: copy the Bot User OAuth Token (xoxb-…) from «OAuth "
        "& Permissions» into SLACK_BOT_TOKEN again (Slack said invalid_auth).")
    assert "Traceback" not in result.stderr


def _closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}/api/"


BAD_SETTINGS = {
    "postgres-scheme": (("check", "--offline"), {"DATABASE_URL": "postgres://avvik@localhost/avvik"},
                        "DATABASE_URL is invalid (postgres:// is not a database driver SQLAlchemy knows)"),
    "not-a-url": (("check", "--offline"), {"DATABASE_URL": "notaurl"}, "DATABASE_URL is invalid (not a database URL)"),
    "sqlite-folder-missing": (("serve",), {"DATABASE_URL": "sqlite:////nowhere/at/all/avvik.db"},
                              "DATABASE_URL is invalid (the folder /nowhere/at/all for the SQLite file does not "
                              "exist)"),
    "log-level": (("check", "--offline"), {"LOG_LEVEL": "verbose"}, "LOG_LEVEL is invalid ('verbose' is not a log "
                                                                    "level): set it to DEBUG, INFO, WARNING"),
    "socket-slack-unreachable": (("socket",), {"SLACK_API_URL": "closed", "SLACK_APP_TOKEN": "xapp-test-token"},
                                 "SLACK_API_URL: Slack does not answer at http://127.0.0.1:"),
    "socket-app-token-rejected": (("socket",), {"SLACK_APP_TOKEN": "xapp-revoked"},
                                  "SLACK_APP_TOKEN: Slack rejects the app-level token (invalid_auth)"),
    "port-in-use": (("serve",), {}, "--port PORT: another program already listens on 127.0.0.1:PORT: stop it, "
                                    "or give another --port."),
}
if PG:
    BAD_SETTINGS |= {
        "pg-no-ssl": (("serve",), {"DATABASE_URL": PG + "?sslmode=require"},
                      "DATABASE_URL: the database refuses the connection (server does not support SSL, but SSL was "
                      "required): remove sslmode=require from the URL"),
        "pg-no-database": (("serve",), {"DATABASE_URL": str(make_url(PG).set(database="avvik_nowhere")
                                                            .render_as_string(hide_password=False))},
                           'DATABASE_URL: the database refuses the connection (database "avvik_nowhere" does not '
                           'exist): create it, or correct the name in the URL.'),
    }


@pytest.mark.parametrize("case", BAD_SETTINGS)
def test_every_bad_setting_is_one_line_with_its_fix_and_no_traceback(slack, db, tmp_path, case):
    command, env, expected = BAD_SETTINGS[case]
    env = dict(env)
    if env.get("SLACK_API_URL") == "closed":
        env["SLACK_API_URL"] = _closed_port_url()
    args = list(command)
    with socket.socket() as holder:
        if case == "port-in-use":
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            port = str(holder.getsockname()[1])
            expected = expected.replace("PORT", port)
        else:
            port = str(free_port())
        if command[0] == "serve":
            args += ["--host", "127.0.0.1", "--port", port, "--workers", "1"]
        result = run(slack, env.pop("DATABASE_URL", db.url), tmp_path, *args, **env)
    output = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 2, output
    assert len(output) == 1 and output[0].startswith(f"avvik-bot: {expected}"), output
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("message, reason", [
    ('connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  password authentication '
     'failed for user "avvik"',
     'the database refuses the connection (password authentication failed for user "avvik"): correct the user name '
     'or password in the URL.'),
    ('connection failed: connection to server at "127.0.0.1", port 5999 failed: Connection refused\n\tIs the server '
     'running on that host and accepting TCP/IP connections?',
     "the database refuses the connection (Connection refused): check the host and port in the URL, and that "
     "PostgreSQL runs."),
])
def test_psycopgs_own_reason_reaches_the_operator(message, reason):
    assert database_reason(message) == reason


def _serve_with(monkeypatch, *, database, slack, preload) -> list[str]:
    """`avvik-bot serve`'s start-up with its checks, its loading and gunicorn replaced: what ran, in order."""
    from bot import cli, server
    from bot.operations import startup
    from bot.settings import load_settings

    ran: list[str] = []
    monkeypatch.setattr(cli, "_ensure_migrated", lambda settings: database(ran))
    monkeypatch.setattr(startup, "require_slack", lambda settings, offices: slack(ran))
    monkeypatch.setattr(startup, "require_free_port", lambda host, port: None)
    monkeypatch.setattr(server, "preload", lambda scheduler: preload(ran))
    monkeypatch.setattr(server, "serve", lambda *args, **kwargs: ran.append("serve"))
    settings = load_settings(slack_bot_token="xoxb-1", slack_signing_secret="secret", _env_file=None)
    cli.cmd_serve(cli.parser().parse_args(["serve", "--port", str(free_port())]), settings)
    return ran


def test_serve_asks_the_database_and_slack_while_it_loads_what_its_workers_run(monkeypatch):
    """The checks wait on the network (for Slack a round trip per office channel, person and group): the
    master loads the workers' code meanwhile, then serves only once both are done."""
    import threading

    loading, asked = threading.Event(), threading.Event()

    def preload(ran):
        loading.set()
        assert asked.wait(10), "the checks did not run while loading"
        ran.append("loaded")

    ran = _serve_with(monkeypatch, database=lambda ran: loading.wait(10) and ran.append("database"),
                      slack=lambda ran: (ran.append("slack"), asked.set()), preload=preload)
    assert ran == ["database", "slack", "loaded", "serve"]


def test_serve_still_refuses_to_start_when_a_check_fails_while_loading(monkeypatch):
    from bot.errors import ConfigError

    def rejected(ran):
        raise ConfigError("SLACK_BOT_TOKEN: Slack rejects the bot token")

    with pytest.raises(ConfigError, match="rejects the bot token"):
        _serve_with(monkeypatch, database=lambda ran: ran.append("database"), slack=rejected,
                    preload=lambda ran: ran.append("loaded"))
