"""`avvik-bot`: serve, socket, db upgrade, check, deliver, purge."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot import logs
from bot.errors import ConfigError
from bot.office import load_offices
from bot.settings import Settings, load_settings
from store.db import Database
from store.migrate import is_current, upgrade

if TYPE_CHECKING:
    from bot.services import Services


def _ensure_migrated(settings: Settings) -> None:
    """SQLite (the default) is migrated on start; a shared PostgreSQL is migrated by the admin."""
    if settings.database_url.startswith("sqlite"):
        upgrade(settings.database_url)
        return
    db = Database(settings.database_url)
    try:
        if not db.ping():
            raise ConfigError("DATABASE_URL: the database does not answer; check the URL and that it runs.")
        if not is_current(db.engine):
            raise ConfigError("DATABASE_URL: the database is not migrated; run `avvik-bot db upgrade` first.")
    finally:
        db.dispose()


def _services_with_senders(settings: Settings) -> Services:
    """Services for a one-off command that sends: the app factory registers the ledger's senders."""
    from bot.app import create_app
    from bot.services import build_services

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    services = build_services(settings)
    create_app(services)
    return services


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    load_offices(settings.avvik_office_config)
    _ensure_migrated(settings)
    serve(settings, args.host, args.port, args.workers, args.threads, scheduler=not args.no_scheduler)
    return 0


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import socket_mode

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
    load_offices(settings.avvik_office_config)
    _ensure_migrated(settings)
    socket_mode(settings)
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    upgrade(settings.database_url, args.revision)
    print(f"database migrated to {args.revision}")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    offices = load_offices(settings.avvik_office_config)
    db = Database(settings.database_url)
    try:
        if not db.ping():
            raise ConfigError("DATABASE_URL: the database does not answer; check the URL and that it runs.")
        migrated = is_current(db.engine)
    finally:
        db.dispose()
    names = ", ".join(o.name for o in offices.office)
    print(f"ok: {len(offices.office)} office(s) ({names}); database reachable; "
          f"migrations {'current' if migrated else 'NOT current: run avvik-bot db upgrade'}")
    return 0 if migrated else 1


def cmd_deliver(args: argparse.Namespace, settings: Settings) -> int:
    report = _services_with_senders(settings).messenger.deliver(limit=500)
    print(f"sent {len(report.sent)}, postponed {len(report.failed)}")
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Erase the free text of cases closed longer than the office keeps it (`--dry-run`: only list them)."""
    from bot.clock import SystemClock
    from bot.retention import purge

    offices = load_offices(settings.avvik_office_config)
    db = Database(settings.database_url)
    try:
        erasures = purge(db, SystemClock(), offices, dry_run=args.dry_run)
    finally:
        db.dispose()
    verb = "would erase" if args.dry_run else "erased"
    for e in erasures:
        print(f"{e.office_id} {e.reference} (closed {e.closed_at.date().isoformat()}): {verb} "
              f"{', '.join(e.fields) or 'nothing left'}")
    if args.dry_run:
        print(f"{len(erasures)} closed case(s) due for erasure; nothing changed (dry run)")
    else:
        print(f"erased the free text of {len(erasures)} closed case(s); statistics kept"
              + ("; their cards update with the bot's next delivery run" if erasures else ""))
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="avvik-bot", description="Avviksboten: deviations for a NAV office.")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve Slack's HTTP requests on /slack/events (gunicorn)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument("--no-scheduler", action="store_true", help="run no background jobs in this process")
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("socket", help="connect to Slack in Socket Mode").set_defaults(run=cmd_socket)

    db = commands.add_parser("db", help="database administration")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    up = db_commands.add_parser("upgrade", help="apply the migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(run=cmd_db_upgrade)

    commands.add_parser("check", help="check the settings, office config and database").set_defaults(run=cmd_check)
    commands.add_parser("deliver", help="send the messages still waiting in the ledger").set_defaults(
        run=cmd_deliver)
    purge = commands.add_parser("purge", help="erase the free text of cases closed longer than the office keeps it")
    purge.add_argument("--dry-run", action="store_true", help="list what would be erased; change nothing")
    purge.set_defaults(run=cmd_purge)
    return root


Command = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        logs.configure(settings.log_level, settings.log_format)
        return args.run(args, settings)
    except ConfigError as exc:
        print(f"avvik-bot: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
