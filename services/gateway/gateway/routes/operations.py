"""Operational routes for probes and scrapers (docs/observability.md): liveness,
readiness (broker, database, and whether each service answers an RPC within
OPS_RPC_DEADLINE_SECONDS) and the platform's Prometheus metrics in one scrape: the
gateway's own, then each service's state gauges from its `ops_state` RPC. A service that
does not answer shows as platform_service_up 0, its gauges absent; the scrape never fails."""
from typing import Any

import eventlet
from prometheus_client import CONTENT_TYPE_LATEST
from werkzeug.wrappers import Response

from gateway.entrypoints import api
from gateway.routes.base import Routes
from gateway.routes.system import SERVICES
from gateway.schemas import Liveness, Readiness
from shared.runtime.ops_http import metrics_text

TAGS = ["system"]


class OperationsRoutes(Routes):
    ops: Any
    programmes_ops: Any
    grants_ops: Any
    metrics_ops: Any

    @api("GET", "/livez", access="public", response=Liveness, tags=TAGS, summary="Liveness: the process serves")
    def livez(self, request):
        return {"status": "alive"}

    @api("GET", "/readyz", access="public", response=Readiness, tags=TAGS,
         responses={503: ("Not ready: the same body, the failing checks false (with Retry-After)", Readiness)},
         summary="Readiness: broker, database and every service answer (503 with the same body when not)")
    def readyz(self, request):
        report = self.ops.readiness.report()
        checks = dict(report["checks"])
        for name, answer in eventlet.GreenPool().imap(self._answers, SERVICES):
            checks[name] = answer
        ready = all(c["ok"] for c in checks.values())
        headers = {} if ready else {"Retry-After": "5"}
        return 200 if ready else 503, headers, {"ready": ready, "checks": checks}

    @api("GET", "/metrics", access="public", media="text/plain", tags=TAGS,
         summary="Prometheus metrics: the gateway's, and the whole platform's outbox, dead-letter, "
                 "projection and readiness gauges")
    def metrics_exposition(self, request):
        states = [self.ops.state(), *eventlet.GreenPool().imap(self._state, SERVICES)]
        return Response(metrics_text(lambda: states), status=200, mimetype=None,
                        headers={"Content-Type": CONTENT_TYPE_LATEST})

    def _proxy(self, service: str) -> Any:
        return getattr(self, f"{service}_ops")

    def _answers(self, service: str) -> tuple[str, dict[str, Any]]:
        if not self.ops.broker_ok():  # no call can reach it: say so at once
            return service, {"ok": False, "detail": "no broker to reach it through"}
        try:
            self._proxy(service).ping()
            return service, {"ok": True, "detail": "answered"}
        except Exception as exc:  # broker away, no consumer, too slow: not ready, never a 500
            return service, {"ok": False, "detail": str(exc) or type(exc).__name__}

    def _state(self, service: str) -> dict[str, Any]:
        if not self.ops.broker_ok():
            return {"service": service, "up": False}
        try:
            return dict(self._proxy(service).ops_state())
        except Exception:
            return {"service": service, "up": False}
