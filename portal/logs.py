"""Structured logs: one JSON object a line (LOG_FORMAT=json), and one line per request
(LOG_REQUESTS=1, on by default with JSON) with its method, path, status, time and user."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone

request_log = logging.getLogger("portal.request")

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line; extra= fields are kept as keys of their own."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        token = getattr(request, "auth", None) or getattr(getattr(request, "_request", None), "auth", None)
        request_log.info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={
                "method": request.method, "path": request.path, "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "token_id": getattr(token, "pk", None),
                "remote_addr": request.META.get("REMOTE_ADDR"),
            },
        )
        return response
