"""Logging: plain text or one JSON object per line; never message text or personal data.

Our own log lines carry ids of cases and ledger rows, error codes and timings only. The
Slack SDK's debug output contains request bodies (message text), so its loggers are held
at INFO or above whatever the level asked for.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            data["error"] = record.exc_info[0].__name__
        return json.dumps(data, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    floor = max(logging.getLevelName(level.upper()), logging.INFO)
    for name in ("slack_bolt", "slack_sdk", "urllib3", "apscheduler"):
        logging.getLogger(name).setLevel(floor)
