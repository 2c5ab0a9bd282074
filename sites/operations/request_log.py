"""The server's log: one line per request in a stable format, plain text or JSON (`DIACHIDO_LOG_FORMAT=json`).

A request's line holds its method, path (as sent, without the query, cut to MAX_PATH characters), route template,
status and time: never a cookie (the passport, the visitor cookie, the staff session), a header or the client's
address, so the log needs no more care than the rest of the data folder (docs/deploy.md, "Logs").
"""

import json
import logging
from datetime import UTC, datetime

ACCESS_LOGGER = "diachido.access"
MAX_PATH = 200  # characters of a path written to the log: real ones are short, a flood's may be 8 KB
FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REQUEST_FIELDS = ("method", "path", "route", "status", "ms")

access_log = logging.getLogger(ACCESS_LOGGER)


def log_request(method: str, raw_path: bytes, route: str, status: int, seconds: float) -> None:
    """Write the request's line, if the access log is on (it is under `diachido serve`)."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    path = raw_path[:MAX_PATH].decode("latin-1")
    ms = round(seconds * 1000, 1)
    # What access_log.info() does, less its walk up the stack for the caller's file and line, which no format of
    # ours writes (2 µs of the 10 µs a line costs, in every request).
    access_log.handle(access_log.makeRecord(
        ACCESS_LOGGER, logging.INFO, "", 0, "%s %s %d %.1fms route=%s", (method, path, status, ms, route), None,
        extra={"method": method, "path": path, "route": route, "status": status, "ms": ms}))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and a request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        line.update({field: getattr(record, field) for field in REQUEST_FIELDS if hasattr(record, field)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def logging_config(log_format: str) -> dict:
    """The `logging.config.dictConfig` of `diachido serve` (uvicorn applies it in each worker): every logger, the app's
    and uvicorn's, to standard error in `log_format`; uvicorn's own access log is off, ours replaces it."""
    formatter = {"()": f"{__name__}.JsonFormatter"} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {name: {"handlers": [], "level": "INFO", "propagate": True}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }
