"""Structured logs: one JSON object per line, never a client address nor a user agent.

Records carry their own fields in `extra={"fields": {...}}`; nothing about the request is added
implicitly, so a log line holds only what its caller chose to put in.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask import Flask
from flask.logging import default_handler


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    return handler


def init_app(app: Flask) -> None:
    """The app's logger writes JSON lines to stderr (gunicorn passes them on to its error log)."""
    logger = app.logger
    logger.removeHandler(default_handler)
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        logger.addHandler(json_handler())
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
