"""Log lines as text (default) or, with LOG_FORMAT=json, one JSON object per line:
time (UTC ISO 8601), service, level, logger, message, correlation_id, and event_id and
event_type while an event is handled (stamped by shared.runtime.logcontext's filter).

Named in each service's LOGGING config as the formatter factory:
`{"()": shared.runtime.logformat.formatter, service: <name>, fmt: <text format>}`."""
import logging
import os
from datetime import datetime, timezone
from typing import Any

from pythonjsonlogger.json import JsonFormatter


class JsonLines(JsonFormatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        log_data.update({
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "service": self.service,
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": _or_none(getattr(record, "correlation_id", None)),
            "event_id": getattr(record, "event_id", None),
            "event_type": getattr(record, "event_type", None),
        })
        log_data.update(message_dict)  # exc_info, stack_info when present


def _or_none(value: Any) -> Any:
    return None if value in (None, "-") else value


def formatter(service: str, fmt: str) -> logging.Formatter:
    if os.environ.get("LOG_FORMAT", "text").strip().lower() == "json":
        return JsonLines(service)
    return logging.Formatter(fmt)
