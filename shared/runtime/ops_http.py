"""A back-end service's operational HTTP listener (METRICS_PORT), a small WSGI app on
eventlet.wsgi in a managed greenthread of the container:

- GET /metrics: Prometheus text: the process's counters and histograms, then the state
  gauges of this service (shared.runtime.telemetry.state_metrics), computed per scrape;
- GET /livez: 200 {"status": "alive"} while the process serves at all;
- GET /readyz: 200 when the broker and the database answer, else 503; JSON
  {"ready": bool, "checks": {"broker": {"ok", "detail"}, "database": {...}}}."""
import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import eventlet
import eventlet.wsgi
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from shared.runtime.telemetry import StateCollector

if TYPE_CHECKING:
    from shared.runtime.ops import Ops

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


def metrics_text(states: Callable[[], Iterable[Any]]) -> bytes:
    """This process's metrics and the state gauges of `states()`, in one exposition."""
    gauges = CollectorRegistry(auto_describe=False)
    gauges.register(StateCollector(states))
    return generate_latest(REGISTRY) + generate_latest(gauges)


class OpsServer:
    def __init__(self, ops: "Ops", address: str, port: int) -> None:
        self.ops = ops
        self.socket = eventlet.listen((address, port))
        self.port = self.socket.getsockname()[1]
        log.info("metrics, liveness and readiness on http://%s:%d", address, self.port)

    def serve(self) -> None:
        eventlet.wsgi.server(self.socket, self.app, log_output=False, max_size=20)

    def close(self) -> None:
        try:
            self.socket.close()
        except OSError:
            pass

    def app(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _json(start_response, "405 Method Not Allowed", {"error": "only GET"})
        if path == "/livez":
            return _json(start_response, "200 OK", {"status": "alive"})
        if path == "/readyz":
            report = self.ops.readiness.report()
            return _json(start_response, "200 OK" if report["ready"] else "503 Service Unavailable", report)
        if path == "/metrics":
            body = metrics_text(lambda: [self.ops.state()])
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
            return [body]
        return _json(start_response, "404 Not Found", {"error": "not found", "paths": ["/metrics", "/livez",
                                                                                       "/readyz"]})


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
               ("Cache-Control", "no-store")]
    if status.startswith("503"):
        headers.append(("Retry-After", "5"))
    start_response(status, headers)
    return [data]
