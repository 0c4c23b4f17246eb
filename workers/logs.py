"""Structured logs (PLAYGROUND_LOG_FORMAT=json): one JSON object a line, for a log collector to read.

`{"time", "level", "logger", "message", ...}`, plus whatever a record carries as `extra=`, an access
line's client, method, path and status as fields, and a traceback as `exception`. The server
(`playground serve`, through uvicorn's log config) and the worker (`playground worker`, through Celery's
logging signals) both use it; docs/guide.md shows a line.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

# What every LogRecord has: the rest of a record's attributes came from `extra=` and become fields.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "color_message"}
ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")  # uvicorn.access' args, in order


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            entry.update(zip(ACCESS_FIELDS, record.args))
        for key, value in vars(record).items():
            if key not in STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def uvicorn_log_config(level: str) -> dict:
    """uvicorn's log_config for JSON lines: its loggers (at `level`, which uvicorn sets) and the rest (the root,
    at warning, as the plain text logs show them) through one handler on stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {name: {"handlers": [], "propagate": True} for name in UVICORN_LOGGERS},
        "root": {"handlers": ["json"], "level": max(logging.WARNING, logging.getLevelName(level.upper()))},
    }


def use_json(logger: logging.Logger) -> None:
    """Every handler of `logger` writes JSON lines from now on (Celery sets up its own handlers first)."""
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
