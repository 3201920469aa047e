"""`avvik-bot`: serve, socket, db upgrade, check, deliver, nudge, digest, quality, breach, report, purge."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence

from bot.errors import ConfigError

# Each subcommand imports what it needs when it runs: `avvik-bot --help` (and a typo) answers at once,
# without loading SQLAlchemy, Alembic, pydantic and the office config; not even `typing` (type checkers
# read a module-level TYPE_CHECKING as they read typing's), nor shutil (see _Help).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from bot.office import County, Office
    from bot.quality.jobs import RoundLine, RoundsPlan
    from bot.reminders.digest import DigestPlan
    from bot.reminders.jobs import NudgePlan
    from bot.reports.exports import Format
    from bot.reports.periods import Period
    from bot.services import Services
    from bot.settings import Settings
    from store.db import Database


def _check_ready(db: Database) -> None:
    """One line for the admin when the database can't be used as it is: the driver's own reason."""
    from bot.operations.checks import database_problem

    problem = database_problem(db)
    if problem:
        raise ConfigError(problem)


def _upgrade(url: str, revision: str = "head", *, if_behind: bool = False) -> None:
    """Migrate (`if_behind`: only when the database is behind, checked without loading Alembic)."""
    from sqlalchemy.exc import DBAPIError

    from bot.operations.rules import database_reason
    from store.migrate import upgrade, upgrade_if_behind

    try:
        if if_behind:
            upgrade_if_behind(url)
        else:
            upgrade(url, revision)
    except DBAPIError as exc:
        raise ConfigError(f"DATABASE_URL: {database_reason(str(exc.orig or exc))}") from None


def _ensure_migrated(settings: Settings) -> None:
    """SQLite (the default) is migrated on start; a shared PostgreSQL is migrated by the admin."""
    from store.db import Database

    if settings.database_url.startswith("sqlite"):
        _upgrade(settings.database_url, if_behind=True)
        return
    db = Database(settings.database_url)
    try:
        _check_ready(db)
    finally:
        db.dispose()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from bot.office import load_offices
    from bot.operations.startup import describe, log, require_free_port, require_slack
    from bot.server import preload, serve

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    offices = load_offices(settings.avvik_office_config)
    require_free_port(args.host, args.port)
    scheduler = not args.no_scheduler

    def checks() -> None:
        _ensure_migrated(settings)
        require_slack(settings, offices)

    # The database and Slack (a round trip per office channel, person and group) are asked while this
    # thread loads what the workers run: the same checks in the same order, refusing to start as before.
    with ThreadPoolExecutor(1, thread_name_prefix="start-up checks") as background:
        checked = background.submit(checks)
        preload(scheduler)
        checked.result()
    log.info("%s", describe(settings, offices, f"HTTP on {args.host}:{args.port} ({args.workers} worker(s) × "
                                               f"{args.threads} threads)", scheduler))
    serve(settings, args.host, args.port, args.workers, args.threads, scheduler=scheduler)
    return 0


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    from bot.office import load_offices
    from bot.operations.startup import describe, log, require_slack
    from bot.server import socket_mode

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
    offices = load_offices(settings.avvik_office_config)
    _ensure_migrated(settings)
    require_slack(settings, offices, socket_mode=True)
    log.info("%s", describe(settings, offices, "Socket Mode", True))
    socket_mode(settings)
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    _upgrade(settings.database_url, args.revision)
    print(f"database migrated to {args.revision}")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Every problem one line, exit 1 if any; `ok` only when the bot can really work (Slack asked too,
    unless --offline)."""
    from bot.office import load_offices
    from bot.operations.checks import check_slack, database_problem, failed_messages, shape_problems
    from bot.operations.startup import describe_setup, list_offices
    from store.db import Database

    offices = load_offices(settings.avvik_office_config)
    if settings.avvik_office_config.is_dir() or offices.county:
        print("\n".join(list_offices(offices)))
    db = Database(settings.database_url)
    try:
        problem = database_problem(db)
        problems = [problem] if problem else []
        # Told, not counted against `ok`: one DM to someone who left must not keep the bot from starting.
        refused = [] if problem else failed_messages(db)
    finally:
        db.dispose()
    if args.offline:
        problems += shape_problems(offices)
    else:
        if settings.slack_signing_secret is None:
            problems.append("SLACK_SIGNING_SECRET is not set: set it to the Signing Secret under «Basic Information» "
                            "→ «App Credentials».")
        problems += check_slack(settings, offices).problems
    for line in problems + refused:
        print(line)
    if problems:
        return 1
    print(f"ok: {describe_setup(settings, offices)}, migrated"
          + ("; Slack not asked (--offline)" if args.offline else "; Slack token, channels and people checked"))
    return 0


def cmd_deliver(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import install_senders
    from bot.operations.checks import failed_messages
    from bot.operations.service import resend_failed
    from bot.services import build_services

    settings.require("SLACK_BOT_TOKEN")
    services = install_senders(build_services(settings))
    report = resend_failed(services) if args.failed else services.messenger.deliver(limit=500)
    still = failed_messages(services.db)
    print(f"sent {len(report.sent)}, postponed {len(report.failed)}" + ("; Slack still refuses:" if still else ""))
    for line in still:
        print(f"  {line}")
    return 1 if args.failed and still else 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """Write the period report as XLSX, CSV or Markdown (bot/reports/exports.py says what each holds)."""
    from datetime import date
    from pathlib import Path

    from bot.clock import SystemClock
    from bot.errors import InvalidPeriod, StorageUnavailable
    from bot.i18n import t
    from bot.office import load_offices
    from bot.reports.exports import render
    from bot.reports.figures import Audience
    from bot.reports.periods import between, parse_period
    from bot.reports.service import load_report
    from store.db import Database

    out = Path(args.out)
    fmt = _report_format(args.format, out)
    offices = load_offices(settings.avvik_office_config)
    county = offices.county_by_id(args.county) if args.county else None
    if county is not None:
        if args.office:
            raise ConfigError("--county and --office: give one of them.")
        if fmt.value == "csv":
            raise ConfigError(f"--out {out.name}: the county report is written as .xlsx or .md.")
        office = offices.by_id(county.offices[0])  # its time zone and language
    elif args.office:
        office = offices.by_id(args.office)
    elif len(offices.office) == 1:
        office = offices.office[0]
    else:
        raise ConfigError("--office: the config has several offices; name one by its id.")
    now = SystemClock().now()
    try:
        if args.first or args.last:
            if not (args.first and args.last):
                raise ConfigError("--from and --to go together (or use --period).")
            try:
                period = between(date.fromisoformat(args.first), date.fromisoformat(args.last))
            except ValueError:
                raise ConfigError("--from/--to: write dates as YYYY-MM-DD.") from None
        else:
            period = parse_period(args.period, now.astimezone(office.tz).date())
    except InvalidPeriod as error:
        raise ConfigError(t(error.key, "en", **error.params)) from None
    if county is not None:
        return _county_report(settings, county, [offices.by_id(i) for i in county.offices], period, out, fmt)
    db = Database(settings.database_url)
    try:
        _check_ready(db)
        report = load_report(db, office, period, now, Audience(args.audience))
    except StorageUnavailable:
        raise ConfigError("DATABASE_URL: the database stopped answering; try again.") from None
    finally:
        db.dispose()
    names = _display_names(settings) if report.audience is Audience.LEADERS else None
    out.write_bytes(render(report, office, fmt, names) if names else render(report, office, fmt))
    print(f"wrote {out} ({fmt.value}): {office.name}, {period.label} ({period.first}–{period.last}), "
          f"{report.current.registered} case(s), {args.audience} version")
    return 0


def _county_report(settings: Settings, county: County, offices: list[Office], period: Period, out: Path,
                   fmt: Format) -> int:
    """Issue 24: the county report as XLSX or Markdown: figures only, so there is no audience to choose."""
    from bot.clock import SystemClock
    from bot.errors import StorageUnavailable
    from bot.reports.exports import render_county
    from bot.reports.service import load_county_report
    from store.db import Database

    db = Database(settings.database_url)
    try:
        _check_ready(db)
        report = load_county_report(db, county, offices, period, SystemClock().now())
    except StorageUnavailable:
        raise ConfigError("DATABASE_URL: the database stopped answering; try again.") from None
    finally:
        db.dispose()
    out.write_bytes(render_county(report, offices[0].locale, fmt))
    print(f"wrote {out} ({fmt.value}): {county.name}, {len(offices)} office(s), {period.label} "
          f"({period.first}–{period.last}), {report.total.registered} case(s)")
    return 0


def _report_format(given: str | None, out: Path) -> Format:
    """--format, or the format --out's extension names; a file named for another format is an error."""
    from bot.reports.exports import Format

    named = {".xlsx": Format.XLSX, ".csv": Format.CSV, ".md": Format.MD}.get(out.suffix.lower())
    if given is None:
        if named is None:
            raise ConfigError(f"--out {out.name}: end the file name in .xlsx, .csv or .md, or give --format.")
        return named
    if named is not None and named.value != given:
        raise ConfigError(f"--format {given} does not match --out {out.name}: name the file .{given}, "
                          "or leave --format out.")
    return Format(given)


def _display_names(settings: Settings) -> Callable[[str], str] | None:
    """Owners by their Slack display name (looked up now, never stored), when the bot may ask Slack."""
    from bot.reports.names import DisplayNames
    from bot.services import web_client

    return DisplayNames(web_client(settings)) if settings.slack_bot_token else None


def _moment(value: str, tz: ZoneInfo) -> datetime:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--at {value!r}: give a date and time like 2026-11-25T09:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _job_services(args: argparse.Namespace, settings: Settings) -> tuple[Services, list[Office]]:
    """Services for a one-shot scheduler job, with the ledger's senders, and the offices it runs for."""
    from bot.app import install_senders
    from bot.clock import StartingAt
    from bot.office import load_offices
    from bot.services import build_services

    if not args.dry_run:
        settings.require("SLACK_BOT_TOKEN")
    offices = load_offices(settings.avvik_office_config)
    chosen = [offices.by_id(args.office)] if args.office else list(offices.office)
    _ensure_migrated(settings)
    clock = StartingAt(_moment(args.at, chosen[0].tz)) if args.at else None
    return install_senders(build_services(settings, clock=clock)), chosen


def cmd_nudge(args: argparse.Namespace, settings: Settings) -> int:
    from bot.reminders.jobs import run_nudges

    services, offices = _job_services(args, settings)
    for office in offices:
        print("\n".join(describe_nudges(run_nudges(services, office, dry_run=args.dry_run), args.dry_run)))
    return 0


def cmd_breach(args: argparse.Namespace, settings: Settings) -> int:
    """Issue 21: the hourly breach job now (reminders, escalations, the card's countdown)."""
    from bot.breach.jobs import describe, run_breaches

    services, offices = _job_services(args, settings)
    for office in offices:
        print("\n".join(describe(run_breaches(services, office, dry_run=args.dry_run), args.dry_run)))
    return 0


def cmd_effect(args: argparse.Namespace, settings: Settings) -> int:
    """Issue 22: «Har tiltaket virket?» for cases closed with actions N workdays ago, and its reminders."""
    from bot.effect.jobs import describe, run_checks

    services, offices = _job_services(args, settings)
    for office in offices:
        print("\n".join(describe(run_checks(services, office, dry_run=args.dry_run), args.dry_run)))
    return 0


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.reminders.digest import run_digest
    from bot.reminders.rules import local_date
    from bot.workdays import NORWAY

    services, offices = _job_services(args, settings)
    for office in offices:
        today = local_date(services.clock.now(), office.tz)
        if not NORWAY.is_workday(today):
            print(f"{office.name}: {today:%A %Y-%m-%d} is not a workday; no digest")
            continue
        print("\n".join(describe_digest(run_digest(services, office, dry_run=args.dry_run), args.dry_run)))
    return 0


def cmd_quality(args: argparse.Namespace, settings: Settings) -> int:
    """Seed 002's half-yearly rounds as the scheduler runs them: close, open, remind (`--dry-run`: only say)."""
    from bot.quality.jobs import plan_due, scheduled_rounds
    from bot.quality.service import reviewers_of

    services, offices = _job_services(args, settings)
    for office in offices:
        reviewers = reviewers_of(services.leaders, office, patient=True) if not args.dry_run else \
            sorted(office.quality.reviewers)
        plan = plan_due(services.db, services.clock, office, reviewers)
        if not args.dry_run:
            scheduled_rounds(services, office.id)
        print("\n".join(describe_quality(plan, len(reviewers), args.dry_run)))
    return 0


def describe_quality(plan: RoundsPlan, reviewers: int, dry_run: bool) -> list[str]:
    """What a quality pass does (or, in a dry run, would do), for the admin's terminal."""
    from bot.quality.rules import round_title

    def name(line: RoundLine) -> str:
        return round_title(line, "en")

    verb = "would" if dry_run else "will"
    lines = [f"{plan.office.name}, {plan.today:%A %Y-%m-%d}: {'dry run, nothing stored' if dry_run else 'running'}"]
    for line in plan.close:
        where = "the leader channel and the office channel" if line.reviews else "the leader channel only (no reviews)"
        lines.append(f"  {verb} close {name(line)} (ended {line.closes_on}; {line.reviews} review(s)): "
                     f"overall assessment to {where}")
    if plan.open:
        lines.append(f"  {verb} open {name(plan.open)} ({plan.open.opens_on}–{plan.open.closes_on}), "
                     f"inviting {reviewers} reviewer(s)")
    if plan.kept_out_by:
        lines.append(f"  the season's round stays closed: {name(plan.kept_out_by)} runs until "
                     f"{plan.kept_out_by.closes_on}")
    for reviewer, lacking in sorted(plan.behind.items()):
        lines.append(f"  reminder to {reviewer}: {lacking} review(s) short of the target")
    for measure_id, due_on, leaders, county in plan.overdue:
        who = " and the county's leaders (if the office is in a county)" if county else " and the leader channel"
        lines.append(f"  measure {measure_id} overdue since {due_on}: its owner" + (who if leaders else "")
                     + " (once each)")
    if len(lines) == 1:
        lines.append("  nothing to do")
    return lines


def describe_nudges(plan: NudgePlan, dry_run: bool) -> list[str]:
    """What a reminder run sends (or, in a dry run, would send), for the admin's terminal."""
    head = f"{plan.office.name}, {plan.today:%A %Y-%m-%d}"
    if not plan.workday:
        return [f"{head}: not a workday; no reminders"]
    lines = [f"{head}: {'would send (dry run)' if dry_run else 'sending'}"]
    for recipient, nudges in plan.messages.items():
        lines.append(f"  DM to {recipient}: {len(nudges)} reminder(s)")
        lines += [f"    {n.reference}  {n.rule.value}  {n.workdays} workday(s)"
                  + (f"  action {n.action_id}" if n.action_id is not None else "") for n in nudges]
    for escalation in plan.escalations:
        lines.append(f"  leader channel {plan.office.leader_channel}: escalation of {escalation.reference} "
                     f"after {escalation.rounds} reminders without progress")
    if plan.summary:
        lines.append(f"  leader channel {plan.office.leader_channel}: weekly summary {plan.summary}")
    if len(lines) == 1:
        lines.append("  nothing to send")
    return lines


def describe_digest(plan: DigestPlan, dry_run: bool) -> list[str]:
    head = f"{plan.office.name}, {plan.period}"
    if plan.already:
        return [f"{head}: this week's digest was made before; nothing to send"]
    where = f"the office channel {plan.office.office_channel}"
    if not plan.posts:
        return [f"{head}: nothing closed or reported since the last digest; no post"]
    lines = [f"{head}: {'would post to' if dry_run else 'posting to'} {where}{' (dry run)' if dry_run else ''}",
             f"  reported {plan.reported} · closed {plan.closed} · open {plan.open}"]
    for item in plan.items:
        lines.append(f"  {item.reference}  {item.category}  {item.kind}")
        lines.append(f"    done: {item.feedback or '-'}")
        if item.lesson:
            lines.append(f"    learnt: {item.lesson}")
    return lines


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Erase the free text of cases closed longer than the office keeps it (`--dry-run`: only list them)."""
    from bot.clock import SystemClock
    from bot.deviations.retention import purge
    from bot.office import load_offices
    from store.db import Database

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


def _columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it (COLUMNS, the terminal, else 80),
    without importing shutil, which brings zlib, bz2 and lzma: a third of `--help`'s own time."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class _Help(argparse.HelpFormatter):
    """argparse's own help, told the width (so that it does not import shutil to find it)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help is `_Help`; subcommands' parsers are of this class too."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog="avvik-bot", description="Avviksboten: deviations for a NAV office.")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve Slack's HTTP requests on /slack/events (gunicorn)",
                                description="Serve Slack's HTTP requests on /slack/events, /healthz and /readyz "
                                            "under gunicorn; the scheduler runs in every worker unless "
                                            "--no-scheduler.")
    serve.add_argument("--host", default="0.0.0.0", help="the address to listen on (default: %(default)s, all)")
    serve.add_argument("--port", type=int, default=3000, help="the TCP port (default: %(default)s)")
    serve.add_argument("--workers", type=int, default=2,
                       help="gunicorn worker processes (default: %(default)s)")
    serve.add_argument("--threads", type=int, default=8,
                       help="threads per worker, each serving one request at a time (default: %(default)s)")
    serve.add_argument("--no-scheduler", action="store_true",
                       help="run no background jobs in this process (default: they run)")
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("socket", help="connect to Slack in Socket Mode").set_defaults(run=cmd_socket)

    db = commands.add_parser("db", help="database administration")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    up = db_commands.add_parser("upgrade", help="apply the migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(run=cmd_db_upgrade)

    check = commands.add_parser("check", help="check the settings, office config, database and Slack")
    check.add_argument("--offline", action="store_true",
                       help="do not ask Slack (token, channels, people); check the rest")
    check.set_defaults(run=cmd_check)
    deliver = commands.add_parser("deliver", help="send the messages still waiting in the ledger")
    deliver.add_argument("--failed", action="store_true",
                         help="send again the messages Slack refused for good (after fixing what it said)")
    deliver.set_defaults(run=cmd_deliver)

    report = commands.add_parser(
        "report", help="write a period report for the business plan (xlsx, csv or md)",
        description="Period: --from/--to (both days included), or --period 2026 | 2026H1 | 2026-03 | "
                    "2026-01-01..2026-03-31; neither means the last complete half-year. xlsx: sheets for the "
                    "summary, the cases (no free text, no people), the actions and the lessons. csv: one row per "
                    "case registered in the period (the xlsx cases sheet, for Norwegian Excel: semicolon-separated, "
                    "decimal comma, UTF-8 with BOM). "
                    "md: the summary, counts, overdue actions, lessons and changes, for the business plan.")
    report.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first day of the period")
    report.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last day of the period (included)")
    report.add_argument("--period", help="instead of --from/--to: 2026, 2026H1, 2026-03 or a..b")
    report.add_argument("--format", choices=["xlsx", "csv", "md"],
                        help="xlsx, csv or md (default: as --out's extension names it)")
    report.add_argument("--out", required=True, metavar="FILE", help="where to write the report")
    report.add_argument("--office", help="the office's id (needed when the config has several)")
    report.add_argument("--county", help="instead of --office: the county report (xlsx or md) of a [[county]] by its "
                                         "id: its offices side by side, figures only")
    report.add_argument("--audience", choices=["kontor", "ledere"], default="kontor",
                        help="kontor (default): no names at all; ledere: action owners included")
    report.set_defaults(run=cmd_report)
    for name, run, what in (("nudge", cmd_nudge, "send today's reminders, escalations and the leaders' summary"),
                            ("digest", cmd_digest, "post this week's feedback digest to the office channel"),
                            ("quality", cmd_quality, "close, open and remind the half-yearly quality rounds"),
                            ("breach", cmd_breach, "remind and escalate possible personal-data breaches (hourly)"),
                            ("effect", cmd_effect, "ask «Har tiltaket virket?» of cases closed with actions; remind")):
        job = commands.add_parser(name, help=f"{what} now (as the scheduler does)")
        job.add_argument("--dry-run", action="store_true", help="print what would be sent; send and store nothing")
        job.add_argument("--office", help="only this office (its id in AVVIK_OFFICE_CONFIG)")
        job.add_argument("--at", help="run as if it were this moment (ISO date and time; the office's time zone "
                                      "unless given), e.g. to preview a day with --dry-run")
        job.set_defaults(run=run)
    purge = commands.add_parser("purge", help="erase the free text of cases closed longer than the office keeps it")
    purge.add_argument("--dry-run", action="store_true", help="list what would be erased; change nothing")
    purge.set_defaults(run=cmd_purge)
    return root


Command = Callable[[argparse.Namespace, "Settings"], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.run is cmd_serve:
        # Start-up allocates hundreds of thousands of long-lived objects (the code, SQLAlchemy's and
        # pydantic's models) and little garbage: the collector's passes over them cost a tenth of it.
        # `serve` turns it back on once everything is loaded, before gunicorn forks.
        gc.disable()
    from bot import logs
    from bot.settings import load_settings

    try:
        settings = load_settings()
        logs.configure(settings.log_level, settings.log_format)
        return args.run(args, settings)
    except ConfigError as exc:
        print(f"avvik-bot: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
