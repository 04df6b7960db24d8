"""The platform's Prometheus metrics (names fixed by docs/observability.md).

Counters and histograms live in the process's default registry and move as work is
done. The state gauges (outbox backlog, dead letters, projection lag, readiness) are
computed at scrape time from an *ops state*: the dict `Ops.state()` returns and the
`ops_state` RPC carries, so a service's own /metrics and the gateway's platform-wide
one render them the same way (`state_metrics`)."""
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric

HTTP_REQUESTS = Counter("platform_http_requests", "Gateway HTTP requests answered, by route and status",
                        ["route", "method", "status"])
HTTP_DURATION = Histogram("platform_http_request_duration_seconds", "Gateway HTTP request duration",
                          ["route", "method", "status"])
RPC_DURATION = Histogram("platform_rpc_duration_seconds", "RPC duration on the serving side",
                         ["service", "method"])
EVENTS_HANDLED = Counter("platform_events_handled", "Events handled successfully, by consumer and type",
                         ["consumer", "type"])
EVENTS_FAILED = Counter("platform_events_failed",
                        "Failed event deliveries (a handler error, retried or parked, or a broken contract)",
                        ["consumer", "type"])

OpsState = Mapping[str, Any]


def state_metrics(states: Iterable[OpsState]) -> Iterator[Metric]:
    """Gauges of the given ops states. A state missing a part (a service that is not a
    producer, an outbox that could not be read) leaves that series out, never a zero."""
    up = GaugeMetricFamily("platform_service_up", "1 when the service answered for this scrape", labels=["service"])
    ready = GaugeMetricFamily("platform_ready", "1 when the component's readiness check passes",
                              labels=["service", "component"])
    pending = GaugeMetricFamily("platform_outbox_pending", "Outbox events not yet published", labels=["producer"])
    age = GaugeMetricFamily("platform_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox event",
                            labels=["producer"])
    dead = GaugeMetricFamily("platform_dead_letters", "Events parked in a consumer's dead-letter queue",
                             labels=["queue"])
    lag = GaugeMetricFamily("platform_projection_lag_seconds",
                            "Projection lag of the metrics service (docs/observability.md)", labels=["service"])
    for state in states:
        service = str(state["service"])
        up.add_metric([service], 1.0 if state.get("up", True) else 0.0)
        for component, check in (state.get("checks") or {}).items():
            ready.add_metric([service, component], 1.0 if check.get("ok") else 0.0)
        outbox = state.get("outbox")
        if outbox is not None:
            pending.add_metric([service], float(outbox["pending"]))
            age.add_metric([service], float(outbox["oldest_age_seconds"]))
        for queue, depth in (state.get("dead_letters") or {}).items():
            if depth is not None:
                dead.add_metric([queue], float(depth))
        if state.get("projection_lag_seconds") is not None:
            lag.add_metric([service], float(state["projection_lag_seconds"]))
    yield from (up, ready, pending, age, dead, lag)


class StateCollector:
    """A prometheus collector calling `states()` at each scrape."""

    def __init__(self, states: Any) -> None:
        self.states = states

    def collect(self) -> Iterator[Metric]:
        yield from state_metrics(self.states())

    def describe(self) -> list[Metric]:
        return []  # computed at scrape time: no fixed description to check at registration
