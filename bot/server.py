"""Running the bot: HTTP under gunicorn (several workers, threads), or Socket Mode."""

from __future__ import annotations

import gc
import logging
import os
import signal
import tempfile
import threading
from pathlib import Path

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger

from bot import logs
from bot.app import WsgiApp, create_app, import_listeners, listener_threads
from bot.services import build_services
from bot.settings import Settings

log = logging.getLogger(__name__)


class _GunicornLogs(GunicornLogger):
    """gunicorn's own lines (start, workers, errors) in our format: one JSON object per line when asked."""

    def setup(self, cfg) -> None:  # type: ignore[no-untyped-def]
        super().setup(cfg)
        logs.route_to_root(self.error_log, self.access_log)


def _freeze_before_fork(_server, _worker) -> None:  # type: ignore[no-untyped-def]
    """Everything the master has loaded moves out of the collector's reach: a worker's collections then
    never touch (and so never copy) the pages it shares with the master."""
    gc.freeze()


class GunicornServer(BaseApplication):
    """gunicorn, embedded: each worker builds its own services (engine, pool) after the fork."""

    def __init__(self, settings: Settings, options: dict[str, object], scheduler: bool = True) -> None:
        self.settings, self.options, self.with_scheduler = settings, options, scheduler
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # newer options (control_socket_disable) only where known
                self.cfg.set(key, value)

    def load(self) -> WsgiApp:
        logs.configure(self.settings.log_level, self.settings.log_format)
        services = build_services(self.settings)
        app = create_app(services)
        if self.with_scheduler:
            from bot.scheduler import create_scheduler  # imported by the master before the fork (see serve)

            create_scheduler(services).start()
        return WsgiApp(app, services)


def serve(settings: Settings, host: str, port: int, workers: int, threads: int, scheduler: bool = True) -> None:
    _metrics_directory()
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 30,
        "graceful_timeout": 20,
        "accesslog": None,
        "logger_class": _GunicornLogs,
        # newer gunicorns open a control socket in $HOME: unused here, and replicas on one host would share it.
        "control_socket_disable": True,
        "child_exit": _worker_exited,
        "loglevel": settings.log_level.lower(),
        "pre_fork": _freeze_before_fork,
    }
    preload(scheduler)
    gc.freeze()  # what start-up loaded stays out of the collector's reach (see _freeze_before_fork) …
    gc.enable()  # … which `avvik-bot serve` kept off while loading it
    GunicornServer(settings, options, scheduler).run()


def preload(scheduler: bool) -> None:
    """What the workers run, loaded in the master before they fork (each builds its own services after):
    they start at once and share the code's memory instead of each loading it. Building nothing; loaded
    once (`avvik-bot serve` calls it while the start-up checks wait on the network, then `serve` again)."""
    import_listeners()
    if scheduler:
        # The jobs and APScheduler too, shared the same way; `--no-scheduler` (replicas that only answer
        # Slack) loads neither.
        import bot.scheduler

        bot.scheduler.preload()
    import prometheus_client.multiprocess  # noqa: F401 - the library too (its metrics are made in the workers)
    from sqlalchemy.orm import configure_mappers

    configure_mappers()  # once, shared, rather than on each worker's first query


def _metrics_directory() -> None:
    """prometheus_client's multiprocess mode: every worker writes its values to one directory, and
    `/metrics` sums them, whichever worker answers the scrape. Set before any worker starts;
    emptied, as the library's documentation asks, so a restart does not count old values twice."""
    from bot.metrics import MULTIPROCESS_DIR

    directory = Path(os.environ.get(MULTIPROCESS_DIR) or tempfile.mkdtemp(prefix="avvik-metrics-"))
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROCESS_DIR] = str(directory)


def _worker_exited(server: object, worker: object) -> None:
    """gunicorn's `child_exit` hook: a dead worker's live gauges stop counting."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


def socket_mode(settings: Settings) -> None:
    """Socket Mode: no inbound traffic at all, which suits a closed public-sector network.

    Runs until SIGTERM or SIGINT, then stops as `serve` does: no new envelopes, the ones in
    progress finished and acknowledged, the scheduler stopped, the ledger's sends done; exit 0.
    """
    from bot.scheduler import create_scheduler
    from bot.socket_mode import SocketModeRunner

    services = build_services(settings)
    scheduler = create_scheduler(services)
    listeners = listener_threads()
    runner = SocketModeRunner(create_app(services, listeners), settings.secret("SLACK_APP_TOKEN"))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    runner.connect()
    scheduler.start()
    log.info("socket mode: connected; waiting for envelopes")
    stop.wait()
    log.info("socket mode: stopping")
    runner.close()  # no new envelopes; those read are acknowledged
    listeners.shutdown(wait=True)  # the work each listener does after its ack
    scheduler.shutdown(wait=True)
    services.messenger.wait_idle()
    log.info("socket mode: stopped")
