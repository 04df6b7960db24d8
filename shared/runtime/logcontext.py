"""The request's correlation id on every log line a worker writes.

`CorrelationFilter` (named in each service's LOGGING config) stamps each record
with the correlation id of the nameko worker whose greenthread logs it; the
Backbone and DeadlineRpc dependencies set it in `worker_setup`, which nameko runs
in the worker's own greenthread."""
import logging

from eventlet.corolocal import local

_current = local()


def set_correlation_id(correlation_id: str | None) -> None:
    _current.correlation_id = correlation_id


def current_correlation_id() -> str | None:
    return getattr(_current, "correlation_id", None)


class CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = current_correlation_id() or "-"
        return True
