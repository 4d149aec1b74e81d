"""Logging set-up: plain text, or JSON lines for log collectors.

What the server logs never includes chat text or user ids: call records carry
the method, status code, duration and the caller's request id only, and
errors are logged with their type and traceback, never the request.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

#: Extra fields a record may carry (`log.info(..., extra={...})`) that JSON lines keep.
FIELDS = ("method", "code", "duration_ms", "request_id", "peer_role", "address", "signal")


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, known extra fields, and the
    exception type and traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                out[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            out["exc_type"] = record.exc_info[0].__name__
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure_logging(level: str, fmt: str = "text") -> None:
    """Root logging to stderr, as text or JSON lines (`CHATADS_LOG_FORMAT`)."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonLineFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
