"""The one line start-up says about what the bot runs on, and the checks it refuses to start without."""

from __future__ import annotations

import errno
import logging
import socket

from bot.errors import ConfigError
from bot.office import OfficeDirectory
from bot.operations.checks import check_slack
from bot.settings import EXAMPLE_OFFICE_CONFIG, Settings

log = logging.getLogger("avvik.startup")


def describe(settings: Settings, offices: OfficeDirectory, mode: str, scheduler: bool) -> str:
    """Config file, offices, database (never its password), HTTP or Socket Mode, and the scheduler."""
    return f"{describe_setup(settings, offices)}; {mode}; scheduler {'on' if scheduler else 'off'}"


def describe_setup(settings: Settings, offices: OfficeDirectory) -> str:
    """The office config (saying so when it is the example), the offices, the database without its password."""
    from sqlalchemy.engine import make_url

    config = str(settings.avvik_office_config)
    if settings.avvik_office_config.resolve() == EXAMPLE_OFFICE_CONFIG.resolve():
        config += " (the example config: replace it before real use; see AVVIK_OFFICE_CONFIG)"
    names = ", ".join(f"{o.name} ({o.id})" for o in offices.office)
    database = make_url(settings.database_url).render_as_string(hide_password=True)
    return f"office config {config}; {len(offices.office)} office(s): {names}; database {database}"


def list_offices(offices: OfficeDirectory) -> list[str]:
    """`avvik-bot check`'s list of what a folder config (or any config with counties) holds: each office
    with its name and file, each county with its offices."""
    lines = []
    for office in offices.office:
        source = offices.source_of(office.id)
        lines.append(f"office {office.id}: {office.name}" + (f" ({source})" if source else ""))
    for county in offices.county:
        source = offices.county_source(county.id)
        lines.append(f"county {county.id}: {county.name}; offices {', '.join(county.offices)}"
                     + (f" ({source})" if source else ""))
    return lines


def require_slack(settings: Settings, offices: OfficeDirectory, *, socket_mode: bool = False) -> None:
    """Ask Slack as `avvik-bot check` does: refuse to start on a rejected token, warn of the rest."""
    report = check_slack(settings, offices, socket_mode=socket_mode)
    if report.token_rejected:
        raise ConfigError(next(p for p in report.problems if p.startswith("SLACK_")))
    for problem in report.problems:
        log.warning("%s", problem)


def require_free_port(host: str, port: int) -> None:
    """One line instead of gunicorn's retries when another program holds the port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(f"--port {port}: another program already listens on {host}:{port}: stop it, "
                                  "or give another --port.") from None
            raise ConfigError(f"--host {host}: cannot listen there ({exc.strerror}): give an address of this "
                              "machine, e.g. 0.0.0.0.") from None
