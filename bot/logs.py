"""Logging: plain text or one JSON object per line; never message text or personal data.

Our own log lines carry ids of cases and ledger rows, error codes and timings only. The
Slack SDK's debug output contains request bodies (message text), so its loggers are held
at INFO or above whatever the level asked for. Above that, Bolt still writes whole request
bodies into its lines (a failed signature check at INFO, an unhandled request, a listener's
error), so every line from Bolt and the SDK keeps only its words before the first detail
(`LibraryDetails`), whatever its level. An error is logged by its type and where it was
raised, never by its message: an exception's text can quote what a person typed.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

_ROOT = Path(__file__).resolve().parents[1]


def where(tb: TracebackType | None) -> str | None:
    """The innermost frame of our own code (or, failing that, any frame) as `file:line in function`."""
    frames = traceback.extract_tb(tb) if tb else []
    if not frames:
        return None
    ours = [f for f in frames if f.filename.startswith(str(_ROOT)) and "site-packages" not in f.filename]
    frame = (ours or frames)[-1]
    path = Path(frame.filename)
    name = str(path.relative_to(_ROOT)) if path.is_relative_to(_ROOT) else path.name
    return f"{name}:{frame.lineno} in {frame.name}"


# Libraries whose lines quote requests: «Invalid request signature detected (signature: …, body: …)».
QUOTING_LIBRARIES = frozenset({"slack_bolt", "slack_sdk"})
_DETAIL = re.compile(r"[(:{\[\n]")


class LibraryDetails(logging.Filter):
    """On the handler, so it sees every line whichever logger wrote it: a line from a library that
    quotes requests keeps its words up to the first detail, «Invalid request signature detected»."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.partition(".")[0] in QUOTING_LIBRARIES:
            words = _DETAIL.split(record.getMessage(), maxsplit=1)[0].strip()
            record.msg, record.args = words or "(details withheld)", None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message; for an error its type and place."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            data["error"] = record.exc_info[0].__name__
            data["where"] = where(record.exc_info[2])
        return json.dumps(data, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Readable lines; an error shows its traceback's frames and type, but not its message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def]
        return "".join(traceback.format_tb(ei[2])) + ei[0].__name__


def configure(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(LibraryDetails())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    floor = max(logging.getLevelName(level.upper()), logging.INFO)
    for name in ("slack_bolt", "slack_sdk", "urllib3", "apscheduler"):
        logging.getLogger(name).setLevel(floor)
    # Warnings and uncaught errors go through the same handler, so every line has one format.
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = lambda args: _log_uncaught(args.exc_type, args.exc_value, args.exc_traceback)


def _log_uncaught(kind: type[BaseException], value: BaseException | None, tb: TracebackType | None) -> None:
    logging.getLogger("avvik").critical("uncaught %s", kind.__name__, exc_info=(kind, value, tb))


def route_to_root(*loggers: logging.Logger) -> None:
    """Make a library's own loggers (gunicorn's) write through ours instead of their handlers."""
    for logger in loggers:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True
