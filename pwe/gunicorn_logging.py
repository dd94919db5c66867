"""gunicorn's logs as JSON lines without client addresses (used by gunicorn.conf.py).

The access log keeps method, path (without the query), status, size and duration: enough to
operate the platform, nothing that identifies who sent the request.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

from pwe.logs import JsonFormatter

# gunicorn names the sender of a malformed request ("Invalid request from ip=...")
CLIENT_ADDRESS = re.compile(r"\bip=\S+")


class _WithoutClientAddress(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if CLIENT_ADDRESS.search(message):
            record.msg, record.args = CLIENT_ADDRESS.sub("ip=[not logged]", message), None
        return True


class JsonLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            for handler in logger.handlers:
                handler.setFormatter(JsonFormatter())
                handler.addFilter(_WithoutClientAddress())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        fields = {
            "method": req.method,
            "path": req.path,
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
        }
        self.access_log.info("request", extra={"fields": fields})
