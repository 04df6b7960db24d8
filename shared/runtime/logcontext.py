"""The request's correlation id, and the event being handled, on every log line a worker writes.

`CorrelationFilter` (named in each service's LOGGING config) stamps each record
with the correlation id of the nameko worker whose greenthread logs it, and with the
id and type of the event it is handling (None outside an event handler); the
Backbone and DeadlineRpc dependencies set the correlation id and shared.runtime.ops
the event in `worker_setup`, which nameko runs in the worker's own greenthread."""
import logging

from eventlet.corolocal import local

_current = local()


def set_correlation_id(correlation_id: str | None) -> None:
    _current.correlation_id = correlation_id


def current_correlation_id() -> str | None:
    return getattr(_current, "correlation_id", None)


def set_event(event_id: str | None, event_type: str | None) -> None:
    _current.event = (event_id, event_type)


def current_event() -> tuple[str | None, str | None]:
    return getattr(_current, "event", (None, None))


class CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = current_correlation_id() or "-"
        record.event_id, record.event_type = current_event()
        return True
