"""Starting real `avvik-bot serve` processes for tests, on a free port, and stopping them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import SIGNING_SECRET
from tests.support.slack_fake import SlackFake


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


RUNNING: dict[str, subprocess.Popen] = {}  # url → the serve process behind it


def environment(slack: SlackFake, database_url: str, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV")},
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": database_url,
        **(extra_env or {}),
    }


def run_cli(slack: SlackFake, database_url: str, cwd: Path, *args: str,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `avvik-bot ARGS` as an administrator (or a cron job) would, against the same database."""
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd,
                          env=environment(slack, database_url, env), capture_output=True, text=True, timeout=60)


def crash(url: str) -> None:
    """Kill the serve process behind `url` and its workers at once (SIGKILL: no clean-up runs)."""
    process = RUNNING[url]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def serve(slack: SlackFake, database_url: str, cwd: Path, *, workers: int = 2,
          extra_env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> Iterator[str]:
    port = free_port()
    env = environment(slack, database_url, extra_env)
    log = (cwd / f"serve-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), *args],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    RUNNING[url] = process
    try:
        _wait_healthy(url, process, cwd / f"serve-{port}.log")
        yield url
    finally:
        del RUNNING[url]
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"serve did not become healthy:\n{log.read_text()}")


@dataclass
class SocketProcess:
    """`avvik-bot socket`, running, and where it writes its log."""

    process: subprocess.Popen
    log: Path

    def cpu_seconds(self) -> float:
        """User plus system CPU the process has used so far (from /proc, in clock ticks)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def socket_mode(slack: SlackFake, database_url: str, cwd: Path, *, extra_env: dict[str, str] | None = None,
                args: tuple[str, ...] = ()) -> Iterator[SocketProcess]:
    """`avvik-bot socket` as an operator starts it; stopped with SIGTERM (as a container runtime does)."""
    env = environment(slack, database_url, {"SLACK_APP_TOKEN": slack.app_token, **(extra_env or {})})
    log_path = cwd / f"socket-{len(RUNNING_SOCKETS)}.log"
    log = log_path.open("w")
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "socket", *args], cwd=cwd, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    RUNNING_SOCKETS.append(process)
    try:
        yield SocketProcess(process, log_path)
    finally:
        RUNNING_SOCKETS.remove(process)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


RUNNING_SOCKETS: list[subprocess.Popen] = []
